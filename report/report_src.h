/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The result directory --report-from reads, which may be anybody's:
 * held by one directory fd, each file opened relative to it with
 * O_NOFOLLOW, a regular file only, read once into a private copy (a
 * memfd). The report is made from that copy of the data file, and
 * --out DIR gets the copies of the data files only after each was
 * parsed and checked as what its name says: a symlink, a FIFO or any
 * other file planted under one of those names is refused with one line,
 * never copied.
 */
#ifndef __REPORT_SRC_H
#define __REPORT_SRC_H

#include <limits.h>
#include <stddef.h>

struct dataset;

/* The files a report is made from, which go with it to another --out. */
#define REPORT_SRC_FILES	6

struct report_src {
	char dir[PATH_MAX];	/* the directory, as named: for messages */
	int dfd;		/* it, opened once */
	char data[NAME_MAX + 1];	/* the file the report is made from */
	int copy[REPORT_SRC_FILES];	/* checked copies (memfd), -1: none */
};

/*
 * Open path (a result directory, or a data file in one) and load its
 * data (data.json, else the journal of a killed run; or the file named)
 * from a private copy into ds. 0, or -errno with a one-line reason.
 */
int report_src_open(struct report_src *s, const char *path,
		    struct dataset *ds, char *err, size_t err_len);
/* Whether dir is the source directory itself (a rebuild in place). */
int report_src_is_dir(const struct report_src *s, const char *dir);
/*
 * Copy and check every data file of the source (those present): 0, or
 * -errno with a one-line reason. Nothing is written.
 */
int report_src_check(struct report_src *s, char *err, size_t err_len);
/* Write the checked copies into directory fd dfd (claimed). 0 or -errno. */
int report_src_write(const struct report_src *s, int dfd, char *err,
		     size_t err_len);
void report_src_close(struct report_src *s);

#endif /* __REPORT_SRC_H */
