// SPDX-License-Identifier: GPL-2.0
/*
 * One trial: reset the per-trial maps, snapshot the counters, run the
 * generator, drain, snapshot again, read what the trial counted.
 */
#include "test_perf.h"
#include "wire_priv.h"

#define DRAIN_POLL_US		2000
#define DRAIN_STABLE_POLLS	4
#define DRAIN_MAX_POLLS		500

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

bool wire_trial_ring_loss_only(const struct wire_trial_result *r)
{
	return r->received < r->sent && r->unaccounted == 0 &&
	       r->dut_forwarded == r->dut_seen && !r->dut_passed &&
	       !r->drop_exception && !r->drop_redirect;
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

/* Keep the worst unaccounted count of a point's trials. */
void wire_point_track(struct wire_point *pt, const struct wire_trial_result *r)
{
	__s64 u = r->unaccounted < 0 ? -r->unaccounted : r->unaccounted;
	__s64 worst = pt->unaccounted < 0 ? -pt->unaccounted : pt->unaccounted;

	if (u > worst)
		pt->unaccounted = r->unaccounted;
}
