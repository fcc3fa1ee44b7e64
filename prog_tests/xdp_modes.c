// SPDX-License-Identifier: GPL-2.0
/*
 * The base forwarder on a real data path: generator -> DUT -> sink over veth
 * pairs in three network namespaces, the DUT program attached in XDP generic
 * and native mode (offload with --offload-dev, host NICs with --dut-dev).
 *
 * Functional subtests first, independent of speed: frames arrive forwarded,
 * every frame is accounted for by cause at a rate well below what the
 * forwarder takes, the latency histogram agrees with a delay injected by
 * the generator. Then the measured points: maximum forwarding rate, RFC
 * 2544 zero-loss rate, latency at fractions of it and CPU cost, for every
 * frame size. Last, nothing of the run may be left.
 */
#include <math.h>
#include <linux/if_link.h>

#include "test_perf.h"
#include "results.h"
#include "stats.h"
#include "util.h"
#include "wire/wire.h"
#include "xdp_fwd.skel.h"

/* Each run of the generator against the bare loop, flat out. */
#define GEN_COMPARE_MS		100
/* The generator stamps frames this far in the past (latency check). */
#define INJECTED_DELAY_NS	2000000ULL

struct modes_ctx {
	struct wire_session *s;		/* opened on first use */
	struct xdp_fwd *skel;
};

static bool modes_attach(struct modes_ctx *c, enum wire_mode mode)
{
	return wire_session_ready(c->s) &&
	       wire_session_attach(c->s, c->skel->obj, c->skel->progs.xdp_fwd,
				   mode);
}

/*
 * A functional check of the forwarder (one generator thread: one stream),
 * every frame accounted for by cause; chk->r is its last trial.
 */
static bool check_trial(struct modes_ctx *c, unsigned int frame_size,
			__u64 delay_ns, bool capture,
			struct wire_check_result *chk)
{
	struct wire_trial_cfg cfg;

	wire_check_defaults(&c->s->w, &cfg, frame_size);
	cfg.threads = 1;
	cfg.ts_offset_ns = delay_ns;
	cfg.capture = capture;
	return wire_session_check(c->s, &cfg, chk);
}

/* Frames the sink missed: 0 unless the host stalled (see wire.h). */
static __u64 lost(const struct wire_trial_result *r)
{
	return r->sent > r->received ? r->sent - r->received : 0;
}

/* TTL - 1, valid checksums, MACs of DUT port B -> sink, in the prefixes. */
static void subtest_forwarded(struct modes_ctx *c, enum wire_mode mode)
{
	struct wire_check_result chk;
	struct wire_trial_result *r = &chk.r;
	int sizes[PERF_MAX_SIZES], n, i;
	char why[160];

	if (!modes_attach(c, mode))
		return;
	n = wire_sizes(sizes, PERF_MAX_SIZES);
	for (i = 0; i < n; i++) {
		if (!check_trial(c, sizes[i], 0, true, &chk))
			return;
		if (!ASSERT_TRUE(r->captured, "sink captured a frame"))
			return;
		if (wire_check_forwarded(&c->s->w, r->cap, r->cap_len, sizes[i],
					 why, sizeof(why)))
			test__log("%d B frame: %s", sizes[i], why);
		ASSERT_OK(wire_check_forwarded(&c->s->w, r->cap, r->cap_len,
					       sizes[i], why, sizeof(why)),
			  "forwarded frame");
		ASSERT_EQ(r->foreign, 0, "foreign frames at the sink");
	}
}

/*
 * Every frame sent is received, in order, or dropped at a full ring while
 * the DUT had time (a stall of the host: the check says which counter);
 * the forwarder forwards every frame it sees.
 */
static void subtest_accounting(struct modes_ctx *c, enum wire_mode mode)
{
	struct wire_check_result chk;
	struct wire_trial_result *r = &chk.r;
	int sizes[PERF_MAX_SIZES], n, i;

	if (!modes_attach(c, mode))
		return;
	n = wire_sizes(sizes, PERF_MAX_SIZES);
	for (i = 0; i < n; i++) {
		if (!check_trial(c, sizes[i], 0, false, &chk))
			return;
		ASSERT_EQ(r->received + r->kernel_drops, r->sent,
			  "received + dropped at a ring == sent");
		ASSERT_EQ(r->unaccounted, 0, "unaccounted frames");
		ASSERT_TRUE(r->have_dut_counts, "DUT counters read");
		ASSERT_EQ(r->dut_forwarded, r->dut_seen,
			  "DUT forwarded every frame it saw");
		ASSERT_EQ(r->dut_passed, 0, "DUT passed to its stack");
		ASSERT_LE(r->seq_lost, lost(r), "sequence gaps <= frames lost");
		/*
		 * With several queues (--gen-threads > 1) the skb path of
		 * generic mode spreads flows over them by hash: order holds
		 * per flow only, and the sink sees one stream's flows mixed.
		 */
		if (mode == WIRE_MODE_NATIVE || c->s->w.topo.nq == 1)
			ASSERT_EQ(r->reordered, 0, "reordered frames");
		ASSERT_EQ(r->bad_stream, 0, "unknown streams");
		ASSERT_EQ(r->foreign, 0, "foreign frames at the sink");
	}
}

static void check_order(const struct wire_latency *l)
{
	ASSERT_DBL_LE(l->min, l->p50, "min <= p50");
	ASSERT_DBL_LE(l->p50, l->p90, "p50 <= p90");
	ASSERT_DBL_LE(l->p90, l->p99, "p90 <= p99");
	ASSERT_DBL_LE(l->p99, l->p999, "p99 <= p99.9");
	ASSERT_DBL_LE(l->p999, l->max, "p99.9 <= max");
}

/*
 * Stamps of one thread: sequence numbers 0, WIRE_STAMP_EVERY, ... of the
 * frames sent, every one at the sink unless the host stalled.
 */
static void check_stamps(const struct wire_trial_result *r)
{
	__u64 stamps = (r->sent + WIRE_STAMP_EVERY - 1) / WIRE_STAMP_EVERY;

	if (lost(r))
		ASSERT_LE(r->stamped, stamps, "stamped frames");
	else
		ASSERT_EQ(r->stamped, stamps, "stamped frames");
	ASSERT_EQ(r->lat.count, r->stamped, "histogram samples");
	ASSERT_EQ(r->clock_neg, 0, "timestamps in the future");
	check_order(&r->lat);
}

/*
 * Percentiles are ordered and every stamped frame is in the histogram;
 * frames stamped INJECTED_DELAY_NS in the past show at least that latency.
 */
static void subtest_latency(struct modes_ctx *c, enum wire_mode mode)
{
	struct wire_check_result plain, delayed;

	if (!modes_attach(c, mode))
		return;
	if (!check_trial(c, env.sizes[0], 0, false, &plain))
		return;
	check_stamps(&plain.r);
	if (!check_trial(c, env.sizes[0], INJECTED_DELAY_NS, false, &delayed))
		return;
	test__info("latency p50 %.0f ns plain, %.0f ns with %llu ns injected",
		   plain.r.lat.p50, delayed.r.lat.p50, INJECTED_DELAY_NS);
	check_stamps(&delayed.r);
	ASSERT_DBL_GE(delayed.r.lat.min, INJECTED_DELAY_NS, "min >= injected");
	ASSERT_DBL_GE(delayed.r.lat.p50, INJECTED_DELAY_NS, "p50 >= injected");
}

/* What -v shows of a measured point: medians over the repetitions. */
static void perf_summary(const struct wire *w, enum wire_mode mode, int size,
			 const struct wire_point *pt)
{
	const struct wire_load *l;
	double off, cpu;
	char dut[64];
	int i;

	test__info("%s %d B: layout %s, generator CPU %d, DUT CPU %d: full load offered %.3f Mpps, forwarded %.3f Mpps, loss %.2f%% (at the DUT %.2f%%)",
		   wire_mode_name(mode), size, wire_layout_name(w->layout),
		   w->gen_cpus[0], w->dut_cpu,
		   stats_median_finite(pt->offered_max, pt->reps),
		   stats_median_finite(pt->mpps_max, pt->reps),
		   stats_median_finite(pt->loss_max, pt->reps),
		   stats_median_finite(pt->loss_dut_max, pt->reps));
	if (isnan(stats_median_finite(pt->mpps_zero_loss, pt->reps)))
		test__info("%s %d B: no zero-loss rate confirmed in %d repetitions; program (bpf_stats) %.1f ns",
			   wire_mode_name(mode), size, pt->reps,
			   stats_median_finite(pt->prog_ns, pt->reps));
	else
		test__info("%s %d B: zero-loss %s%.3f Mpps, generator_limited %.0f; program (bpf_stats) %.1f ns",
			   wire_mode_name(mode), size,
			   pt->gen_limited_any ? ">= " : "",
			   stats_median_finite(pt->mpps_zero_loss, pt->reps),
			   stats_median_finite(pt->gen_limited, pt->reps),
			   stats_median_finite(pt->prog_ns, pt->reps));
	if (pt->dut_reps)
		test__info("%s %d B: DUT CPU at the zero-loss rate: dut_cpu_pct %.1f%%, cpu_dut_ns_per_pkt %.1f ns (at full load %.1f ns)",
			   wire_mode_name(mode), size,
			   stats_median_finite(pt->dut_pct, pt->dut_reps),
			   stats_median_finite(pt->dut_ns, pt->dut_reps),
			   stats_median_finite(pt->dut_full_ns, pt->reps));
	for (i = 0; i < pt->nr_loads; i++) {
		l = &pt->load[i];
		off = stats_median_finite(l->offered, l->reps);
		if (isnan(off))		/* no rate to take a fraction of */
			continue;
		cpu = stats_median_finite(l->dut_pct, l->reps);
		snprintf(dut, sizeof(dut), "dut_cpu_pct %.1f%% (%.1f ns/pkt), ",
			 cpu, off > 0 ? 10 * cpu / off : NAN);
		test__info("%s %d B at %3.0f%%: offered %.3f Mpps, %sprogram %.1f%%, latency p50 %.1f / p99 %.1f us (batch share ~%.1f us)",
			   wire_mode_name(mode), size, 100 * l->frac, off,
			   isnan(cpu) ? "" : dut,
			   stats_median_finite(l->prog_pct, l->reps),
			   stats_median_finite(l->lat[0], l->reps) / 1e3,
			   stats_median_finite(l->lat[2], l->reps) / 1e3,
			   stats_median_finite(l->batch_ns, l->reps) / 1e3);
	}
}

/* Validity of a measured point; its figures are for the report. */
static void perf_check(const struct wire *w, const struct wire_point *pt)
{
	int r;

	for (r = 0; r < pt->reps; r++) {
		ASSERT_DBL_GT(pt->mpps_max[r], 0, "frames forwarded at full load");
		/* NaN: no rate confirmed in that repetition */
		if (!isnan(pt->mpps_zero_loss[r]))
			ASSERT_DBL_LE(pt->mpps_zero_loss[r],
				      pt->offered_max[r] * 1.05,
				      "zero-loss rate <= offered full load");
		ASSERT_DBL_LE(pt->loss_dut_max[r], pt->loss_max[r] + 1e-9,
			      "loss at the DUT <= loss");
	}
	/* a validity check: every frame of every trial accounted for */
	ASSERT_EQ(pt->unaccounted, 0, "unaccounted frames (worst trial)");
	ASSERT_TRUE(pt->have_prog_stats, "bpf_stats of the DUT program");
	if (w->layout != WIRE_LAYOUT_ISOLATED)
		return;
	ASSERT_NEQ(w->dut_cpu, w->gen_cpus[0], "DUT CPU != generator CPU");
	/* the DUT's kthread found and its time read, whatever the search gave */
	for (r = 0; r < pt->reps; r++)
		ASSERT_DBL_GT(pt->dut_full_ns[r], 0,
			      "DUT CPU time per packet at full load");
	if (!pt->dut_reps)
		test__info("no repetition confirmed a zero-loss rate (other load on the DUT CPU?): no DUT CPU at that rate");
}

/*
 * Every frame size, repetitions interleaved (size after size, round after
 * round): a drift of the machine's speed over the subtest spreads over
 * all sizes instead of landing on the last ones.
 */
static void subtest_perf(struct modes_ctx *c, enum wire_mode mode)
{
	struct wire_measure_cfg mc[PERF_MAX_SIZES] = {};
	int sizes[PERF_MAX_SIZES], n, i, rep, reps = wire_reps();
	struct wire_point *pt;

	if (!modes_attach(c, mode))
		return;
	n = wire_sizes(sizes, PERF_MAX_SIZES);
	pt = calloc(n, sizeof(*pt));
	if (!ASSERT_OK_PTR(pt, "calloc"))
		return;
	for (i = 0; i < n; i++) {
		mc[i] = (struct wire_measure_cfg){
			.frame_size = sizes[i], .search = true,
			.loads = true, .cpu = true,
		};
		wire_point_init(&pt[i], &mc[i]);
	}
	for (rep = 0; rep < reps && !test__stopping(); rep++) {
		for (i = 0; i < n && !test__stopping(); i++)
			if (!ASSERT_OK(wire_measure_rep(&c->s->w, &mc[i], &pt[i]),
				       "wire_measure_rep"))
				goto out;
		test__progress(rep + 1, reps);
	}
	for (i = 0; i < n && pt[i].reps; i++) {
		perf_check(&c->s->w, &pt[i]);
		perf_summary(&c->s->w, mode, sizes[i], &pt[i]);
		wire_results_add(&pt[i], "base", 0, "redirect", "", sizes[i],
				 mode, true);
	}
out:
	free(pt);
}

/*
 * The generator against the bare live-frames loop (AF_PACKET: the bare
 * sender, the template as it is), into a DUT that drops: how much of the
 * generator's speed its per-frame work (addresses, checksums, stamps)
 * costs. Repetitions alternate the two.
 */
static void subtest_generator(struct modes_ctx *c)
{
	double gen[WIRE_MAX_REPS], bare[WIRE_MAX_REPS], ratio[WIRE_MAX_REPS];
	double sender[WIRE_MAX_REPS];
	int sizes[PERF_MAX_SIZES], n, i, j, r, reps = wire_reps();
	struct point_id key = {
		.property = "generator", .variant = "", .op = "",
		.mode = wire_mode_name(WIRE_MODE_NATIVE),
	};

	if (!wire_session_ready(c->s))
		return;
	n = wire_sizes(sizes, PERF_MAX_SIZES);
	for (i = 0; i < n && !test__stopping(); i++) {
		for (r = 0; r < reps && !test__stopping(); r++) {
			if (!ASSERT_OK(wire_gen_compare(&c->s->w, sizes[i],
							GEN_COMPARE_MS,
							&gen[r], &bare[r]),
				       "wire_gen_compare"))
				return;
			ASSERT_DBL_GT(gen[r], 0, "generator rate");
			ASSERT_DBL_GT(bare[r], 0, "bare loop rate");
			ratio[r] = bare[r] > 0 ? gen[r] / bare[r] : 0;
			gen[r] /= 1e6;
			bare[r] /= 1e6;
		}
		test__info("generator %d B: %.3f Mpps, bare %s %.3f Mpps: ratio %.2f (medians of %d)",
			   sizes[i], stats_median_finite(gen, r),
			   c->s->w.sender == WIRE_SENDER_LIVE ?
			   "live-frames loop" : "AF_PACKET sender",
			   stats_median_finite(bare, r),
			   stats_median_finite(ratio, r), r);
		for (j = 0; j < r; j++)
			sender[j] = wire_sender_metric(c->s->w.sender);
		key.frame_size = sizes[i];
		wire_metric_add(&key, METRIC_MPPS_GEN, gen, r);
		wire_metric_add(&key, METRIC_MPPS_GEN_BARE, bare, r);
		wire_metric_add(&key, METRIC_GEN_BARE_RATIO, ratio, r);
		wire_metric_add(&key, METRIC_GEN_SENDER, sender, r);
	}
}

/* The offload build of the base forwarder, bound to --offload-dev. */
static void subtest_offload(void)
{
	char path[512], why[256] = "";
	struct bpf_program *prog;
	struct bpf_object *obj;
	int err;

	if (!wire_opts.offload_dev[0]) {
		test__skip("no offload-capable NIC named (--offload-dev IFNAME, e.g. a Netronome Agilio port); veth cannot offload");
		return;
	}
	if (test__path(path, sizeof(path), "gen-progs/empty_offload.bpf.o") ||
	    access(path, R_OK)) {
		test__skip("%s missing: build the offload variant (make, gen/)",
			   path);
		return;
	}
	obj = bpf_object__open_file(path, NULL);
	if (!ASSERT_OK_PTR(obj, "open offload object"))
		return;
	prog = bpf_object__next_program(obj, NULL);
	wire_offload_bind(obj, prog);
	err = bpf_object__load(obj);
	if (err) {
		test__skip("%s cannot load the offloaded program: %s",
			   wire_opts.offload_dev, strerror(errno));
		goto out;
	}
	err = wire_dut_dev_run(obj, prog, WIRE_MODE_OFFLOAD,
			       wire_opts.offload_dev, NULL, why, sizeof(why));
	if (err == WIRE_SKIP)
		test__skip("%s", why);
	else if (err)
		test__log("%s", why);
	if (err != WIRE_SKIP)
		ASSERT_OK(err, "offload run");
out:
	bpf_object__close(obj);
}

/* Host NICs named by the user, traffic from an external generator. */
static void subtest_dut_dev(struct modes_ctx *c)
{
	static const enum wire_mode modes[] = {
		WIRE_MODE_GENERIC, WIRE_MODE_NATIVE,
	};
	char why[256] = "";
	unsigned int i;
	int err;

	if (!wire_opts.dut_in[0]) {
		test__skip("no --dut-dev IN,OUT given (two-server setup, see README)");
		return;
	}
	/* the forwarder's maps are about to describe host ports */
	wire_dut_detach(&c->s->w);
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		err = wire_dut_dev_run(c->skel->obj, c->skel->progs.xdp_fwd,
				       modes[i], wire_opts.dut_in,
				       wire_opts.dut_out, why, sizeof(why));
		if (err == WIRE_SKIP) {
			test__skip("%s", why);
			return;
		}
		if (err)
			test__log("%s: %s", wire_mode_name(modes[i]), why);
		ASSERT_OK(err, "dut-dev run");
	}
}

void test_xdp_modes(void)
{
	static const enum wire_mode modes[] = {
		WIRE_MODE_GENERIC, WIRE_MODE_NATIVE,
	};
	static const char *const kinds[] = {
		"forwarded", "accounting", "latency", "perf",
	};
	void (*const run[])(struct modes_ctx *, enum wire_mode) = {
		subtest_forwarded, subtest_accounting, subtest_latency,
		subtest_perf,
	};
	struct modes_ctx c = {};
	unsigned int m, k;
	char name[64];

	c.s = wire_test_start();
	if (!c.s)
		return;
	c.skel = xdp_fwd__open_and_load();
	if (!ASSERT_OK_PTR(c.skel, "xdp_fwd__open_and_load"))
		goto out;
	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		for (k = 0; k < ARRAY_SIZE(kinds); k++) {
			snprintf(name, sizeof(name), "%s_%s",
				 wire_mode_name(modes[m]), kinds[k]);
			if (test__stopping())
				break;
			if (test__start_subtest(name))
				run[k](&c, modes[m]);
		}
	}
	if (test__start_subtest("generator"))
		subtest_generator(&c);
	if (test__start_subtest("offload"))
		subtest_offload();
	if (test__start_subtest("dut_dev"))
		subtest_dut_dev(&c);
out:
	/* the DUT program goes with the skeleton before the cleanup check */
	xdp_fwd__destroy(c.skel);
	wire_test_end(c.s);
}
