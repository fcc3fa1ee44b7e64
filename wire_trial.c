// SPDX-License-Identifier: GPL-2.0
/*
 * Trials and measured points: one trial (reset, snapshot, generate, drain,
 * snapshot, read), the RFC 2544 zero-loss search, latency at fractions of
 * the zero-loss rate, the CPU trial, and their record in the results.
 */

#include <math.h>

#include "test_perf.h"
#include "results.h"
#include "wire_priv.h"

#define DRAIN_POLL_US		2000
#define DRAIN_STABLE_POLLS	4
#define DRAIN_MAX_POLLS		500
/* Below this share of its CPU the generator was competing for it. */
#define GEN_CPU_SHARE_LOW	0.9

/* ---- one trial ---- */

/*
 * After the generator stopped, frames may still sit in veth rings or wait
 * for a NAPI run: poll until the sink count stops moving.
 */
static void drain(const struct wire *w)
{
	struct wire_sink_stats s;
	__u64 last = ~0ULL;
	int stable = 0, i;

	for (i = 0; i < DRAIN_MAX_POLLS && stable < DRAIN_STABLE_POLLS; i++) {
		usleep(DRAIN_POLL_US);
		if (wire_counters_sink(w, &s))
			return;
		stable = s.pkts == last ? stable + 1 : 0;
		last = s.pkts;
	}
}

void wire_trial_defaults(struct wire_trial_cfg *cfg, unsigned int frame_size,
			 double rate_pps, double duration_ms)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->frame_size = frame_size;
	cfg->rate_pps = rate_pps;
	cfg->duration_ms = duration_ms;
	cfg->threads = wire_opts.gen_threads;
	cfg->batch = wire_opts.gen_batch;
}

int wire_trial(struct wire *w, const struct wire_trial_cfg *cfg,
	       struct wire_trial_result *r)
{
	__u8 pkt[PKT_BUF_LEN(PKT_MAX_FRAME)];
	struct wire_snap *a = NULL, *b = NULL;
	struct wire_sink_stats sink;
	int err, stats_fd = -1;
	bool stats_sysctl = false;
	double elapsed = 0;
	__u64 short_frames;
	__u32 len;

	memset(r, 0, sizeof(*r));
	err = wire_traffic_frame(w, cfg->frame_size, pkt, &len);
	if (err)
		return err;
	a = calloc(1, sizeof(*a));
	b = calloc(1, sizeof(*b));
	if (!a || !b) {
		err = -ENOMEM;
		goto out;
	}
	w->gen_cfg.ts_offset_ns = cfg->ts_offset_ns;
	wire_traffic_pace(w, cfg);
	err = wire_traffic_config(w);
	if (!err)
		err = wire_counters_reset(w, cfg->capture);
	if (err)
		goto out;
	if (cfg->bpf_stats) {
		err = wire_counters_stats_on(&stats_fd, &stats_sysctl);
		if (err)
			goto out;
	}
	wire_counters_snap(w, a);
	err = wire_traffic_run(w, cfg, pkt, len, &elapsed, r);
	drain(w);
	wire_counters_snap(w, b);
	wire_counters_stats_off(stats_fd, stats_sysctl);
	if (err)
		goto out;
	wire_counters_gen(w, &r->sent, &short_frames);
	err = wire_counters_sink(w, &sink);
	if (err)
		goto out;
	r->received = sink.pkts;
	r->stamped = sink.stamped;
	r->foreign = sink.foreign;
	r->bad_stream = sink.bad_stream;
	r->clock_neg = sink.clock_neg;
	wire_counters_sequences(w, &r->seq_lost, &r->reordered);
	wire_counters_compute(w, a, b, elapsed, r);
	err = wire_counters_latency(w, &sink, &r->lat);
	if (cfg->capture)
		wire_counters_capture(w, r);
out:
	free(a);
	free(b);
	return err;
}

void wire_trial_log(const char *what, const struct wire_trial_result *r)
{
	int i;

	for (i = FWD_TX + 1; i < FWD_REASON_MAX; i++)
		if (r->dut_reason[i])
			test__info("wire %s: DUT passed %llu frames for reason %d (enum fwd_reason)",
				   what, (unsigned long long)r->dut_reason[i], i);
	test__info("wire %s: %.3f s (cpu gen %.0f%% ksoftirqd %.0f%%) sent %llu (%.3f Mpps) received %llu (%.3f Mpps) loss %.4f%% | dut fwd %llu pass %llu | drops xmit %llu redirect %llu exception %llu skb %llu rx %llu | unaccounted %lld | seq lost %llu reordered %llu | lat n %llu p50 %.0f p99 %.0f max %.0f ns",
		   what, r->elapsed_s, 100 * r->gen_cpu_share,
		   100 * r->ksoftirqd_share,
		   (unsigned long long)r->sent,
		   r->offered_pps / 1e6, (unsigned long long)r->received,
		   r->delivered_pps / 1e6, 100 * r->loss_ratio,
		   (unsigned long long)r->dut_forwarded,
		   (unsigned long long)r->dut_passed,
		   (unsigned long long)r->drop_xmit,
		   (unsigned long long)r->drop_redirect,
		   (unsigned long long)r->drop_exception,
		   (unsigned long long)r->drop_skb,
		   (unsigned long long)r->drop_rx, (long long)r->unaccounted,
		   (unsigned long long)r->seq_lost,
		   (unsigned long long)r->reordered,
		   (unsigned long long)r->lat.count, r->lat.p50, r->lat.p99,
		   r->lat.max);
	if (r->have_dut_cpu)
		test__info("wire %s: DUT CPU %.1f%% (%.1f ns/frame; /proc/stat %.0f%%) | drops at the DUT %llu, after it %llu",
			   what, 100 * r->dut_cpu_share, r->dut_ns_per_pkt,
			   100 * r->dut_cpu_busy_share,
			   (unsigned long long)r->drop_dut,
			   (unsigned long long)r->drop_sink);
}

/* ---- measured points ---- */

void wire_point_track(struct wire_point *pt, const struct wire_trial_result *r)
{
	__s64 u = r->unaccounted < 0 ? -r->unaccounted : r->unaccounted;
	__s64 worst = pt->unaccounted < 0 ? -pt->unaccounted : pt->unaccounted;

	if (u > worst)
		pt->unaccounted = r->unaccounted;
}

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

void wire_metric_add(const struct point_key *key, enum metric_id metric,
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

static void results_load(struct point_key *key, const struct wire_load *l)
{
	static const enum metric_id lat_metrics[5] = {
		METRIC_LATENCY_P50, METRIC_LATENCY_P90, METRIC_LATENCY_P99,
		METRIC_LATENCY_P999, METRIC_LATENCY_MAX,
	};
	char op[32];
	int j;

	snprintf(op, sizeof(op), "load_%.0fpct", 100 * l->frac);
	key->op = op;
	for (j = 0; j < 5; j++)
		wire_metric_add(key, lat_metrics[j], l->lat[j], l->reps);
	wire_metric_add(key, METRIC_LATENCY_BATCH_NS, l->batch_ns, l->reps);
	wire_metric_add(key, METRIC_MPPS_OFFERED, l->offered, l->reps);
	wire_metric_add(key, METRIC_DUT_CPU_PCT, l->dut_pct, l->reps);
	wire_metric_add(key, METRIC_CPU_PROG_PCT, l->prog_pct, l->reps);
	key->op = "";
}

void wire_results_add(const struct wire_point *pt, const char *property,
		      long n, const char *variant, unsigned int frame_size,
		      enum wire_mode mode, bool search)
{
	struct point_key key = {
		.property = property, .n = n, .variant = variant ?: "",
		.op = "", .frame_size = frame_size,
		.mode = wire_mode_name(mode),
	};
	double wire_ns[WIRE_MAX_REPS];
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
