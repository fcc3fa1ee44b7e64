/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Small helpers every harness file may use, written once: array size,
 * clocks, qsort comparators, a growing array, XDP verdict names, process
 * liveness and running a command with its output captured. Depends on
 * libc only.
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

/*
 * Room for need elements of elem bytes in the array that arrayp points
 * to (the address of the caller's pointer, NULL before the first call),
 * now of *cap elements: it doubles, from 16, until need fit. 0 with
 * *arrayp and *cap updated, or -ENOMEM when memory runs out or the array
 * would exceed PTRDIFF_MAX bytes; the array is left as it was then.
 *
 *	if (grow_array(&rows, &cap_rows, nr_rows + 1, sizeof(*rows)))
 *		return -ENOMEM;
 *	rows[nr_rows++] = row;
 */
int grow_array(void *arrayp, size_t *cap, size_t need, size_t elem);

/* "XDP_PASS" for XDP_PASS; "unknown verdict" past XDP_REDIRECT. */
const char *xdp_verdict_name(__u32 verdict);

/*
 * True when pid names a running process. A zombie counts as dead: it
 * holds no resources, and under an init that does not reap it may stay
 * a zombie forever.
 */
bool pid_alive(int pid);

/* How run_cmd() treats the child's input, output and time. */
struct run_opts {
	/*
	 * > 0: the child fchdir()s to this directory fd first, so that it
	 * runs in the directory that was checked, whatever its path names
	 * by then; 0: it stays where it is.
	 */
	int dir_fd;
	int stdin_fd;		/* > 0: the child's stdin; 0: /dev/null */
	/*
	 * stdout and stderr captured into out (NUL-terminated, truncated to
	 * out_len - 1; the rest is read and dropped). NULL: see log_path.
	 */
	char *out;
	size_t out_len;
	bool stderr_only;	/* capture stderr; stdout to /dev/null */
	/*
	 * Without out: append both to this file, relative to dir_fd when
	 * given (never through a symlink).
	 */
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
 * Run argv[0] (searched in PATH), stdin from stdin_fd or /dev/null;
 * without out and log_path its output is discarded. The command runs in
 * a process group of its own, and nothing of that group outlives it: at
 * the timeout, and when its leader exits, whatever is left of the group
 * (jobs it put in the background) is killed with SIGKILL and reaped, so
 * that run_cmd() returns with all of it gone. The calling process
 * becomes a child subreaper (prctl(2)) for that. Returns the exit status
 * (127: could not be executed), 128 + signal when a signal ended it,
 * -ETIMEDOUT when it was killed at the timeout, or -errno when it could
 * not be started. opts may be NULL.
 */
int run_cmd(const char *const argv[], const struct run_opts *opts);

/* Commands run_cmd() tracks at once for the kill path (more run untracked). */
#define RUN_CMD_MAX_RUNNING	8
/* How long the kill path waits for a killed group to be reaped. */
#define RUN_CMD_KILL_WAIT_MS	2000

/*
 * The kill path of signals.h: SIGKILL to the process group of every
 * command run_cmd() is running, each reaped (at most
 * RUN_CMD_KILL_WAIT_MS each). Async-signal-safe.
 */
void run_cmd_kill_running(void);

#endif /* __UTIL_H */
