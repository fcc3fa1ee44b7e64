/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The xdp-perf test framework: what every prog_tests/ file sees.
 *
 * A test is a function "void test_<name>(void)" in prog_tests/<name>.c; the
 * Makefile finds it, nothing registers it by hand. Subtests are opened with
 * test__start_subtest(), which returns false when the user filtered them out.
 * ASSERT_*() return true when the assertion holds and mark the current
 * (sub)test failed otherwise, printing what was expected and what was seen.
 */
#ifndef __TEST_PERF_H
#define __TEST_PERF_H

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <linux/types.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "packets.h"

#define PERF_MAX_SIZES 32

struct perf_env {
	/* measurement profile, from the command line */
	int reps;			/* repetitions per measured point */
	int sizes[PERF_MAX_SIZES];	/* frame sizes on the wire (incl. FCS) */
	int nr_sizes;
	bool quick;			/* CI profile: fewer reps and points */
	double target_ms;		/* timed loop length per repetition */
	int cpu;			/* CPU the measuring thread is pinned to */
	unsigned int seed;		/* packet addresses and payload */
	struct pkt_prefix src_prefix;	/* source addresses drawn from here */
	struct pkt_prefix dst_prefix;	/* destination addresses */
	const char *out_dir;		/* --out: data files, NULL = none */
	bool force;			/* --force: replace a run's --out */
	const char *obj_path;		/* --obj: measure a user's object */
	const char *obj_prog;		/* --prog: program in it */

	/* output */
	int verbosity;
	bool ktap;

	/* probed once at start: can this process use BPF at all? */
	bool can_bpf;
	char no_bpf_reason[160];

	/* the (sub)test running now, for results and messages */
	const char *test_name;
	const char *subtest_name;
};

extern struct perf_env env;

/* Open a subtest; false when -t/-b/-a/-d/-n filtered it out. */
bool test__start_subtest(const char *name);
/* Mark the current (sub)test skipped, with the reason shown to the user. */
void test__skip(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test__fail(void);
/* Skip (with the reason) unless BPF can be used; true when it can. */
bool test__need_bpf(void);
/* Diagnostic line: always for failures, with -v for information. */
void test__log(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void test__info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Progress of a measured sweep, for the terminal (ignored otherwise). */
void test__progress(int done, int total);
/* True once a signal asked to stop: sweeps stop and keep what they have. */
bool test__stopping(void);

/* Directory of the test_perf binary: objects are found relative to it. */
const char *test__exe_dir(void);
/* Path of a file shipped beside test_perf (e.g. "progs/xdp_fwd.bpf.o"). */
int test__path(char *buf, size_t len, const char *rel);

/*
 * The command line is one table of struct perf_option: test_opts.c holds
 * the framework's own, and a module adds its options where they are used
 * with PERF_OPTION(), without touching test_opts.c:
 *
 *	static int opt_loops;
 *	PERF_OPTION(loops, .name = "loops", .arg = "L",
 *		    .group = PERF_GRP_MEASUREMENT, .type = PERF_OPT_INT,
 *		    .dest = &opt_loops, .min = 1, .max = 1000,
 *		    .def = "3", .quick_def = "1",
 *		    .help = "timed loops per point and round");
 *
 * The argument is checked against the type and the bounds and stored in
 * dest; a bad one is a one-line error naming the option and the bounds
 * (exit 2). An option not given takes def (quick_def with --quick) through
 * the same parser once all options are read, and --help prints the help,
 * the bounds and the defaults of each group from the same entry: written
 * nowhere else (docs/running.md holds a copy of --help).
 */
enum perf_opt_group {		/* the sections of --help, in this order */
	PERF_GRP_SELECTION,
	PERF_GRP_MEASUREMENT,
	PERF_GRP_OUTPUT,
	PERF_GRP_COMPARISON,
	PERF_GRP_WIRE,
	PERF_GRP_USER_OBJ,
	PERF_GRP_NR,
};

enum perf_opt_type {		/* what dest points to */
	PERF_OPT_FLAG,		/* bool (or NULL), set true; no argument */
	PERF_OPT_COUNT,		/* int, incremented each time; no argument */
	PERF_OPT_INT,		/* int in [min, max] */
	PERF_OPT_UINT,		/* unsigned int in [min, max] */
	PERF_OPT_DOUBLE,	/* double in [min, max] (NaN refused), * scale */
	PERF_OPT_SIZES,		/* int[PERF_MAX_SIZES], distinct frame sizes in
				 * [min, max], how many in *count */
	PERF_OPT_STRING,	/* const char *: the argument, not empty */
	PERF_OPT_CUSTOM,	/* parse() stores it (in dest, if it likes) */
};

struct perf_option {
	const char *name;		/* long option without "--", or NULL */
	char key;			/* short option letter, or 0 */
	const char *arg;		/* argument name for --help; NULL: none */
	const char *help;
	enum perf_opt_group group;
	enum perf_opt_type type;
	void *dest;
	double min, max;		/* bounds, inclusive, in the user's unit */
	double (*max_of)(void);		/* a max known only at run time */
	double scale;			/* DOUBLE: stored times this (0: 1) */
	int *count;			/* SIZES: how many were stored */
	const char *def;		/* when not given, parsed as an argument */
	const char *quick_def;		/* the same with --quick, if it differs */
	bool *given;			/* set true when on the command line */
	/* CUSTOM: store arg or perf_usage_error() (exit 2); returns 0 */
	int (*parse)(const struct perf_option *o, const char *arg);
	/* once, the first time the user gives the option (e.g. hooks) */
	void (*on_given)(void);
};

#define PERF_OPTION(id, ...)						\
	static const struct perf_option __perf_opt_##id			\
	__attribute__((used, section("perf_options"),			\
		       aligned(sizeof(void *)))) = { __VA_ARGS__ }

/* Was the option called name (without "--") on the command line? */
bool perf_option_given(const char *name);

/* snprintf into an error buffer that may be NULL or empty. */
void perf_msg(char *why, size_t why_len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* One-line usage error on stderr and exit 2. */
void perf_usage_error(const char *fmt, ...)
	__attribute__((format(printf, 1, 2), noreturn));
/* Run fn after option parsing, before any test (e.g. default --out). */
void perf_at_start(int (*fn)(void));
/*
 * Run fn once every option is parsed, to check options that depend on
 * others (e.g. --force-dev); it reports with perf_usage_error() (exit 2).
 */
void perf_at_parsed(void (*fn)(void));
/*
 * Run fn after the tests with the results in memory; non-zero fails the
 * run. When --out is set, data.csv/data.json are already written then.
 */
void perf_at_finish(int (*fn)(void));

bool test__assert_fail(const char *file, int line, const char *name,
		       const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

#define __ASSERT_CMP(a, b, op, name) ({					\
	long long ___a = (long long)(a), ___b = (long long)(b);		\
	bool ___ok = ___a op ___b;					\
	if (!___ok)							\
		test__assert_fail(__FILE__, __LINE__, name,		\
			"unexpected %s: actual %lld, expected %s %lld",	\
			name, ___a, #op, ___b);				\
	___ok;								\
})

#define ASSERT_EQ(a, b, name) __ASSERT_CMP(a, b, ==, name)
#define ASSERT_NEQ(a, b, name) __ASSERT_CMP(a, b, !=, name)
#define ASSERT_LT(a, b, name) __ASSERT_CMP(a, b, <, name)
#define ASSERT_LE(a, b, name) __ASSERT_CMP(a, b, <=, name)
#define ASSERT_GT(a, b, name) __ASSERT_CMP(a, b, >, name)
#define ASSERT_GE(a, b, name) __ASSERT_CMP(a, b, >=, name)

#define ASSERT_TRUE(a, name) ({						\
	bool ___ok = !!(a);						\
	if (!___ok)							\
		test__assert_fail(__FILE__, __LINE__, name,		\
				  "unexpected %s: got false", name);	\
	___ok;								\
})
#define ASSERT_FALSE(a, name) ASSERT_TRUE(!(a), name)

#define ASSERT_OK(res, name) ({						\
	long long ___r = (long long)(res);				\
	bool ___ok = ___r == 0;						\
	if (!___ok)							\
		test__assert_fail(__FILE__, __LINE__, name,		\
			"unexpected error %s: %lld (errno %d: %s)",	\
			name, ___r, errno, strerror(errno));		\
	___ok;								\
})
#define ASSERT_ERR(res, name) ({					\
	long long ___r = (long long)(res);				\
	bool ___ok = ___r < 0;						\
	if (!___ok)							\
		test__assert_fail(__FILE__, __LINE__, name,		\
			"unexpected success %s: %lld", name, ___r);	\
	___ok;								\
})
#define ASSERT_OK_FD(fd, name) ASSERT_GE(fd, 0, name)
#define ASSERT_OK_PTR(p, name) ({					\
	const void *___p = (p);						\
	bool ___ok = ___p && !libbpf_get_error(___p);			\
	if (!___ok)							\
		test__assert_fail(__FILE__, __LINE__, name,		\
			"unexpected NULL/error pointer %s (errno %d: %s)", \
			name, errno, strerror(errno));			\
	___ok;								\
})
#define ASSERT_STREQ(a, b, name) ({					\
	const char *___a = (a), *___b = (b);				\
	bool ___ok = ___a && ___b && !strcmp(___a, ___b);		\
	if (!___ok)							\
		test__assert_fail(__FILE__, __LINE__, name,		\
			"unexpected %s: '%s' != '%s'", name,		\
			___a ?: "(null)", ___b ?: "(null)");		\
	___ok;								\
})
#define ASSERT_MEMEQ(a, b, len, name) ({				\
	bool ___ok = !memcmp(a, b, len);				\
	if (!___ok)							\
		test__assert_fail(__FILE__, __LINE__, name,		\
			"unexpected %s: buffers differ", name);		\
	___ok;								\
})

/* Floating point comparisons (statistics, cost model). */
#define __ASSERT_DBL(a, b, op, name) ({					\
	double ___a = (a), ___b = (b);					\
	bool ___ok = ___a op ___b;					\
	if (!___ok)							\
		test__assert_fail(__FILE__, __LINE__, name,		\
			"unexpected %s: %.6g %s %.6g is false",		\
			name, ___a, #op, ___b);				\
	___ok;								\
})
#define ASSERT_DBL_GT(a, b, name) __ASSERT_DBL(a, b, >, name)
#define ASSERT_DBL_GE(a, b, name) __ASSERT_DBL(a, b, >=, name)
#define ASSERT_DBL_LT(a, b, name) __ASSERT_DBL(a, b, <, name)
#define ASSERT_DBL_LE(a, b, name) __ASSERT_DBL(a, b, <=, name)
#define ASSERT_DBL_NEAR(a, b, tol, name) ({				\
	double ___a = (a), ___b = (b), ___t = (tol);			\
	bool ___ok = ___a - ___b <= ___t && ___b - ___a <= ___t;	\
	if (!___ok)							\
		test__assert_fail(__FILE__, __LINE__, name,		\
			"unexpected %s: %.9g not within %.3g of %.9g",	\
			name, ___a, ___t, ___b);			\
	___ok;								\
})

#endif /* __TEST_PERF_H */
