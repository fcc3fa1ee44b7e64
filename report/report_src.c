// SPDX-License-Identifier: GPL-2.0
/* The source directory of --report-from, read through one fd (report_src.h). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>

#include "test_perf.h"
#include "csv.h"
#include "dataset.h"
#include "json.h"
#include "outdir.h"
#include "report_run.h"
#include "report_src.h"
#include "results.h"
#include "util.h"

#define SRC_MAX_FILE	(1L << 30)	/* a data file is far smaller */
#define COPY_CHUNK	65536

static const char *const src_files[REPORT_SRC_FILES] = {
	"data.csv", "data.json", "cost-model.csv", "cost-model.json",
	OUTDIR_JOURNAL, RUN_FILE,
};

/* The path a reader opens the private copy by. */
static void copy_path(int mfd, char *buf, size_t len)
{
	snprintf(buf, len, "/proc/self/fd/%d", mfd);
}

/* A reader's message names the private copy: name the file instead. */
static void msg_shown(char *err, size_t len, const char *proc,
		      const char *shown)
{
	char *p = strstr(err, proc), *tail;
	size_t plen = strlen(proc);

	if (!p || isdigit((unsigned char)p[plen]))
		return;
	tail = strdup(p + plen);
	if (!tail)
		return;
	snprintf(p, len - (p - err), "%s%s", shown, tail);
	free(tail);
}

/* From fd into the memfd mfd, at most SRC_MAX_FILE bytes. */
static int copy_fd(int fd, int mfd)
{
	char *buf = malloc(COPY_CHUNK);
	long total = 0;
	ssize_t n = 0;
	int err = 0;

	if (!buf)
		return -ENOMEM;
	while (!err && (n = read(fd, buf, COPY_CHUNK)) > 0) {
		total += n;
		if (total > SRC_MAX_FILE)
			err = -EFBIG;
		else if (write(mfd, buf, n) != n)
			err = -EIO;
	}
	if (!err && n < 0)
		err = -errno;
	free(buf);
	return err;
}

/*
 * SRC/name read into a sealed memfd: the memfd, -ENOENT when there is no
 * such file, or -errno with a one-line reason. The name is looked at
 * before it is opened to read (O_PATH): a symlink, a FIFO or a device is
 * refused without ever being opened.
 */
static int snapshot(const struct report_src *s, const char *name, char *err,
		    size_t err_len)
{
	char proc[64];
	struct stat st;
	int pfd, fd = -1, mfd = -1, ret;

	pfd = openat(s->dfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (pfd < 0) {
		if (errno == ENOENT)
			return -ENOENT;
		ret = -errno;
		perf_msg(err, err_len, "cannot open %s/%s: %s", s->dir, name,
			 strerror(-ret));
		return ret;
	}
	ret = fstat(pfd, &st) ? -errno : 0;
	if (!ret && S_ISLNK(st.st_mode)) {
		perf_msg(err, err_len, "%s/%s is a symbolic link: not followed (put the file itself there)",
			 s->dir, name);
		ret = -ELOOP;
	} else if (!ret && !S_ISREG(st.st_mode)) {
		perf_msg(err, err_len, "%s/%s is not a regular file: refused",
			 s->dir, name);
		ret = -EINVAL;
	} else if (!ret && st.st_size > SRC_MAX_FILE) {
		perf_msg(err, err_len, "%s/%s is larger than %ld bytes: not a data file of the suite",
			 s->dir, name, SRC_MAX_FILE);
		ret = -EFBIG;
	}
	if (ret)
		goto out;
	/* the inode checked above, opened to read */
	copy_path(pfd, proc, sizeof(proc));
	fd = open(proc, O_RDONLY | O_NOCTTY | O_CLOEXEC);
	mfd = memfd_create(name, MFD_CLOEXEC | MFD_ALLOW_SEALING);
	ret = fd < 0 || mfd < 0 ? -errno : copy_fd(fd, mfd);
	if (!ret && fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK | F_SEAL_GROW |
			  F_SEAL_WRITE | F_SEAL_SEAL))
		ret = -errno;
	if (ret)
		perf_msg(err, err_len, "cannot read %s/%s: %s", s->dir, name,
			 strerror(-ret));
out:
	if (fd >= 0)
		close(fd);
	close(pfd);
	if (ret && mfd >= 0)
		close(mfd);
	return ret ?: mfd;
}

/* A data file (data.json, data.csv, a journal) of the copy mfd into ds. */
static int load_data(int mfd, const char *name, const char *shown,
		     struct dataset *ds, char *err, size_t err_len)
{
	size_t len = strlen(name);
	char proc[64];
	int ret;

	copy_path(mfd, proc, sizeof(proc));
	if (len > 4 && !strcmp(name + len - 4, ".csv"))
		ret = ds_load_csv(proc, ds, err, err_len);
	else if (len > 6 && !strcmp(name + len - 6, ".jsonl"))
		ret = ds_load_journal(proc, ds, err, err_len);
	else
		ret = ds_load_json(proc, ds, err, err_len);
	if (ret)
		msg_shown(err, err_len, proc, shown);
	else
		snprintf(ds->source, sizeof(ds->source), "%s", shown);
	return ret;
}

/* cost-model.csv as results.c writes it: its header, whole rows. */
static int check_cost_csv(int mfd, const char *shown, char *err,
			  size_t err_len)
{
	char proc[64], *line = NULL, *cells[64];
	int lineno = 1, nr_cols = 1, ret = 0;
	size_t cap = 0;
	FILE *f;

	copy_path(mfd, proc, sizeof(proc));
	f = fopen(proc, "re");
	if (!f) {
		ret = -errno;
		perf_msg(err, err_len, "cannot read %s: %s", shown,
			 strerror(-ret));
		return ret;
	}
	for (const char *c = RESULTS_COST_CSV_HEADER; *c; c++)
		nr_cols += *c == ',';
	if (getline(&line, &cap, f) < 0 ||
	    strcmp(line, RESULTS_COST_CSV_HEADER "\n")) {
		perf_msg(err, err_len, "%s: not a cost model of the suite (line 1 is not the cost-model.csv header)",
			 shown);
		ret = -EINVAL;
	}
	while (!ret && getline(&line, &cap, f) >= 0) {
		lineno++;
		if (!csv_line_clean(line) ||
		    csv_split(line, cells, ARRAY_SIZE(cells)) != nr_cols) {
			perf_msg(err, err_len, "%s:%d: not a row of the cost model (%d fields, no control character)",
				 shown, lineno, nr_cols);
			ret = -EINVAL;
		}
	}
	free(line);
	fclose(f);
	return ret;
}

/* cost-model.json: JSON whose "format" is the cost model's, with its fits. */
static int check_cost_json(int mfd, const char *shown, char *err,
			   size_t err_len)
{
	const struct json_value *fmt, *fits;
	struct json_value root;
	char sub[256];
	struct stat st;
	char *text;
	int ret;

	if (fstat(mfd, &st))
		return -errno;
	text = malloc(st.st_size + 1);
	if (!text)
		return -ENOMEM;
	ret = pread(mfd, text, st.st_size, 0) == st.st_size ? 0 : -EIO;
	if (!ret)
		ret = json_parse(text, st.st_size, &root, sub, sizeof(sub));
	free(text);
	if (ret) {
		perf_msg(err, err_len, "%s: %s", shown,
			 ret == -EIO ? "cannot read it" : sub);
		return ret;
	}
	fmt = json_get(&root, "format");
	fits = json_get(&root, "fits");
	if (!fmt || fmt->type != JSON_STR ||
	    strcmp(fmt->str, RESULTS_COST_JSON_FORMAT) || !fits ||
	    fits->type != JSON_ARR) {
		perf_msg(err, err_len, "%s: not a cost model of the suite (no \"format\": \"%s\" with \"fits\")",
			 shown, RESULTS_COST_JSON_FORMAT);
		ret = -EINVAL;
	}
	json_free(&root);
	return ret;
}

/* The copy of src_files[i] checked as what its name says. */
static int check_copy(int i, int mfd, const char *shown, char *err,
		      size_t err_len)
{
	struct run_info ri;
	struct dataset ds;
	char proc[64];
	int ret;

	if (!strcmp(src_files[i], RUN_FILE)) {
		copy_path(mfd, proc, sizeof(proc));
		ret = run_info_read_path(proc, shown, &ri, err, err_len);
		run_info_free(&ri);
		return ret;
	}
	if (!strcmp(src_files[i], "cost-model.csv"))
		return check_cost_csv(mfd, shown, err, err_len);
	if (!strcmp(src_files[i], "cost-model.json"))
		return check_cost_json(mfd, shown, err, err_len);
	ret = load_data(mfd, src_files[i], shown, &ds, err, err_len);
	if (!ret)
		ds_free(&ds);
	return ret;
}

static int src_index(const char *name)
{
	for (int i = 0; i < REPORT_SRC_FILES; i++)
		if (!strcmp(src_files[i], name))
			return i;
	return -1;
}

/* Which file of a directory holds its data: as ds_load() chooses. */
static void pick_data(struct report_src *s)
{
	struct stat st;
	const char *name = "data.json";

	if (fstatat(s->dfd, name, &st, AT_SYMLINK_NOFOLLOW) &&
	    !fstatat(s->dfd, OUTDIR_JOURNAL, &st, AT_SYMLINK_NOFOLLOW))
		name = OUTDIR_JOURNAL;	/* a killed run */
	snprintf(s->data, sizeof(s->data), "%s", name);
}

int report_src_open(struct report_src *s, const char *path,
		    struct dataset *ds, char *err, size_t err_len)
{
	char shown[PATH_MAX + NAME_MAX + 2], *copy;
	struct stat st;
	int mfd, ret, i;

	memset(s, 0, sizeof(*s));
	s->dfd = -1;
	for (i = 0; i < REPORT_SRC_FILES; i++)
		s->copy[i] = -1;
	if (stat(path, &st)) {
		ret = -errno;
		perf_msg(err, err_len, "%s: %s", path, strerror(-ret));
		return ret;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(s->dir, sizeof(s->dir), "%s", path);
	} else {
		/* each may change its copy of the path */
		copy = strdupa(path);
		snprintf(s->data, sizeof(s->data), "%s", basename(copy));
		copy = strdupa(path);
		snprintf(s->dir, sizeof(s->dir), "%s", dirname(copy));
	}
	/* the directory the user named; nothing in it is followed */
	s->dfd = open(s->dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (s->dfd < 0) {
		ret = -errno;
		perf_msg(err, err_len, "%s: %s", s->dir, strerror(-ret));
		return ret;
	}
	if (!s->data[0])
		pick_data(s);
	snprintf(shown, sizeof(shown), "%s/%s", s->dir, s->data);
	mfd = snapshot(s, s->data, err, err_len);
	if (mfd == -ENOENT)
		perf_msg(err, err_len, "cannot open %s: %s", shown,
			 strerror(ENOENT));
	if (mfd < 0)
		return mfd;
	ret = load_data(mfd, s->data, shown, ds, err, err_len);
	i = src_index(s->data);
	if (!ret && i >= 0)
		s->copy[i] = mfd;	/* parsed and checked: it can go */
	else
		close(mfd);
	return ret;
}

int report_src_is_dir(const struct report_src *s, const char *dir)
{
	struct stat a, b;

	return !fstat(s->dfd, &a) && !stat(dir, &b) && a.st_dev == b.st_dev &&
	       a.st_ino == b.st_ino;
}

int report_src_check(struct report_src *s, char *err, size_t err_len)
{
	char shown[PATH_MAX + NAME_MAX + 2];
	int mfd, ret;

	for (int i = 0; i < REPORT_SRC_FILES; i++) {
		if (s->copy[i] >= 0)
			continue;
		snprintf(shown, sizeof(shown), "%s/%s", s->dir, src_files[i]);
		mfd = snapshot(s, src_files[i], err, err_len);
		if (mfd == -ENOENT)
			continue;
		if (mfd < 0)
			return mfd;
		ret = check_copy(i, mfd, shown, err, err_len);
		if (ret) {
			close(mfd);
			return ret;
		}
		s->copy[i] = mfd;
	}
	return 0;
}

/* The memfd mfd into an open output file. */
static int write_copy(int mfd, FILE *f)
{
	char *buf = malloc(COPY_CHUNK);
	off_t off = 0;
	ssize_t n;

	if (!buf)
		return -ENOMEM;
	while ((n = pread(mfd, buf, COPY_CHUNK, off)) > 0) {
		if (fwrite(buf, 1, n, f) != (size_t)n)
			break;
		off += n;
	}
	free(buf);
	return n < 0 ? -errno : ferror(f) ? -EIO : 0;
}

int report_src_write(const struct report_src *s, int dfd, char *err,
		     size_t err_len)
{
	struct outfile of;
	int ret;

	for (int i = 0; i < REPORT_SRC_FILES; i++) {
		if (s->copy[i] < 0)
			continue;
		ret = outfile_openat(&of, dfd, src_files[i], err, err_len);
		if (ret)
			return ret;
		ret = write_copy(s->copy[i], of.f);
		if (ret)
			outfile_discard(&of);
		else
			ret = outfile_commit(&of);
		if (ret) {
			perf_msg(err, err_len, "cannot write %s: %s",
				 src_files[i], strerror(-ret));
			return ret;
		}
	}
	return 0;
}

void report_src_close(struct report_src *s)
{
	for (int i = 0; i < REPORT_SRC_FILES; i++)
		if (s->copy[i] >= 0)
			close(s->copy[i]);
	if (s->dfd >= 0)
		close(s->dfd);
	s->dfd = -1;
}
