/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The framework's side for main(): run one test with the state of
 * test_perf.h's API around it, and the results kept for the summary.
 */
#ifndef __TEST_RUN_H
#define __TEST_RUN_H

#include <stdbool.h>
#include <stdio.h>

struct prog_test_def {
	const char *name;
	void (*run)(void);
};

enum test_state { ST_OK, ST_SKIP, ST_FAIL };

struct subtest_result {
	char *name;
	int num;
	enum test_state state;
	char *reason;
};

struct test_result {
	const struct prog_test_def *def;
	int num;
	enum test_state state;
	char *reason;
	struct subtest_result *subs;
	int nr_subs;		/* subtests that ran */
	int subtest_num;	/* subtests seen, selected or not */
	bool in_subtest;
	bool sub_failed, sub_skipped;
	char *sub_reason;
	char *log;		/* buffered diagnostics */
	size_t log_len;
	FILE *log_f;
};

/* Room for planned results; 0 or -ENOMEM. */
int test_run_init(int planned);
/* Run def as test number num, KTAP position ktap_idx; prints its result. */
void test_run_one(const struct prog_test_def *def, int num, int ktap_idx);
int test_run_count(void);
const struct test_result *test_run_result(int i);
const char *test_run_state_str(enum test_state s);

/* Where test__path() finds files: the directory of the binary. */
void test_run_set_exe_dir(const char *argv0);
/* From a signal handler: tests stop at the next test__stopping(). */
void test_run_stop(int sig);
int test_run_stop_signal(void);

#endif /* __TEST_RUN_H */
