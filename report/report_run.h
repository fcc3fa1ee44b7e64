/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a --report run was: when it started, how long it took and what
 * became of every test and subtest. Written as run.json beside the data
 * files when the run ends (the data files hold points, not outcomes), read
 * back by the report's headline, also by --report-from (a directory
 * without run.json, such as a killed run's, has no outcomes to show).
 * docs/data-format.md describes the file.
 */
#ifndef __REPORT_RUN_H
#define __REPORT_RUN_H

#include <stdbool.h>
#include <stddef.h>

#define RUN_FILE	"run.json"

enum run_state { RUN_OK, RUN_SKIP, RUN_FAIL };

struct run_sub {
	char *name;
	enum run_state state;
	char *reason;		/* "" when none */
};

struct run_test {
	char *name;
	enum run_state state;
	char *reason;
	struct run_sub *subs;
	int nr_subs;
};

struct run_info {
	bool known;		/* run.json was there and read */
	char started[40];	/* ISO 8601 UTC */
	double duration_s;	/* < 0: unknown */
	bool interrupted;
	struct run_test *tests;
	int nr_tests;
};

/* Note the start of the run (the --report start hook). */
void run_info_start(void);
/* dir/run.json of the tests that ran in this process; 0 or -errno. */
int run_info_write(const char *dir);
/*
 * dir/run.json into ri: 0; -ENOENT (ri->known false) without the file;
 * another -errno with a one-line reason in why when it is not one.
 */
int run_info_read(const char *dir, struct run_info *ri, char *why,
		  size_t why_len);
/* The same from a file's path; shown names it in why. */
int run_info_read_path(const char *path, const char *shown,
		       struct run_info *ri, char *why, size_t why_len);
void run_info_free(struct run_info *ri);

#endif /* __REPORT_RUN_H */
