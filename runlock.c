// SPDX-License-Identifier: GPL-2.0
/* The record of what a run created, and its lock (see runlock.h). */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>

#include "runlock.h"

#define MAX_RECORD	(1 << 20)	/* a run records a few dozen lines */
#define NAME_MAX_LEN	96

static char tag[48];
static char lock_name[64];
static int lock_fd = -1, lock_dirfd = -1;
static volatile sig_atomic_t live;	/* created and not removed yet */
static bool lock_failed;

/* Field 22 of /proc/self/stat: start time in clock ticks since boot. */
static unsigned long long start_time(void)
{
	unsigned long long t = 0;
	char buf[1024], *p;
	int fd = open("/proc/self/stat", O_RDONLY | O_CLOEXEC), field;
	ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);

	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* the name may hold spaces and ')' */
	for (field = 2; p && field < 22; field++)
		p = strchr(p + 1, ' ');
	if (p)
		t = strtoull(p + 1, NULL, 10);
	return t;
}

/* RUNLOCK_DIR: root's (or ours), nobody else may write there. */
static int open_lock_dir(bool create)
{
	struct stat st;
	int fd;

	if (create && mkdir(RUNLOCK_DIR, 0700) && errno != EEXIST)
		return -errno;
	fd = open(RUNLOCK_DIR, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) || (st.st_uid != geteuid() && st.st_uid != 0) ||
	    (st.st_mode & (S_IWGRP | S_IWOTH))) {
		close(fd);
		return -EPERM;
	}
	return fd;
}

static bool still_named(int fd, int dirfd, const char *name)
{
	struct stat a, b;

	return !fstat(fd, &a) && S_ISREG(a.st_mode) &&
	       !fstatat(dirfd, name, &b, AT_SYMLINK_NOFOLLOW) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/*
 * A new file, locked, and still the one under its name: a cleaner that
 * took it for a dead run's in between has removed it, and we start over.
 */
static void take_lock(void)
{
	int fd, tries;

	lock_dirfd = open_lock_dir(true);
	if (lock_dirfd < 0)
		return;
	for (tries = 0; tries < 8 && lock_fd < 0; tries++) {
		fd = openat(lock_dirfd, lock_name, O_RDWR | O_CREAT | O_EXCL |
			    O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			break;
		if (!flock(fd, LOCK_EX) && still_named(fd, lock_dirfd, lock_name))
			lock_fd = fd;
		else
			close(fd);
	}
}

const char *runlock_tag(void)
{
	static pid_t tag_pid;

	/* the first call, or in a child of fork(): a run of its own */
	if (tag_pid != getpid()) {
		if (lock_fd >= 0)
			close(lock_fd);	/* the parent's, for it to remove */
		lock_fd = -1;
		live = 0;
		lock_failed = false;
		tag_pid = getpid();
		snprintf(tag, sizeof(tag), "%d.%llx", (int)tag_pid,
			 start_time());
		snprintf(lock_name, sizeof(lock_name), "%s.lock", tag);
	}
	return tag;
}

/*
 * Async-signal-safe: no stdio, one write(). The lock is taken at a
 * creation (never on a signal's path) when the run holds none, and the
 * file goes when the last resource it records is removed: it exists
 * exactly while the run has something to clean up, whatever order the
 * exit and kill paths run in.
 */
void runlock_note(bool created, const char *kind, const char *name)
{
	char line[NAME_MAX_LEN + 32];
	size_t n = 0, k = strlen(kind), m = strlen(name);

	if (created)
		runlock_tag();
	if (created && lock_fd < 0 && !lock_failed) {
		take_lock();
		lock_failed = lock_fd < 0;
	}
	if (lock_fd < 0 || k > 16 || m > NAME_MAX_LEN)
		return;
	line[n++] = created ? '+' : '-';
	memcpy(line + n, kind, k);
	n += k;
	line[n++] = ' ';
	memcpy(line + n, name, m);
	n += m;
	line[n++] = '\n';
	if (write(lock_fd, line, n) != (ssize_t)n)
		return;
	live += created ? 1 : -1;
	if (!created && live <= 0) {
		unlinkat(lock_dirfd, lock_name, 0);
		close(lock_fd);
		lock_fd = -1;
		live = 0;
	}
}

/* ---- what dead runs left ---- */

struct record {
	char *lines[256];
	int nr;
};

/* Split a lock file into lines; false when it is not one of ours. */
static bool read_record(int fd, char *buf, size_t cap, struct record *r)
{
	ssize_t n = pread(fd, buf, cap - 1, 0);
	char *save = NULL, *line;

	if (n < 0 || (size_t)n >= cap - 1)
		return false;
	buf[n] = '\0';
	r->nr = 0;
	for (line = strtok_r(buf, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *space = strchr(line + 1, ' ');

		if ((line[0] != '+' && line[0] != '-') || !space ||
		    r->nr == (int)(sizeof(r->lines) / sizeof(*r->lines)))
			return false;
		r->lines[r->nr++] = line;
	}
	return true;
}

/* Line i is a creation that no later line undoes. */
static bool record_live(const struct record *r, int i)
{
	if (r->lines[i][0] != '+')
		return false;
	for (int j = i + 1; j < r->nr; j++)
		if (r->lines[j][0] == '-' && !strcmp(r->lines[j] + 1,
						     r->lines[i] + 1))
			return false;
	return true;
}

static bool safe_name(const char *name)
{
	return *name && !strchr(name, '/') && strcmp(name, ".") &&
	       strcmp(name, "..") && strlen(name) <= NAME_MAX_LEN;
}

/* One dead run's file, locked by us: remove its resources of kind. */
static int clean_record(int fd, int dirfd, const char *file, const char *kind,
			int (*remove)(const char *name))
{
	size_t klen = strlen(kind);
	int removed = 0, left = 0, err;
	struct record *r = calloc(1, sizeof(*r));
	char *buf = malloc(MAX_RECORD);

	if (!r || !buf || !read_record(fd, buf, MAX_RECORD, r))
		goto out;
	for (int i = 0; i < r->nr; i++) {
		const char *line = r->lines[i], *name = line + 2 + klen;

		if (!record_live(r, i))
			continue;
		if (strncmp(line + 1, kind, klen) || line[1 + klen] != ' ' ||
		    !safe_name(name)) {
			left++;
			continue;
		}
		err = remove(name);
		if (err && err != -ENOENT) {
			left++;
			continue;
		}
		dprintf(fd, "-%s %s\n", kind, name);
		removed++;
	}
	if (!left)
		unlinkat(dirfd, file, 0);
out:
	free(buf);
	free(r);
	return removed;
}

int runlock_cleanup_stale(const char *kind, int (*remove)(const char *name))
{
	int dirfd = open_lock_dir(false), fd, removed = 0;
	struct dirent *de;
	DIR *d;

	if (dirfd < 0)
		return dirfd == -ENOENT ? 0 : dirfd;
	runlock_tag();	/* our own file is never a dead run's */
	d = fdopendir(dirfd);
	if (!d) {
		close(dirfd);
		return -ENOMEM;
	}
	while ((de = readdir(d))) {
		size_t len = strlen(de->d_name);

		if (len < 6 || strcmp(de->d_name + len - 5, ".lock") ||
		    !strcmp(de->d_name, lock_name))
			continue;
		fd = openat(dirfd, de->d_name, O_RDWR | O_APPEND | O_NOFOLLOW |
			    O_NONBLOCK | O_CLOEXEC);
		if (fd < 0)
			continue;
		/* the lock is free: its run is dead, whatever its pid is now */
		if (!flock(fd, LOCK_EX | LOCK_NB) &&
		    still_named(fd, dirfd, de->d_name))
			removed += clean_record(fd, dirfd, de->d_name, kind,
						remove);
		close(fd);
	}
	closedir(d);
	return removed;
}
