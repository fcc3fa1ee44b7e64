// SPDX-License-Identifier: GPL-2.0
/*
 * Trials and measured points: one trial (reset, snapshot, generate, drain,
 * snapshot, read), the RFC 2544 zero-loss search, latency at fractions of
 * the zero-loss rate, the CPU trial, and their record in the results.
 */

#include "test_perf.h"
#include "results.h"
#include "wire_priv.h"

#define DRAIN_POLL_US		5000
#define DRAIN_STABLE_POLLS	3
#define DRAIN_MAX_POLLS		200
#define SEARCH_RES_QUICK	0.05
#define SEARCH_RES_FULL		0.01
#define SEARCH_MAX_STEPS	12
/* A trial that offered less than this share of its target fell short. */
#define SEARCH_SHORT		0.95
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
}

/* ---- measured points ---- */

static void point_track(struct wire_point *pt, const struct wire_trial_result *r)
{
	__s64 u = r->unaccounted < 0 ? -r->unaccounted : r->unaccounted;
	__s64 worst = pt->unaccounted < 0 ? -pt->unaccounted : pt->unaccounted;

	if (u > worst)
		pt->unaccounted = r->unaccounted;
}

/*
 * RFC 2544 throughput: the highest offered rate with loss within the
 * tolerance, by bisection between 0 and the rate the generator reached at
 * full load. The bounds move to the rates the generator really offered
 * (a paced trial can fall short of its target), and that is what is
 * recorded. A passing trial well short of its target means the generator,
 * not the DUT, is the limit: the search stops there.
 */
static int zero_loss_search(struct wire *w, unsigned int frame_size,
			    const struct wire_trial_result *full,
			    struct wire_point *pt, double *best)
{
	double lo = 0, hi = full->offered_pps, mid;
	double res = env.quick ? SEARCH_RES_QUICK : SEARCH_RES_FULL;
	struct wire_trial_result r;
	struct wire_trial_cfg cfg;
	char what[64];
	int step, err;

	*best = 0;
	if (full->loss_ratio <= wire_opts.loss_tolerance) {
		/* the DUT kept up with all the generator could offer */
		pt->gen_limited = true;
		*best = full->offered_pps;
		return 0;
	}
	for (step = 0; step < SEARCH_MAX_STEPS && hi - lo > res * hi &&
	     !test__stopping(); step++) {
		mid = (lo + hi) / 2;
		wire_trial_defaults(&cfg, frame_size, mid, wire_opts.trial_ms);
		err = wire_trial(w, &cfg, &r);
		if (err)
			return err;
		point_track(pt, &r);
		snprintf(what, sizeof(what), "search %.3f Mpps", mid / 1e6);
		wire_trial_log(what, &r);
		if (r.loss_ratio <= wire_opts.loss_tolerance) {
			if (r.offered_pps > *best)
				*best = r.offered_pps;
			lo = r.offered_pps > lo ? r.offered_pps : lo;
			if (r.offered_pps < SEARCH_SHORT * mid) {
				pt->gen_limited = true;
				break;
			}
		} else {
			hi = r.offered_pps > lo && r.offered_pps < mid ?
			     r.offered_pps : mid;
		}
	}
	return 0;
}

static int latency_points(struct wire *w, unsigned int frame_size,
			  double zero_loss, struct wire_point *pt)
{
	struct wire_trial_result r;
	struct wire_trial_cfg cfg;
	char what[64];
	int i, err, n;

	for (i = 0; i < wire_opts.nr_latency_at && !test__stopping(); i++) {
		if (zero_loss <= 0)
			return 0;
		wire_trial_defaults(&cfg, frame_size,
				    zero_loss * wire_opts.latency_at[i],
				    wire_opts.trial_ms);
		err = wire_trial(w, &cfg, &r);
		if (err)
			return err;
		point_track(pt, &r);
		snprintf(what, sizeof(what), "latency at %.0f%%",
			 100 * wire_opts.latency_at[i]);
		wire_trial_log(what, &r);
		if (!r.lat.count)
			continue;
		n = pt->lat_reps[i]++;
		pt->lat[i][0][n] = r.lat.p50;
		pt->lat[i][1][n] = r.lat.p90;
		pt->lat[i][2][n] = r.lat.p99;
		pt->lat[i][3][n] = r.lat.p999;
		pt->lat[i][4][n] = r.lat.max;
	}
	return 0;
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

static int measure_rep(struct wire *w, const struct wire_measure_cfg *mc,
		       struct wire_point *pt, int rep)
{
	struct wire_trial_result full, cpu;
	struct wire_trial_cfg cfg;
	double zero_loss;
	int err;

	wire_trial_defaults(&cfg, mc->frame_size, wire_opts.rate_pps,
			    mc->duration_ms > 0 ? mc->duration_ms :
						  wire_opts.duration_ms);
	err = wire_trial(w, &cfg, &full);
	if (err)
		return err;
	point_track(pt, &full);
	wire_trial_log("full load", &full);
	pt->mpps_max[rep] = full.delivered_pps / 1e6;
	pt->gbps_max[rep] = wire_gbps(full.delivered_pps, mc->frame_size);
	pt->offered_max[rep] = full.offered_pps / 1e6;
	pt->loss_max[rep] = 100 * full.loss_ratio;
	pt->host_ns[rep] = full.host_ns_per_pkt;
	pt->host_pct[rep] = full.host_core_pct;
	pt->gen_cpu_pct[rep] = 100 * full.gen_cpu_share;
	pt->ksoftirqd_pct[rep] = 100 * full.ksoftirqd_share;
	if (full.gen_cpu_share + full.ksoftirqd_share < GEN_CPU_SHARE_LOW)
		gen_starved_log(w, &full);
	if (mc->cpu) {
		/* a trial of its own: the stats slow every program down */
		cfg.bpf_stats = true;
		err = wire_trial(w, &cfg, &cpu);
		if (err)
			return err;
		point_track(pt, &cpu);
		wire_trial_log("cpu (bpf_stats on)", &cpu);
		pt->have_prog_stats = cpu.have_prog_stats;
		pt->prog_ns[rep] = cpu.prog_ns_per_pkt;
		pt->prog_pct[rep] = cpu.prog_core_pct;
	}
	if (!mc->search)
		return 0;
	err = zero_loss_search(w, mc->frame_size, &full, pt, &zero_loss);
	if (err)
		return err;
	pt->mpps_zero_loss[rep] = zero_loss / 1e6;
	pt->gbps_zero_loss[rep] = wire_gbps(zero_loss, mc->frame_size);
	return latency_points(w, mc->frame_size, zero_loss, pt);
}

int wire_measure(struct wire *w, const struct wire_measure_cfg *mc,
		 struct wire_point *pt)
{
	int reps = wire_reps(), rep, err;

	memset(pt, 0, sizeof(*pt));
	for (rep = 0; rep < reps && !test__stopping(); rep++) {
		err = measure_rep(w, mc, pt, rep);
		if (err)
			return err;
		pt->reps = rep + 1;
		test__progress(rep + 1, reps);
	}
	return 0;
}

void wire_metric_add(const struct point_key *key, enum metric_id metric,
		     const double *x, int n)
{
	struct sample_stats st;

	if (n >= 1 && !stats_compute(x, n, &st))
		results_add(key, metric, &st);
}

void wire_results_add(const struct wire_point *pt, const char *property,
		      long n, const char *variant, unsigned int frame_size,
		      enum wire_mode mode, bool search)
{
	static const enum metric_id lat_metrics[5] = {
		METRIC_LATENCY_P50, METRIC_LATENCY_P90, METRIC_LATENCY_P99,
		METRIC_LATENCY_P999, METRIC_LATENCY_MAX,
	};
	struct point_key key = {
		.property = property, .n = n, .variant = variant ?: "",
		.op = "", .frame_size = frame_size,
		.mode = wire_mode_name(mode),
	};
	int i, j, reps = pt->reps;
	char op[32];

	wire_metric_add(&key, METRIC_MPPS_MAX, pt->mpps_max, reps);
	wire_metric_add(&key, METRIC_GBPS_MAX, pt->gbps_max, reps);
	wire_metric_add(&key, METRIC_MPPS_OFFERED_MAX, pt->offered_max, reps);
	wire_metric_add(&key, METRIC_LOSS_PCT_MAX, pt->loss_max, reps);
	wire_metric_add(&key, METRIC_CPU_HOST_NS, pt->host_ns, reps);
	wire_metric_add(&key, METRIC_CPU_HOST_PCT, pt->host_pct, reps);
	wire_metric_add(&key, METRIC_GEN_CPU_PCT, pt->gen_cpu_pct, reps);
	wire_metric_add(&key, METRIC_KSOFTIRQD_PCT, pt->ksoftirqd_pct, reps);
	if (pt->have_prog_stats) {
		wire_metric_add(&key, METRIC_CPU_PROG_NS, pt->prog_ns, reps);
		wire_metric_add(&key, METRIC_CPU_PROG_PCT, pt->prog_pct, reps);
	}
	if (!search)
		return;
	wire_metric_add(&key, METRIC_MPPS_ZERO_LOSS, pt->mpps_zero_loss, reps);
	wire_metric_add(&key, METRIC_GBPS_ZERO_LOSS, pt->gbps_zero_loss, reps);
	for (i = 0; i < wire_opts.nr_latency_at; i++) {
		snprintf(op, sizeof(op), "load_%.0fpct",
			 100 * wire_opts.latency_at[i]);
		key.op = op;
		for (j = 0; j < 5; j++)
			wire_metric_add(&key, lat_metrics[j], pt->lat[i][j],
					pt->lat_reps[i]);
	}
}
