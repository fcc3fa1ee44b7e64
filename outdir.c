// SPDX-License-Identifier: GPL-2.0
/*
 * Safe output directories and files (see outdir.h): openat() walks, the
 * ownership rule, temporary files renamed into place, and the journal.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/random.h>
#include <sys/stat.h>

#include "outdir.h"

#define WALK_FLAGS	(O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
#define TMP_MARK	".xdpperf-"

static void why_set(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void why_set(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!why || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(why, len, fmt, ap);
	va_end(ap);
}

/* Like fs.protected_symlinks, for group-writable directories too. */
static bool link_followable(const struct stat *dir, const struct stat *lnk)
{
	if (!(dir->st_mode & (S_IWGRP | S_IWOTH)))
		return true;
	return lnk->st_uid == geteuid() || lnk->st_uid == dir->st_uid;
}

/* The rule for a directory we write into (see outdir.h). */
static int dir_trusted(const struct stat *st, const char *path, char *why,
		       size_t len)
{
	if (st->st_uid != geteuid() && st->st_uid != 0) {
		why_set(why, len, "%s belongs to uid %u, not to you: choose a directory of your own",
			path, (unsigned int)st->st_uid);
		return -EPERM;
	}
	if ((st->st_mode & (S_IWGRP | S_IWOTH)) && !(st->st_mode & S_ISVTX)) {
		why_set(why, len, "%s can be written by its group or others (mode %04o) and is not sticky: others could replace what is written there",
			path, (unsigned int)(st->st_mode & 07777));
		return -EPERM;
	}
	return 0;
}

/* One component: a directory, created when missing and asked to. */
static int walk_step(int at, const struct stat *at_st, const char *name,
		     bool last, bool create, const char *shown, char *why,
		     size_t len)
{
	struct stat lnk;
	int fd, err;

	fd = openat(at, name, WALK_FLAGS);
	if (fd < 0 && errno == ENOENT && create) {
		if (mkdirat(at, name, 0755) && errno != EEXIST) {
			err = -errno;
			why_set(why, len, "cannot create %s: %s", shown,
				strerror(errno));
			return err;
		}
		fd = openat(at, name, WALK_FLAGS);
	}
	if (fd >= 0)
		return fd;
	err = -errno;
	if ((err == -ENOTDIR || err == -ELOOP) &&
	    !fstatat(at, name, &lnk, AT_SYMLINK_NOFOLLOW) && S_ISLNK(lnk.st_mode)) {
		if (last) {
			why_set(why, len, "%s is a symbolic link: not followed (name the directory itself)",
				shown);
			return -ELOOP;
		}
		if (!link_followable(at_st, &lnk)) {
			why_set(why, len, "%s is a symbolic link of uid %u in a directory others can write: not followed",
				shown, (unsigned int)lnk.st_uid);
			return -ELOOP;
		}
		fd = openat(at, name, O_PATH | O_DIRECTORY | O_CLOEXEC);
		if (fd >= 0)
			return fd;
		err = -errno;
	}
	why_set(why, len, "%s: %s", shown,
		err == -ENOTDIR ? "not a directory" : strerror(-err));
	return err;
}

int outdir_open(const char *path, bool create, char *why, size_t len)
{
	char buf[PATH_MAX], shown[PATH_MAX], *save = NULL, *c, *next;
	struct stat st;
	int fd, nfd, err;

	if (!path || !*path || strlen(path) >= sizeof(buf)) {
		why_set(why, len, "'%s' is not a directory name", path ?: "");
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", path);
	fd = open(path[0] == '/' ? "/" : ".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st)) {
		err = -errno;
		why_set(why, len, "%s: %s", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return err;
	}
	shown[0] = '\0';
	for (c = strtok_r(buf, "/", &save); c; c = next) {
		next = strtok_r(NULL, "/", &save);
		snprintf(shown + strlen(shown), sizeof(shown) - strlen(shown),
			 "%s%s", shown[0] || path[0] == '/' ? "/" : "", c);
		if (!strcmp(c, "."))
			continue;
		nfd = walk_step(fd, &st, c, !next, create, shown, why, len);
		close(fd);
		if (nfd < 0)
			return nfd;
		fd = nfd;
		if (fstat(fd, &st)) {
			err = -errno;
			close(fd);
			return err;
		}
	}
	err = dir_trusted(&st, path, why, len);
	if (err) {
		close(fd);
		return err;
	}
	return fd;
}

/* ---- claiming a run's directory ---- */

/* The suite's own files in a run directory; plots/ holds PLOT_EXTS. */
static const char *const own_files[] = {
	"data.csv", "data.json", "cost-model.csv", "cost-model.json",
	"compare.csv", "compare.md", "compare.html", "report.md",
	"report.html",
};
static const char *const plot_exts[] = {
	".png", ".svg", ".dat", ".gp", ".log",
};
/* The marker's first line: what the directory is, for whoever lists it. */
static const char marker_text[] =
	"xdp-perf results: test_perf made this directory; --force may replace its files but journal.jsonl\n";

static bool ends_with(const char *s, const char *tail)
{
	size_t a = strlen(s), b = strlen(tail);

	return a >= b && !strcmp(s + a - b, tail);
}

static bool own_plot_file(const char *name)
{
	for (size_t i = 0; i < sizeof(plot_exts) / sizeof(*plot_exts); i++)
		if (ends_with(name, plot_exts[i]))
			return true;
	return name[0] == '.' && strstr(name, TMP_MARK);
}

/* Entries of directory fd other than . and ..; -errno when unreadable. */
static int count_entries(int fd, bool (*keep)(const char *), int unlink_at)
{
	int dfd = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC), n = 0;
	struct dirent *de;
	DIR *d;

	if (dfd < 0)
		return -errno;
	d = fdopendir(dfd);
	if (!d) {
		close(dfd);
		return -ENOMEM;
	}
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (keep && unlink_at >= 0 && keep(de->d_name) &&
		    !unlinkat(unlink_at, de->d_name, 0))
			continue;
		if (!strcmp(de->d_name, OUTDIR_MARKER))
			continue;
		n++;
	}
	closedir(d);
	return n;
}

/* --force: the files an earlier run of the suite wrote go first. */
static void remove_own_files(int fd)
{
	int pfd;

	for (size_t i = 0; i < sizeof(own_files) / sizeof(*own_files); i++)
		unlinkat(fd, own_files[i], 0);	/* a symlink goes, not its target */
	pfd = openat(fd, "plots", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0) {
		unlinkat(fd, "plots", 0);	/* a file or a symlink */
		return;
	}
	count_entries(pfd, own_plot_file, pfd);
	close(pfd);
	unlinkat(fd, "plots", AT_REMOVEDIR);	/* when empty now */
}

static bool own_tmp_file(const char *name)
{
	return name[0] == '.' && strstr(name, TMP_MARK);
}

/*
 * Did the suite make directory fd? Its marker: a regular file (not a
 * link) of ours or root's, which says so on its first line.
 */
static bool made_by_suite(int fd)
{
	int mfd = openat(fd, OUTDIR_MARKER, O_RDONLY | O_NOFOLLOW |
			 O_NONBLOCK | O_CLOEXEC);
	char buf[sizeof(marker_text)];
	struct stat st;
	ssize_t n = -1;

	if (mfd < 0)
		return false;
	if (!fstat(mfd, &st) && S_ISREG(st.st_mode) &&
	    (st.st_uid == geteuid() || st.st_uid == 0))
		n = read(mfd, buf, sizeof(buf) - 1);
	close(mfd);
	return n == (ssize_t)sizeof(marker_text) - 1 &&
	       !memcmp(buf, marker_text, n);
}

static int write_marker(int fd)
{
	int mfd = openat(fd, OUTDIR_MARKER, O_WRONLY | O_CREAT | O_EXCL |
			 O_NOFOLLOW | O_CLOEXEC, 0644), err;
	ssize_t n;

	if (mfd < 0)
		return errno == EEXIST && made_by_suite(fd) ? 0 : -errno;
	n = write(mfd, marker_text, sizeof(marker_text) - 1);
	err = n == (ssize_t)sizeof(marker_text) - 1 ? 0 : n < 0 ? -errno : -EIO;
	if (close(mfd) && !err)
		err = -errno;
	if (err)
		unlinkat(fd, OUTDIR_MARKER, 0);
	return err;
}

/*
 * A directory that holds more than the marker: refused unless the suite
 * made it, --force is given and no journal of an unfinished run is in
 * it; then the earlier run's files go.
 */
static int claim_used(int fd, const char *path, bool force, char *why,
		      size_t len)
{
	struct stat st;

	if (!made_by_suite(fd)) {
		why_set(why, len, "%s is not empty and test_perf did not make it (no %s in it): name a new or empty directory",
			path, OUTDIR_MARKER);
		return -ENOTEMPTY;
	}
	if (!fstatat(fd, OUTDIR_JOURNAL, &st, AT_SYMLINK_NOFOLLOW)) {
		why_set(why, len, "%s holds %s, the points of a run that did not finish and their only copy: render them with --report-from %s, and move the file away to reuse the directory",
			path, OUTDIR_JOURNAL, path);
		return -EEXIST;
	}
	if (!force) {
		why_set(why, len, "%s is not empty: it holds an earlier run's results; name a new directory, or add --force to replace them",
			path);
		return -ENOTEMPTY;
	}
	remove_own_files(fd);
	return 0;
}

int outdir_claim(const char *path, bool force, char *why, size_t len)
{
	int fd = outdir_open(path, true, why, len), n;

	if (fd < 0)
		return fd;
	n = count_entries(fd, own_tmp_file, fd);
	if (n < 0)
		why_set(why, len, "cannot list %s: %s", path, strerror(-n));
	else if (n > 0)
		n = claim_used(fd, path, force, why, len);
	if (!n) {
		n = write_marker(fd);
		if (n)
			why_set(why, len, "cannot write %s/%s: %s", path,
				OUTDIR_MARKER, strerror(-n));
	}
	close(fd);
	return n;
}

/* ---- files ---- */

static unsigned int tmp_random(void)
{
	static unsigned int counter;
	unsigned int r;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (unsigned int)getpid() * 2654435761u ^ (unsigned int)time(NULL);
	return r ^ counter++;
}

static bool plain_name(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..") && strlen(name) < 256;
}

/* The temporary file of name in of->dirfd; dir names it in messages. */
static int outfile_create(struct outfile *of, const char *dir,
			  const char *name, char *why, size_t len)
{
	int fd = -1, err, tries;

	snprintf(of->name, sizeof(of->name), "%s", name);
	for (tries = 0; fd < 0 && tries < 64; tries++) {
		snprintf(of->tmp, sizeof(of->tmp), ".%.200s" TMP_MARK "%08x",
			 name, tmp_random());
		fd = openat(of->dirfd, of->tmp, O_WRONLY | O_CREAT | O_EXCL |
			    O_NOFOLLOW | O_CLOEXEC, 0644);
		if (fd < 0 && errno != EEXIST)
			break;
	}
	if (fd >= 0)
		of->f = fdopen(fd, "w");
	if (!of->f) {
		err = -errno;
		why_set(why, len, "cannot write %s/%s: %s", dir, name,
			strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlinkat(of->dirfd, of->tmp, 0);
		}
		close(of->dirfd);
		of->dirfd = -1;
		return err;
	}
	return 0;
}

/* An outfile not yet open, for a plain file name only. */
static int outfile_init(struct outfile *of, const char *name, char *why,
			size_t len)
{
	memset(of, 0, sizeof(*of));
	of->dirfd = -1;
	if (!plain_name(name)) {
		why_set(why, len, "'%s' is not a file name", name);
		return -EINVAL;
	}
	return 0;
}

int outfile_open(struct outfile *of, const char *dir, const char *name,
		 char *why, size_t len)
{
	int err = outfile_init(of, name, why, len);

	if (err)
		return err;
	of->dirfd = outdir_open(dir, true, why, len);
	if (of->dirfd < 0)
		return of->dirfd;
	return outfile_create(of, dir, name, why, len);
}

int outfile_openat(struct outfile *of, int dirfd, const char *name,
		   char *why, size_t len)
{
	if (outfile_init(of, name, why, len))
		return -EINVAL;
	of->dirfd = fcntl(dirfd, F_DUPFD_CLOEXEC, 3);
	if (of->dirfd < 0) {
		int err = -errno;

		why_set(why, len, "cannot write %s: %s", name, strerror(-err));
		return err;
	}
	return outfile_create(of, ".", name, why, len);
}

int outdir_mkdtemp(int dirfd, char *name, size_t len)
{
	for (int tries = 0; tries < 64; tries++) {
		snprintf(name, len, TMP_MARK "%08x", tmp_random());
		if (!mkdirat(dirfd, name, 0700))
			return 0;
		if (errno != EEXIST)
			return -errno;
	}
	return -EEXIST;
}

/* "dir/name" into dir ("." or "/" when that is all) and name. */
static const char *split_path(const char *path, char *dir, size_t len)
{
	const char *slash = strrchr(path, '/');

	if (!slash)
		snprintf(dir, len, ".");
	else if (slash == path)
		snprintf(dir, len, "/");
	else
		snprintf(dir, len, "%.*s", (int)(slash - path), path);
	return slash ? slash + 1 : path;
}

int outfile_open_path(struct outfile *of, const char *path, char *why,
		      size_t len)
{
	char dir[PATH_MAX];
	const char *name = split_path(path, dir, sizeof(dir));

	return outfile_open(of, dir, name, why, len);
}

int outdir_open_parent(const char *path, char *why, size_t len)
{
	char dir[PATH_MAX];

	split_path(path, dir, sizeof(dir));
	return outdir_open(dir, false, why, len);
}

void outfile_discard(struct outfile *of)
{
	if (of->f)
		fclose(of->f);
	if (of->dirfd >= 0) {
		unlinkat(of->dirfd, of->tmp, 0);
		close(of->dirfd);
	}
	of->f = NULL;
	of->dirfd = -1;
}

int outfile_commit(struct outfile *of)
{
	int err = 0;

	if (!of->f)
		return -EBADF;
	if (fflush(of->f) || ferror(of->f))
		err = errno ? -errno : -EIO;
	if (fclose(of->f) && !err)
		err = -errno;
	of->f = NULL;
	if (!err && renameat(of->dirfd, of->tmp, of->dirfd, of->name))
		err = -errno;
	if (err)
		unlinkat(of->dirfd, of->tmp, 0);
	close(of->dirfd);
	of->dirfd = -1;
	return err;
}

FILE *outdir_fopen_read(const char *path, long max_bytes)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	struct stat st;
	int err = 0;
	FILE *f;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st))
		err = errno;
	else if (!S_ISREG(st.st_mode))
		err = EINVAL;
	else if (st.st_size > max_bytes)
		err = EFBIG;
	if (err) {
		close(fd);
		errno = err;
		return NULL;
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	f = fdopen(fd, "r");
	if (!f)
		close(fd);
	return f;
}

/* ---- the journal ---- */

static int journal_fd = -1, journal_dirfd = -1, journal_points;

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return n < 0 ? -errno : -EIO;
		buf += n;
		len -= n;
	}
	return 0;
}

/* A journal without a point (nothing was measured) is not left behind. */
static void journal_atexit(void)
{
	if (journal_fd >= 0 && !journal_points)
		outdir_journal_close(true);
}

int outdir_journal_open(const char *dir, const char *first, size_t len)
{
	static bool atexit_set;
	int err;

	if (!atexit_set)
		atexit_set = !atexit(journal_atexit);
	outdir_journal_close(false);
	journal_points = 0;
	journal_dirfd = outdir_open(dir, true, NULL, 0);
	if (journal_dirfd < 0)
		return journal_dirfd;
	journal_fd = openat(journal_dirfd, OUTDIR_JOURNAL, O_WRONLY | O_CREAT |
			    O_EXCL | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0644);
	err = journal_fd < 0 ? -errno : write_all(journal_fd, first, len);
	if (err)
		outdir_journal_close(journal_fd >= 0);
	return err;
}

bool outdir_journal_active(void)
{
	return journal_fd >= 0;
}

void outdir_journal_append(const char *line, size_t len)
{
	journal_points++;
	if (journal_fd >= 0 && write_all(journal_fd, line, len)) {
		fprintf(stderr, "test_perf: cannot append to the journal %s: %s; the points stay in memory\n",
			OUTDIR_JOURNAL, strerror(errno));
		close(journal_fd);
		journal_fd = -1;
	}
}

void outdir_journal_close(bool remove)
{
	if (journal_fd >= 0)
		close(journal_fd);
	if (journal_dirfd >= 0) {
		if (remove)
			unlinkat(journal_dirfd, OUTDIR_JOURNAL, 0);
		close(journal_dirfd);
	}
	journal_fd = journal_dirfd = -1;
}
