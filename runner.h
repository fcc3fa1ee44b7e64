/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The measurement engine: BPF_PROG_TEST_RUN turned into ns/packet figures.
 *
 * Method (docs/method.md, "Timing method"): the timed quantity is the
 * measuring thread's CPU time around a test_run call with a calibrated
 * repeat count, minus the call's fixed CPU cost (dispatcher swap, copies)
 * estimated with repeat = 2 calls, divided by the repeat count. The
 * kernel's own duration (integer ns, truncated) is kept as a cross-check.
 * The RCU waits of each call are sleeps and cost no CPU time, so they do
 * not pollute the figure.
 */
#ifndef __RUNNER_H
#define __RUNNER_H

#include <stdbool.h>
#include <linux/types.h>
#include "stats.h"

struct bpf_object;

/* How to check that every timed run took the path being measured. */
struct run_hooks {
	void *ctx;
	/* Called with true before timed runs, false after (e.g. TTL rearm). */
	int (*arm)(void *ctx, bool timed);
	/* Running count that must grow by exactly the number of runs. */
	int (*count)(void *ctx, __u64 *value);
};

/* How a round measures a point (all zero: one standalone measurement). */
struct measure_tune {
	int reps;			/* timed loops; 0: env.reps */
	double target_ms;		/* 0: env.target_ms */
	/*
	 * Per-run estimate of an earlier round (ns), so that calibration
	 * starts close to the answer; 0: grow geometrically from one run.
	 */
	double hint_ns;
	/* the caller holds the program in the dispatcher (engine_pin_prog) */
	bool pinned;
};

struct measure_spec {
	int prog_fd;
	const void *pkt;
	__u32 pkt_len;
	__u32 expect_verdict;		/* XDP_PASS, XDP_TX, ... */
	bool any_verdict;		/* --obj: accept what the first run says */
	const void *expect_out;		/* NULL: output bytes not checked */
	__u32 expect_out_len;
	struct run_hooks hooks;		/* optional */
	struct measure_tune tune;	/* zero: defaults */
};

struct measure_result {
	struct sample_stats ns;		/* ns per packet */
	struct sample_stats mpps;	/* 1000 / ns per repetition */
	struct sample_stats kernel_ns;	/* the kernel's truncated duration */
	__u32 repeat;			/* calibrated runs per call */
	int calib_calls;		/* test_run calls of the calibration */
	double fixed_us;		/* per-call CPU cost subtracted */
	__u32 verdict;			/* verdict of the validation run */
	__u64 runs;			/* timed runs in all */
	bool pinned;			/* held in the dispatcher while timed */
	char error[160];		/* why the point is invalid */
};

/*
 * Validate (one run: verdict, output bytes), calibrate, then time
 * spec->reps loops. 0 on success; otherwise -errno with res->error saying
 * why, and nothing timed when validation failed. Calibration grows the
 * repeat count geometrically from one run (or from spec->hint_ns), so a
 * program of a millisecond per run is not first run 65536 times.
 */
int measure_point(const struct measure_spec *spec, struct measure_result *res);

struct point_id;
/* Record ns_per_pkt and mpps of a measured point in the results. */
void measure_record(const struct point_id *key,
		    const struct measure_result *res);

/*
 * Hold a program in the XDP dispatcher (attached to the loopback of a
 * private namespace) so that test_run calls do not swap it in and out:
 * a link fd to close when done, or -errno.
 */
int engine_pin_prog(int prog_fd);

/* Thread CPU time of one test_run call with the given repeat, in ns. */
int measure_call_ns(int prog_fd, const void *pkt, __u32 len, __u32 repeat,
		    double *cpu_ns, __u32 *kernel_ns, __u32 *verdict);

#endif /* __RUNNER_H */
