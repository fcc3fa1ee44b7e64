/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The command line of test_perf, for its main(): the option table (the
 * core options and the PERF_OPTION() registry of test_perf.h) into env
 * and the selection (test_select.h), and the hooks modules register from
 * their options. Which mode runs (--compare, ...) is main.c's table.
 */
#ifndef __TEST_OPTS_H
#define __TEST_OPTS_H

#include <stdbool.h>

/* Exit status of bad usage, and of a selection that matches no test. */
#define PERF_EXIT_USAGE	2

/* What the command line asks test_perf to do, beyond env. */
struct perf_cmdline {
	bool list_only;			/* -l */
	const char *json_path;		/* -J FILE, or NULL */
	int argc;			/* operands after the options */
	char **argv;
};

/*
 * Parse argv into env, the selection and cl, then apply the defaults of
 * the options not given and run the perf_at_parsed() hooks; exits on bad
 * usage (2), --help and --version (0).
 */
void perf_parse_args(int argc, char **argv, struct perf_cmdline *cl);

/* The perf_at_start() hooks in order, until one fails: 0 or -1. */
int perf_run_start_hooks(void);
/* Every perf_at_finish() hook: -1 when one of them failed. */
int perf_run_finish_hooks(void);

#endif /* __TEST_OPTS_H */
