// SPDX-License-Identifier: GPL-2.0
/*
 * One trial: reset the per-trial maps, snapshot the counters, run the
 * generator, drain, snapshot again, read what the trial counted. How long
 * a trial runs and drains follows the DUT's cost (wire_dut_cost()).
 */
#define _GNU_SOURCE
#include <sched.h>

#include "test_perf.h"
#include "util.h"
#include "wire_priv.h"

#define DRAIN_POLL_US		2000
/* The sink count stands still this long (at least) when the wire is empty. */
#define DRAIN_STABLE_NS		8e6
/* ... and for this many of the DUT's frame times, for a slow program. */
#define DRAIN_STABLE_FRAMES	16
/*
 * Drains until every frame is accounted for, each twice as patient as the
 * one before: a DUT vCPU stalled while its ring still holds frames.
 */
#define DRAIN_ROUNDS		5
/* A trial sends at least this many frames where its length allows. */
#define TRIAL_MIN_FRAMES	(4 * WIRE_RING_FRAMES)
#define TRIAL_MAX_STRETCH	10

/*
 * After the generator stopped, frames may still sit in veth rings or wait
 * for a NAPI run: poll until the sink count has not moved for stable_ns,
 * at most a second or two full rings of the DUT's frame time.
 */
static void drain(const struct wire *w, double stable_ns)
{
	double cost = w->dut_attached ? w->dut.cost_ns + WIRE_PATH_NS : 0;
	double start = mono_ns(), still = 0, max = 2 * WIRE_RING_FRAMES * cost;
	struct wire_sink_stats s;
	__u64 last = ~0ULL;

	if (max < NS_PER_S)
		max = NS_PER_S;
	if (stable_ns < DRAIN_STABLE_FRAMES * cost)
		stable_ns = DRAIN_STABLE_FRAMES * cost;
	while (mono_ns() - start < max) {
		usleep(DRAIN_POLL_US);
		if (wire_counters_sink(w, &s))
			return;
		if (s.pkts != last) {
			last = s.pkts;
			still = mono_ns();
		} else if (mono_ns() - still >= stable_ns) {
			return;
		}
	}
}

double wire_trial_ms(double rate_pps, double ms)
{
	double need = rate_pps > 0 ? 1e3 * TRIAL_MIN_FRAMES / rate_pps : 0;

	if (need > TRIAL_MAX_STRETCH * ms)
		need = TRIAL_MAX_STRETCH * ms;
	return need > ms ? need : ms;
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

/* What the trial counted, from the run's figures in r and snapshot a. */
static int trial_collect(const struct wire *w, const struct wire_trial_cfg *cfg,
			 const struct wire_snap *a, const struct wire_snap *stop,
			 struct wire_snap *b, double elapsed,
			 struct wire_trial_result *r)
{
	struct wire_sink_stats sink;
	int err;

	wire_counters_snap(w, b);
	err = wire_counters_sink(w, &sink);
	if (err)
		return err;
	r->received = sink.pkts;
	r->stamped = sink.stamped;
	r->foreign = sink.foreign;
	r->bad_stream = sink.bad_stream;
	r->clock_neg = sink.clock_neg;
	wire_counters_sequences(w, &r->seq_lost, &r->reordered);
	wire_counters_compute(w, a, stop, b, elapsed, r);
	err = wire_counters_latency(w, &sink, &r->lat);
	if (cfg->capture)
		wire_counters_capture(w, r);
	return err;
}

/*
 * The calling thread onto the generator's CPUs for a trial, *saved its
 * CPUs before. The process is pinned to the measuring CPU, which in the
 * isolated layout is the DUT's: there, behind the DUT's SCHED_FIFO
 * kthread, it would not even see the generator stop before a slow DUT
 * had drained its ring, and it would steal the DUT's time as it polls.
 */
static bool trial_pin(const struct wire *w, cpu_set_t *saved)
{
	cpu_set_t set;
	int i;

	if (w->layout != WIRE_LAYOUT_ISOLATED ||
	    sched_getaffinity(0, sizeof(*saved), saved))
		return false;
	CPU_ZERO(&set);
	for (i = 0; i < w->nr_gen_cpus; i++)
		CPU_SET(w->gen_cpus[i], &set);
	return !sched_setaffinity(0, sizeof(set), &set);
}

/*
 * Run the generator, then drain and count until every frame is accounted
 * for (or the last drain gave up: frames vanished, the trial says how
 * many).
 */
static int trial_run(struct wire *w, const struct wire_trial_cfg *cfg,
		     const __u8 *pkt, __u32 len, struct wire_snap *snaps,
		     struct wire_trial_result *r)
{
	struct wire_snap *a = &snaps[0], *stop = &snaps[1], *b = &snaps[2];
	double elapsed = 0, stable = DRAIN_STABLE_NS;
	struct wire_trial_result run;
	bool pinned;
	cpu_set_t cpus;
	int err, i;

	pinned = trial_pin(w, &cpus);
	wire_counters_snap(w, a);
	err = wire_traffic_run(w, cfg, pkt, len, &elapsed, r);
	wire_counters_stop(w, stop);
	run = *r;
	for (i = 0; !err && i < DRAIN_ROUNDS; i++, stable *= 2) {
		drain(w, stable);
		*r = run;
		err = trial_collect(w, cfg, a, stop, b, elapsed, r);
		/* a DUT without verdict counters (a bare drop) accounts nothing */
		if (r->unaccounted <= 0 || !r->have_dut_counts)
			break;
	}
	if (pinned)
		sched_setaffinity(0, sizeof(cpus), &cpus);
	return err;
}

int wire_trial(struct wire *w, const struct wire_trial_cfg *cfg,
	       struct wire_trial_result *r)
{
	__u8 pkt[PKT_BUF_LEN(PKT_MAX_FRAME)];
	struct wire_snap *snaps;
	int err, stats_fd = -1;
	bool stats_sysctl = false;
	__u32 len;

	memset(r, 0, sizeof(*r));
	err = wire_traffic_frame(w, cfg->frame_size, pkt, &len);
	if (err)
		return err;
	/* before, when the generator stopped, after the drain */
	snaps = calloc(3, sizeof(*snaps));
	if (!snaps)
		return -ENOMEM;
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
	err = trial_run(w, cfg, pkt, len, snaps, r);
	wire_counters_stats_off(stats_fd, stats_sysctl);
out:
	free(snaps);
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

/* Keep the worst unaccounted count of a point's trials. */
void wire_point_track(struct wire_point *pt, const struct wire_trial_result *r)
{
	__s64 u = r->unaccounted < 0 ? -r->unaccounted : r->unaccounted;
	__s64 worst = pt->unaccounted < 0 ? -pt->unaccounted : pt->unaccounted;

	if (u > worst)
		pt->unaccounted = r->unaccounted;
}
