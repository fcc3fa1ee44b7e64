// SPDX-License-Identifier: GPL-2.0
/*
 * The measurement engine: validate, calibrate, time, summarise.
 *
 * Why thread CPU time and not the kernel's "duration": duration is the
 * average per run truncated to an integer ns, so a 0.6 ns difference
 * vanishes. Every XDP test_run call with repeat > 1 also puts the program
 * into the XDP dispatcher and takes it out again, each time patching text
 * (~0.25 ms of CPU) and waiting for RCU (~16 ms asleep). The dispatcher
 * leaves a program alone when it is already there, so while a point is
 * measured the program is attached (generic mode, bpf_link) to the
 * loopback of a namespace of our own: the calls then cost the loop and a
 * few microseconds, which are measured with repeat = 2 calls and
 * subtracted. Without a namespace the engine still works, only slower.
 */
#define _GNU_SOURCE
#include <math.h>
#include <stdarg.h>
#include <linux/if_link.h>

#include "test_perf.h"
#include "netns.h"
#include "runner.h"
#include "results.h"
#include "util.h"

#define OUT_SLACK	4096	/* room for programs that grow the frame */
#define MIN_REPEAT	1
#define MAX_REPEAT	(1U << 27)
#define FIXED_CALLS	5

int measure_call_ns(int prog_fd, const void *pkt, __u32 len, __u32 repeat,
		    double *cpu_ns, __u32 *kernel_ns, __u32 *verdict)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = pkt,
		.data_size_in = len,
		.repeat = repeat,
	);
	double t0, t1;
	int err;

	t0 = thread_cpu_ns();
	err = bpf_prog_test_run_opts(prog_fd, &opts);
	t1 = thread_cpu_ns();
	if (err)
		return -errno;
	*cpu_ns = t1 - t0;
	if (kernel_ns)
		*kernel_ns = opts.duration;
	if (verdict)
		*verdict = opts.retval;
	return 0;
}

void measure_record(const struct point_id *key,
		    const struct measure_result *res)
{
	const struct sample_stats *ns = &res->ns;
	char label[256];

	results_add(key, METRIC_NS_PER_PKT, &res->ns);
	results_add(key, METRIC_MPPS, &res->mpps);
	point_id_str(key, POINT_ID_IN_TEST, label, sizeof(label));
	test__info("  %s: %.3f ns/pkt [%.3f, %.3f] median %.3f sd %.3f, %.2f Mpps (%d reps x %u runs, kernel %.0f ns, call %.1f us%s)",
		   label, ns->mean, ns->ci95_low, ns->ci95_high,
		   ns->median, ns->stddev, res->mpps.mean, ns->n, res->repeat,
		   res->kernel_ns.median, res->fixed_us,
		   res->pinned ? "" : ", not pinned");
}

/* ---- keeping the program in the XDP dispatcher ---- */

/*
 * The namespace has no name, only this fd: it goes with the process,
 * whatever ends it, and the programs attached in it with it.
 */
static int pin_ns_fd = -1;
static int pin_ifindex;
static bool pin_broken;

static int pin_ns_setup(void)
{
	if (pin_ifindex)
		return 0;
	if (pin_broken)
		return -ENODEV;
	pin_ns_fd = netns_create_anon();
	/* a new namespace has its loopback only: ifindex 1 */
	pin_ifindex = pin_ns_fd >= 0 ? 1 : 0;
	if (!pin_ifindex) {
		pin_broken = true;
		test__info("engine: no namespace to hold programs in the dispatcher (%s); calls will be slower",
			   strerror(-pin_ns_fd));
		return -ENODEV;
	}
	return 0;
}

/*
 * Attach prog_fd in generic mode to the private namespace's loopback, where
 * no frame ever arrives: it stays in the dispatcher while it is measured.
 * Returns a link fd (close it to detach) or -errno.
 */
int engine_pin_prog(int prog_fd)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = XDP_FLAGS_SKB_MODE);
	int saved, link, err;

	err = pin_ns_setup();
	if (err)
		return err;
	err = netns_enter_fd(pin_ns_fd, &saved);
	if (err)
		return err;
	link = bpf_link_create(prog_fd, pin_ifindex, BPF_XDP, &opts);
	err = link < 0 ? -errno : link;
	netns_leave(saved);
	return err;
}

static int point_error(struct measure_result *res, int err,
		       const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int point_error(struct measure_result *res, int err,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(res->error, sizeof(res->error), fmt, ap);
	va_end(ap);
	return err;
}

/* One run with the output captured: the point is timed only if it passes. */
static int validate_point(const struct measure_spec *spec,
			  struct measure_result *res)
{
	__u32 out_len = spec->pkt_len + OUT_SLACK;
	unsigned char *out = calloc(1, out_len);
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = spec->pkt,
		.data_size_in = spec->pkt_len,
		.data_out = out,
		.data_size_out = out_len,
		.repeat = 1,
	);
	int err = 0;
	__u32 i;

	if (!out)
		return point_error(res, -ENOMEM, "out of memory");
	if (bpf_prog_test_run_opts(spec->prog_fd, &opts)) {
		err = point_error(res, -errno, "test_run failed: %s",
				  strerror(errno));
		goto out;
	}
	res->verdict = opts.retval;
	if (!spec->any_verdict && opts.retval != spec->expect_verdict) {
		err = point_error(res, -EBADMSG,
				  "validation: verdict %s, expected %s",
				  xdp_verdict_name(opts.retval),
				  xdp_verdict_name(spec->expect_verdict));
		goto out;
	}
	if (!spec->expect_out)
		goto out;
	if (opts.data_size_out != spec->expect_out_len) {
		err = point_error(res, -EBADMSG,
				  "validation: output %u B, expected %u B",
				  opts.data_size_out, spec->expect_out_len);
		goto out;
	}
	for (i = 0; i < spec->expect_out_len; i++) {
		if (out[i] != ((const unsigned char *)spec->expect_out)[i]) {
			err = point_error(res, -EBADMSG,
					  "validation: output byte %u is 0x%02x, expected 0x%02x",
					  i, out[i],
					  ((const unsigned char *)spec->expect_out)[i]);
			goto out;
		}
	}
out:
	free(out);
	return err;
}

/* CPU cost of a call outside the timed loop: median of repeat = 2 calls. */
static int measure_fixed_ns(const struct measure_spec *spec, double *fixed,
			    __u64 *runs)
{
	double t[FIXED_CALLS];
	int i, err;

	for (i = 0; i < FIXED_CALLS; i++) {
		err = measure_call_ns(spec->prog_fd, spec->pkt, spec->pkt_len,
				      2, &t[i], NULL, NULL);
		if (err)
			return err;
		*runs += 2;
	}
	qsort(t, FIXED_CALLS, sizeof(t[0]), cmp_double);
	*fixed = t[FIXED_CALLS / 2];
	return 0;
}

/*
 * Pick the repeat count that makes one timed loop last target_ms. A probe
 * call must last an eighth of the target before its per-run time is
 * trusted (the per-call cost and the clock are then below 1% of it); the
 * probe grows 8-fold from one run, or starts at the size an earlier
 * round's estimate predicts. A slow program is thus timed within a few
 * milliseconds of its first call, whatever its cost.
 */
static int calibrate_repeat(const struct measure_spec *spec, double fixed,
			    double target_ms, struct measure_result *res)
{
	double want = target_ms * 1e6, probe = want / 8, cpu, per_run;
	double r = 1;
	int err;

	if (spec->tune.hint_ns > 0)
		r = fmax(1, floor(probe / spec->tune.hint_ns));
	for (;;) {
		r = fmin(r, MAX_REPEAT);
		err = measure_call_ns(spec->prog_fd, spec->pkt, spec->pkt_len,
				      (__u32)r, &cpu, NULL, NULL);
		if (err)
			return err;
		res->runs += (__u64)r;
		res->calib_calls++;
		if (cpu - fixed >= probe || r >= MAX_REPEAT)
			break;
		r *= 8;
	}
	per_run = fmax((cpu - fixed) / r, 0.01);
	res->repeat = (__u32)fmax(MIN_REPEAT, fmin(MAX_REPEAT, want / per_run));
	return 0;
}

static int read_count(const struct measure_spec *spec, __u64 *value)
{
	if (!spec->hooks.count)
		return 0;
	return spec->hooks.count(spec->hooks.ctx, value);
}

static int arm(const struct measure_spec *spec, bool timed)
{
	if (!spec->hooks.arm)
		return 0;
	return spec->hooks.arm(spec->hooks.ctx, timed);
}

static int timed_reps(const struct measure_spec *spec, int reps,
		      struct measure_result *res, double *ns, double *mpps,
		      double *kns)
{
	__u32 verdict, kernel_ns;
	double cpu;
	int i, err;

	for (i = 0; i < reps; i++) {
		if (test__stopping())
			return point_error(res, -EINTR, "interrupted");
		err = measure_call_ns(spec->prog_fd, spec->pkt, spec->pkt_len,
				      res->repeat, &cpu, &kernel_ns, &verdict);
		if (err)
			return point_error(res, err, "test_run failed: %s",
					   strerror(-err));
		res->runs += res->repeat;
		/* the verdict of the last run of the loop */
		if (verdict != res->verdict)
			return point_error(res, -EBADMSG,
					   "verdict changed to %s during timed runs (the program changes its own input?)",
					   xdp_verdict_name(verdict));
		ns[i] = (cpu - res->fixed_us * 1e3) / res->repeat;
		if (ns[i] <= 0)
			return point_error(res, -ERANGE,
					   "per-call overhead larger than the loop: raise --target-ms");
		mpps[i] = 1e3 / ns[i];
		kns[i] = kernel_ns;
	}
	return 0;
}

int measure_point(const struct measure_spec *spec, struct measure_result *res)
{
	int reps = spec->tune.reps ?: env.reps;
	double target = spec->tune.target_ms > 0 ? spec->tune.target_ms :
						   env.target_ms;
	double *ns = NULL, *mpps = NULL, *kns = NULL, fixed;
	__u64 before = 0, after = 0;
	int err, link;

	memset(res, 0, sizeof(*res));
	err = arm(spec, false);
	if (!err)
		err = validate_point(spec, res);
	if (err)
		return err;
	link = spec->tune.pinned ? -EEXIST : engine_pin_prog(spec->prog_fd);
	res->pinned = spec->tune.pinned || link >= 0;

	ns = calloc(reps, sizeof(*ns));
	mpps = calloc(reps, sizeof(*mpps));
	kns = calloc(reps, sizeof(*kns));
	if (!ns || !mpps || !kns) {
		err = point_error(res, -ENOMEM, "out of memory");
		goto out;
	}
	err = arm(spec, true) ?: read_count(spec, &before);
	if (err) {
		point_error(res, err, "cannot prepare timed runs: %s",
			    strerror(-err));
		goto out_disarm;
	}
	err = measure_fixed_ns(spec, &fixed, &res->runs);
	if (!err)
		err = calibrate_repeat(spec, fixed, target, res);
	if (err) {
		point_error(res, err, "calibration failed: %s", strerror(-err));
		goto out_disarm;
	}
	res->fixed_us = fixed / 1e3;
	err = timed_reps(spec, reps, res, ns, mpps, kns);
	if (err)
		goto out_disarm;
	err = read_count(spec, &after);
	if (!err && spec->hooks.count && after - before != res->runs)
		err = point_error(res, -EBADMSG,
				  "path check: %llu of %llu runs took the measured path",
				  (unsigned long long)(after - before),
				  (unsigned long long)res->runs);
	if (!err) {
		stats_compute(ns, reps, &res->ns);
		stats_compute(mpps, reps, &res->mpps);
		stats_compute(kns, reps, &res->kernel_ns);
	}
out_disarm:
	if (arm(spec, false) && !err)
		err = point_error(res, -EIO, "cannot restore program config");
out:
	if (link >= 0)
		close(link);
	free(ns);
	free(mpps);
	free(kns);
	return err;
}
