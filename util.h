/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers every harness file may use, written once: array size,
 * clocks, qsort comparators, XDP verdict names, process liveness and
 * running a command with its output captured. Depends on libc only.
 */
#ifndef __UTIL_H
#define __UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#ifndef ARRAY_SIZE
#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#endif

/* CLOCK_MONOTONIC in ns / s. */
double mono_ns(void);
double mono_s(void);
/* CPU time of the calling thread (CLOCK_THREAD_CPUTIME_ID), in ns. */
double thread_cpu_ns(void);

/* qsort comparators, ascending. */
int cmp_double(const void *a, const void *b);
int cmp_int(const void *a, const void *b);
int cmp_u64(const void *a, const void *b);

/* "XDP_PASS" for XDP_PASS; "unknown verdict" past XDP_REDIRECT. */
const char *xdp_verdict_name(__u32 verdict);

/*
 * True when pid names a running process. A zombie counts as dead: it
 * holds no resources, and under an init that does not reap it may stay
 * a zombie forever.
 */
bool pid_alive(int pid);

/* How run_cmd() treats the child's output and time. */
struct run_opts {
	const char *cwd;	/* chdir there first; NULL: stay */
	/*
	 * stdout and stderr captured into out (NUL-terminated, truncated to
	 * out_len - 1; the rest is read and dropped). NULL: see log_path.
	 */
	char *out;
	size_t out_len;
	bool stderr_only;	/* capture stderr; stdout to /dev/null */
	/* Without out: append both to this file (never through a symlink). */
	const char *log_path;
	int timeout_ms;		/* 0: wait forever; else SIGKILL at expiry */
	/*
	 * stderr captured apart into err (NUL-terminated, truncated like
	 * out); out then holds stdout only.
	 */
	char *err;
	size_t err_len;
	/* Extra "NAME=value" entries for the child, NULL-terminated. */
	const char *const *env;
	/* In the child before exec (e.g. drop privileges); non-zero: 127. */
	int (*in_child)(void *ctx);
	/*
	 * In the parent while the child runs, every 10 ms and as output
	 * comes (first right after the fork), with out as captured so far
	 * ("" without out): returns an enum run_watch.
	 */
	int (*watch)(int pid, const char *out, void *ctx);
	void *ctx;		/* for in_child and watch */
};

enum run_watch {
	RUN_WATCH_MORE,		/* call watch again */
	RUN_WATCH_DONE,		/* not again */
	/*
	 * Close the child's stdout pipe, as `| head -1` does: its next
	 * write raises SIGPIPE. Not again. Needs out.
	 */
	RUN_WATCH_CLOSE_OUT,
};

/*
 * Run argv[0] (searched in PATH) with stdin from /dev/null; without out
 * and log_path its output is discarded. Returns once the child has
 * exited (what it left running may still hold the pipes: not waited
 * for). Returns the exit status (127: could not be executed), 128 +
 * signal when a signal ended it, -ETIMEDOUT when it was killed at the
 * timeout, or -errno when it could not be started. opts may be NULL.
 */
int run_cmd(const char *const argv[], const struct run_opts *opts);

#endif /* __UTIL_H */
