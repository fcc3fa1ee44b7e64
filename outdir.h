/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Writing into directories that may belong to someone else, as root.
 *
 * A directory is reached component by component with openat(): its last
 * component is never a symbolic link, and a link on the way is followed
 * only where the kernel's fs.protected_symlinks would follow it (not in a
 * directory others can write, unless the link is ours or the directory
 * owner's). A directory the suite writes into must belong to us (or to
 * root) and must not be writable by group or others unless it is sticky.
 * Files are written as a temporary file created with O_EXCL beside the
 * target and rename()d over it at the end: never through a symlink, and
 * a reader never sees half a file.
 *
 * A run's --out directory is claimed once, before anything is measured:
 * created when missing, and marked as the suite's (OUTDIR_MARKER). One
 * that holds files is refused, unless the suite made it (its marker is
 * there) and --force is given: then the suite's own files of the earlier
 * run are removed from it first, so nothing of that run mixes into the
 * new one, and other files stay. Never its journal: a directory with one
 * is refused even with --force. The journal is a file in it that
 * receives every measured point as it is measured, one line each, so
 * that a killed run keeps its points.
 */
#ifndef __OUTDIR_H
#define __OUTDIR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* The journal of points in a run's directory (see docs/data-format.md). */
#define OUTDIR_JOURNAL		"journal.jsonl"
/* The file that says test_perf made a directory (see docs/running.md). */
#define OUTDIR_MARKER		".xdp-perf-results"

/*
 * Open directory path for writing (created with its missing parents when
 * create): an O_DIRECTORY fd, or -errno with a one-line reason in why.
 */
int outdir_open(const char *path, bool create, char *why, size_t why_len);

/*
 * Claim path as this run's output directory (see above); force: --force.
 * 0, or -errno with a one-line reason in why (-ENOTEMPTY: files in it;
 * -EEXIST: the journal of an unfinished run).
 */
int outdir_claim(const char *path, bool force, char *why, size_t why_len);

/* A file being written: f is where to write; nothing is visible before commit. */
struct outfile {
	FILE *f;
	int dirfd;
	char name[256];
	char tmp[280];
};

/* Start writing dir/name. 0 or -errno (why: NULL, or a one-line reason). */
int outfile_open(struct outfile *of, const char *dir, const char *name,
		 char *why, size_t why_len);
/* The same in a directory already open (outdir_open()); dirfd stays open. */
int outfile_openat(struct outfile *of, int dirfd, const char *name,
		   char *why, size_t why_len);
/* The same for a path "dir/name" (or "name": the working directory). */
int outfile_open_path(struct outfile *of, const char *path, char *why,
		      size_t why_len);
/* outdir_open() of the directory of path "dir/name", not created. */
int outdir_open_parent(const char *path, char *why, size_t why_len);
/* Flush, close and rename into place; on any error nothing is left. */
int outfile_commit(struct outfile *of);
/* Give up: the temporary file is removed. */
void outfile_discard(struct outfile *of);

/*
 * A private directory (mode 0700) in directory fd dirfd, for a program
 * that writes files itself; its name into name. 0 or -errno.
 */
int outdir_mkdtemp(int dirfd, char *name, size_t len);

/*
 * Open a file to read that someone else may have planted: a regular file
 * only (a FIFO or a device would block or never end), at most max_bytes.
 * A FILE, or NULL with errno set (EINVAL: not a regular file, EFBIG).
 */
FILE *outdir_fopen_read(const char *path, long max_bytes);

/* The journal: created in dir (claimed) with its first line. 0 or -errno. */
int outdir_journal_open(const char *dir, const char *first, size_t len);
/* One line (with its '\n'), written with one write(). */
void outdir_journal_append(const char *line, size_t len);
bool outdir_journal_active(void);
/* Stop journaling; remove the file when the data files were written. */
void outdir_journal_close(bool remove);

#endif /* __OUTDIR_H */
