/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What prog_tests/ files need beside ASSERT_*(), written once: temporary
 * directories, small files, test_perf run as a child, a function run in
 * a child, and shell steps. Failures are reported as failed assertions.
 *
 *	static const struct self_opts quick = { .timeout_ms = 60000 };
 *	struct self_run run = {};
 *	char dir[64];
 *	bool ok = false;
 *
 *	if (!make_tmp(dir, sizeof(dir)))
 *		return;
 *	SYS(out, "ip link add xh0 type veth peer name xh1");
 *	if (!ASSERT_EQ(run_self(&run, &quick, "--report-from", dir), 0,
 *		       "--report-from"))
 *		goto out;
 *	ok = ASSERT_TRUE(file_contains(dir, "report.md", "## Environment"),
 *			 "environment");
 * out:
 *	if (!ok)
 *		log_output("stderr", run.err, true);
 *	self_run_free(&run);
 *	drop_tmp(dir, ok);
 */
#ifndef __TESTING_HELPERS_H
#define __TESTING_HELPERS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <linux/types.h>

#define NOBODY_ID	65534
#define SYS_TIMEOUT_MS	30000

/* /tmp/xdp-perf-<test>.XXXXXX, made; false (and a failure) if not. */
bool make_tmp(char *dir, size_t len);
/* Remove dir and all in it when ok; else keep it and log where it is. */
void drop_tmp(const char *dir, bool ok);

/* dir/name exists (a symlink counts: not followed). */
bool file_exists(const char *dir, const char *name);
/* dir/name holds text (in its first 4 MiB). */
bool file_contains(const char *dir, const char *name, const char *text);
/* Write text to dir/name, replacing it; 0 or -errno. */
int file_put(const char *dir, const char *name, const char *text);
/* The whole of path, NUL-terminated, to free(); *len its size (or NULL). */
char *file_read(const char *path, size_t *len);

/* A child's output in the test's log, line by line; else with -v only. */
void log_output(const char *what, const char *text, bool always);

/* How run_self() runs test_perf (or a script beside it). */
struct self_opts {
	int timeout_ms;			/* required: SIGKILL at expiry */
	const char *exe;		/* beside test_perf; NULL: test_perf */
	const char *const *env;		/* extra "NAME=value", NULL-ended */
	bool as_nobody;			/* uid and gid NOBODY_ID: needs root */
	/*
	 * signal is sent once signal_when() returns true, times times 2 ms
	 * apart (0: once); signal_when is called every 10 ms and as output
	 * comes, with the child's pid and its stdout so far. SIGPIPE closes
	 * the child's stdout instead, as `| head -1` does.
	 */
	int signal;
	int signal_times;
	bool (*signal_when)(pid_t pid, const char *out, void *ctx);
	void *ctx;
};

/* What a run_self() left; zeroed once, reused: each call frees the last. */
struct self_run {
	char *out, *err;		/* stdout, stderr; never NULL after */
	int status;			/* what run_self() returned */
	pid_t pid;			/* the child's */
	bool signalled;			/* opts->signal was sent */
};

/*
 * run_self(&run, &opts, "ARG", ...): test_perf ARG... with stdin from
 * /dev/null, stdout and stderr captured apart. Returns its exit status,
 * 128 + N when signal N ended it (126/127: could not run it), -ETIMEDOUT
 * when killed at the timeout, or -errno.
 */
#define run_self(run, opts, ...)					\
	run_self_argv(run, opts,					\
		      (const char *const[]){ __VA_ARGS__ __VA_OPT__(,) NULL })
int run_self_argv(struct self_run *run, const struct self_opts *opts,
		  const char *const args[]);
void self_run_free(struct self_run *run);

/*
 * fn(ctx) in a forked child, its return value the child's exit status:
 * that status, 128 + N when signal N ended it, -ETIMEDOUT (killed at
 * timeout_ms, which is required) or -errno.
 */
int run_in_child(int (*fn)(void *ctx), void *ctx, int timeout_ms);

/*
 * Shell steps, as in the kernel's selftests: the command is formatted
 * (arguments must be safe for sh: names the test chose, not input) and
 * run by sh -c with SYS_TIMEOUT_MS. SYS() fails the test with the
 * command's output and jumps to label when it does not exit 0;
 * SYS_NOFAIL() returns its status (as run_cmd()) and reports nothing.
 */
#define SYS(label, fmt, ...)						\
	do {								\
		if (sys_cmd(__FILE__, __LINE__, true, fmt, ##__VA_ARGS__)) \
			goto label;					\
	} while (0)
#define SYS_NOFAIL(fmt, ...)						\
	sys_cmd(__FILE__, __LINE__, false, fmt, ##__VA_ARGS__)
int sys_cmd(const char *file, int line, bool assert, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * A run refused as bad input should be: exit 2 and one line on stderr
 * holding why (its output logged when not).
 */
bool self_refused(const struct self_run *run, const char *why,
		  const char *what);
/* An XDP program that returns XDP_PASS: its fd, or -errno. */
int load_xdp_pass(void);
/* The id of the generic-mode XDP program on ifindex; 0 when none. */
__u32 xdp_skb_prog_id(int ifindex);
/* The id of the program behind fd; 0 when it cannot be read. */
__u32 prog_id_of(int fd);

#endif /* __TESTING_HELPERS_H */
