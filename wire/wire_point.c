// SPDX-License-Identifier: GPL-2.0
/*
 * Measured points: each repetition is a full-load trial, a CPU trial with
 * bpf_stats, the zero-loss search and the trials at fractions of its rate
 * (wire_search.c); their statistics go to the results.
 */
#include <math.h>

#include "test_perf.h"
#include "results.h"
#include "wire_priv.h"

/* Below this share of its CPU the generator was competing for it. */
#define GEN_CPU_SHARE_LOW	0.9

/*
 * At full load the generator (with the softirq work it does inline) should
 * own its CPU. If it did not: blocked (voluntary switches: typically the
 * XDP dispatcher mutex, which every BPF_PROG_TEST_RUN call with repeat > 1
 * of any other process takes for two RCU grace periods) or preempted.
 */
static void gen_starved_log(const struct wire *w,
			    const struct wire_trial_result *r)
{
	bool blocked = r->gen_vol_switches > r->gen_invol_switches;

	test__info("wire: generator %.0f%% + ksoftirqd %.0f%% of CPU %d at full load, %ld blocked / %ld preempted switches: %s; this repetition reads low",
		   100 * r->gen_cpu_share, 100 * r->ksoftirqd_share,
		   w->gen_cpus[0], r->gen_vol_switches, r->gen_invol_switches,
		   blocked ? "blocked in the kernel (another process's BPF_PROG_TEST_RUN holding the XDP dispatcher?)" :
			     "other load on that CPU");
}

static void record_full(const struct wire *w, struct wire_point *pt, int rep,
			unsigned int frame_size,
			const struct wire_trial_result *full)
{
	pt->mpps_max[rep] = full->delivered_pps / 1e6;
	pt->gbps_max[rep] = wire_gbps(full->delivered_pps, frame_size);
	pt->offered_max[rep] = full->offered_pps / 1e6;
	pt->loss_max[rep] = 100 * full->loss_ratio;
	pt->loss_dut_max[rep] = full->sent ?
				100.0 * full->drop_dut / full->sent : 0;
	pt->host_ns[rep] = full->host_ns_per_pkt;
	pt->host_pct[rep] = full->host_core_pct;
	pt->gen_cpu_pct[rep] = 100 * full->gen_cpu_share;
	pt->ksoftirqd_pct[rep] = 100 * full->ksoftirqd_share;
	pt->dut_full_ns[rep] = full->have_dut_cpu && full->dut_seen ?
			       full->dut_ns_per_pkt : NAN;
	/* in the isolated layout the generator shares its CPU with the sink */
	if (w->layout == WIRE_LAYOUT_SHARED &&
	    full->gen_cpu_share + full->ksoftirqd_share < GEN_CPU_SHARE_LOW)
		gen_starved_log(w, full);
}

static void record_dut_cpu(struct wire_point *pt,
			   const struct wire_trial_result *r)
{
	if (!r->have_dut_cpu || !r->dut_seen)
		return;
	pt->dut_ns[pt->dut_reps] = r->dut_ns_per_pkt;
	pt->dut_pct[pt->dut_reps++] = 100 * r->dut_cpu_share;
}

static int measure_search(struct wire *w, const struct wire_measure_cfg *mc,
			  struct wire_point *pt, int rep,
			  const struct wire_trial_result *full)
{
	double hint = rep > 0 && pt->mpps_zero_loss[rep - 1] > 0 ?
		      pt->mpps_zero_loss[rep - 1] * 1e6 : 0;
	double gen_pps = full->offered_pps / w->nr_gen_cpus;
	double prog_ns = pt->have_prog_stats ? pt->prog_ns[rep] : 0;
	struct wire_search_result *sr = calloc(1, sizeof(*sr));
	int err;

	if (!sr)
		return -ENOMEM;
	err = wire_search(w, mc->frame_size, full, hint, pt, sr);
	if (err)
		goto out;
	/* NaN: no rate confirmed, the repetition has no zero-loss rate */
	pt->mpps_zero_loss[rep] = sr->zero_loss_pps > 0 ?
				  sr->zero_loss_pps / 1e6 : NAN;
	pt->gbps_zero_loss[rep] = sr->zero_loss_pps > 0 ?
				  wire_gbps(sr->zero_loss_pps, mc->frame_size) :
				  NAN;
	pt->gen_limited[rep] = sr->gen_limited;
	pt->gen_limited_any |= sr->gen_limited;
	if (mc->loads && sr->zero_loss_pps > 0)
		err = wire_load_points(w, mc->frame_size, sr->zero_loss_pps,
				       gen_pps, prog_ns, pt);
	if (err || !sr->confirmed)
		goto out;
	/* the confirming trial is the point at 100% of the zero-loss rate */
	if (mc->loads)
		wire_load_record(pt, wire_opts.nr_latency_at, 1.0,
				 &sr->confirm_cfg, &sr->confirm, gen_pps,
				 prog_ns);
	record_dut_cpu(pt, &sr->confirm);
out:
	free(sr);
	return err;
}

static int measure_rep(struct wire *w, const struct wire_measure_cfg *mc,
		       struct wire_point *pt, int rep)
{
	struct wire_trial_result full, cpu;
	struct wire_trial_cfg cfg;
	int err;

	wire_trial_defaults(&cfg, mc->frame_size, wire_opts.rate_pps,
			    mc->duration_ms > 0 ? mc->duration_ms :
						  wire_opts.duration_ms);
	err = wire_trial(w, &cfg, &full);
	if (err)
		return err;
	wire_point_track(pt, &full);
	wire_trial_log("full load", &full);
	record_full(w, pt, rep, mc->frame_size, &full);
	if (mc->cpu) {
		/* a trial of its own: the stats slow every program down */
		cfg.bpf_stats = true;
		err = wire_trial(w, &cfg, &cpu);
		if (err)
			return err;
		wire_point_track(pt, &cpu);
		wire_trial_log("cpu (bpf_stats on)", &cpu);
		pt->have_prog_stats = cpu.have_prog_stats;
		pt->prog_ns[rep] = cpu.prog_ns_per_pkt;
		pt->prog_pct[rep] = cpu.prog_core_pct;
	}
	if (!mc->search) {
		/* the DUT saturated: its CPU per packet at full load */
		record_dut_cpu(pt, &full);
		return 0;
	}
	return measure_search(w, mc, pt, rep, &full);
}

void wire_point_init(struct wire_point *pt, const struct wire_measure_cfg *mc)
{
	memset(pt, 0, sizeof(*pt));
	pt->nr_loads = !mc->search ? 0 : mc->loads ?
		       wire_opts.nr_latency_at + 1 : 0;
}

int wire_measure_rep(struct wire *w, const struct wire_measure_cfg *mc,
		     struct wire_point *pt)
{
	int err;

	if (pt->reps >= WIRE_MAX_REPS)
		return -E2BIG;
	pt->sender = w->sender;
	err = measure_rep(w, mc, pt, pt->reps);
	if (!err)
		pt->reps++;
	return err;
}

int wire_measure(struct wire *w, const struct wire_measure_cfg *mc,
		 struct wire_point *pt)
{
	int reps = wire_reps(), err;

	wire_point_init(pt, mc);
	while (pt->reps < reps && !test__stopping()) {
		err = wire_measure_rep(w, mc, pt);
		if (err)
			return err;
		test__progress(pt->reps, reps);
	}
	return 0;
}

void wire_metric_add(const struct point_id *key, enum metric_id metric,
		     const double *x, int n)
{
	struct sample_stats st;
	double v[WIRE_MAX_REPS];
	int i, m = 0;

	/* NaN: not measured in that repetition */
	for (i = 0; i < n && m < WIRE_MAX_REPS; i++)
		if (x[i] == x[i])
			v[m++] = x[i];
	if (m >= 1 && !stats_compute(v, m, &st))
		results_add(key, metric, &st);
}

static void results_load(struct point_id *key, const struct wire_load *l)
{
	static const enum metric_id lat_metrics[5] = {
		METRIC_LATENCY_P50, METRIC_LATENCY_P90, METRIC_LATENCY_P99,
		METRIC_LATENCY_P999, METRIC_LATENCY_MAX,
	};
	const char *prog_op = key->op;
	char op[32];
	int j;

	/* at a load, op says which: the program's op is the point's */
	snprintf(op, sizeof(op), "load_%.0fpct", 100 * l->frac);
	key->op = op;
	for (j = 0; j < 5; j++)
		wire_metric_add(key, lat_metrics[j], l->lat[j], l->reps);
	wire_metric_add(key, METRIC_LATENCY_BATCH_NS, l->batch_ns, l->reps);
	wire_metric_add(key, METRIC_MPPS_OFFERED, l->offered, l->reps);
	wire_metric_add(key, METRIC_DUT_CPU_PCT, l->dut_pct, l->reps);
	wire_metric_add(key, METRIC_CPU_PROG_PCT, l->prog_pct, l->reps);
	key->op = prog_op;
}

void wire_results_add(const struct wire_point *pt, const char *property,
		      long n, const char *variant, const char *op,
		      unsigned int frame_size, enum wire_mode mode, bool search)
{
	struct point_id key = {
		.property = property, .n = n, .variant = variant ?: "",
		.op = op ?: "", .frame_size = frame_size,
		.mode = wire_mode_name(mode),
	};
	double wire_ns[WIRE_MAX_REPS], sender[WIRE_MAX_REPS];
	int i, reps = pt->reps;

	wire_metric_add(&key, METRIC_MPPS_MAX, pt->mpps_max, reps);
	wire_metric_add(&key, METRIC_GBPS_MAX, pt->gbps_max, reps);
	wire_metric_add(&key, METRIC_MPPS_OFFERED_MAX, pt->offered_max, reps);
	wire_metric_add(&key, METRIC_LOSS_PCT_MAX, pt->loss_max, reps);
	wire_metric_add(&key, METRIC_LOSS_DUT_PCT_MAX, pt->loss_dut_max, reps);
	wire_metric_add(&key, METRIC_CPU_HOST_NS, pt->host_ns, reps);
	wire_metric_add(&key, METRIC_CPU_HOST_PCT, pt->host_pct, reps);
	wire_metric_add(&key, METRIC_GEN_CPU_PCT, pt->gen_cpu_pct, reps);
	wire_metric_add(&key, METRIC_KSOFTIRQD_PCT, pt->ksoftirqd_pct, reps);
	for (i = 0; i < reps; i++)
		sender[i] = wire_sender_metric(pt->sender);
	wire_metric_add(&key, METRIC_GEN_SENDER, sender, reps);
	wire_metric_add(&key, METRIC_CPU_DUT_NS, pt->dut_ns, pt->dut_reps);
	wire_metric_add(&key, METRIC_DUT_CPU_PCT, pt->dut_pct, pt->dut_reps);
	if (pt->have_prog_stats) {
		wire_metric_add(&key, METRIC_CPU_PROG_NS, pt->prog_ns, reps);
		wire_metric_add(&key, METRIC_CPU_PROG_PCT, pt->prog_pct, reps);
	}
	if (!search)
		return;
	wire_metric_add(&key, METRIC_MPPS_ZERO_LOSS, pt->mpps_zero_loss, reps);
	wire_metric_add(&key, METRIC_GBPS_ZERO_LOSS, pt->gbps_zero_loss, reps);
	wire_metric_add(&key, METRIC_GENERATOR_LIMITED, pt->gen_limited, reps);
	for (i = 0; i < reps; i++)
		wire_ns[i] = pt->mpps_zero_loss[i] > 0 ?
			     1e3 / pt->mpps_zero_loss[i] : NAN;
	wire_metric_add(&key, METRIC_WIRE_NS, wire_ns, reps);
	for (i = 0; i < pt->nr_loads; i++)
		results_load(&key, &pt->load[i]);
}
