// SPDX-License-Identifier: GPL-2.0
/*
 * RFC 2544 throughput (§26.1: the highest offered rate at which the DUT
 * loses nothing) by binary search with a final confirming trial, and the
 * trials at fractions of the rate found: latency and DUT CPU against
 * offered load.
 */
#include <math.h>

#include "test_perf.h"
#include "wire_priv.h"

#define SEARCH_RES_QUICK	0.05
#define SEARCH_RES_FULL		0.02
/* Trials of the bisection (and of the probes before it). */
#define SEARCH_MAX_TRIALS	12
/* Confirmations; a lost one reopens the search below it. */
#define SEARCH_CONFIRMS		3
/* Trials of each reopened search. */
#define SEARCH_REOPEN_TRIALS	4
#define SEARCH_MAX_PASSED	(SEARCH_MAX_TRIALS + \
				 SEARCH_CONFIRMS * (SEARCH_REOPEN_TRIALS + 1))
/* A passing trial that offered less than this share of its target fell short. */
#define SEARCH_SHORT		0.9

struct search {
	struct wire *w;
	struct wire_point *pt;
	unsigned int frame_size;
	double res;		/* stop when hi - lo <= res * hi */
	double lo, hi;		/* offered rates: lo passed (or 0), hi lost */
	double passed[SEARCH_MAX_PASSED];	/* every rate that passed */
	int nr_passed, trials, max_trials;
	bool short_of_target;	/* the generator could not offer a target */
};

static bool trial_passed(const struct wire_trial_result *r)
{
	return r->sent && r->loss_ratio <= wire_opts.loss_tolerance;
}

static int search_trial(struct search *s, double target, const char *kind,
			struct wire_trial_result *r)
{
	struct wire_trial_cfg cfg;
	char what[80];
	int err;

	wire_trial_defaults(&cfg, s->frame_size, target,
			    wire_trial_ms(target, wire_opts.trial_ms));
	err = wire_trial(s->w, &cfg, r);
	if (err)
		return err;
	s->trials++;
	wire_point_track(s->pt, r);
	snprintf(what, sizeof(what), "%s %.3f Mpps", kind, target / 1e6);
	wire_trial_log(what, r);
	if (trial_passed(r)) {
		if (s->nr_passed < SEARCH_MAX_PASSED)
			s->passed[s->nr_passed++] = r->offered_pps;
		if (r->offered_pps > s->lo)
			s->lo = r->offered_pps;
		/* passed above a rate that lost: that loss was a fluke */
		if (s->lo >= s->hi)
			s->hi = s->lo * (1 + s->res);
		if (r->offered_pps < SEARCH_SHORT * target)
			s->short_of_target = true;
	} else {
		/* the bound moves to what was really offered */
		s->hi = r->offered_pps > s->lo && r->offered_pps < target ?
			r->offered_pps : target < s->hi ? target : s->hi;
	}
	return 0;
}

/* The highest rate that passed below hi, 0 if none. */
static double best_below_hi(const struct search *s)
{
	double best = 0;
	int i;

	for (i = 0; i < s->nr_passed; i++)
		if (s->passed[i] < s->hi && s->passed[i] > best)
			best = s->passed[i];
	return best;
}

static bool search_more(const struct search *s)
{
	return s->trials < s->max_trials && !s->short_of_target &&
	       !test__stopping();
}

static int bisect(struct search *s)
{
	struct wire_trial_result r;
	int err;

	while (s->hi - s->lo > s->res * s->hi && search_more(s)) {
		err = search_trial(s, (s->lo + s->hi) / 2, "search", &r);
		if (err)
			return err;
	}
	return 0;
}

/*
 * Where the program can keep up: a previous repetition's rate, or what
 * the DUT forwarded at full load. Probe just above and just below it; the
 * bisection then starts from an interval of 2 * res, or below the probe
 * (not from the generator's rate: for a program that costs tens of
 * microseconds a frame that is a hundred times too high).
 */
static int probe_hint(struct search *s, double hint)
{
	struct wire_trial_result r;
	int err;

	if (hint <= 0 || hint * (1 + s->res) >= s->hi)
		return 0;
	err = search_trial(s, hint * (1 + s->res), "probe", &r);
	if (err || trial_passed(&r) || !search_more(s))
		return err;
	return search_trial(s, hint * (1 - s->res), "probe", &r);
}

int wire_search(struct wire *w, unsigned int frame_size,
		const struct wire_trial_result *full, double hint,
		struct wire_point *pt, struct wire_search_result *out)
{
	struct search s = {
		.w = w, .pt = pt, .frame_size = frame_size,
		.res = env.quick ? SEARCH_RES_QUICK : SEARCH_RES_FULL,
		.hi = full->offered_pps, .max_trials = SEARCH_MAX_TRIALS,
	};
	double rate;
	int err, i;

	memset(out, 0, sizeof(*out));
	if (trial_passed(full)) {
		/* the DUT kept up with all the generator could offer */
		out->gen_limited = true;
		out->zero_loss_pps = full->offered_pps;
		out->confirm = *full;
		wire_trial_defaults(&out->confirm_cfg, frame_size, 0,
				    full->elapsed_s * 1e3);
		out->confirmed = true;
		return 0;
	}
	if (hint <= 0)
		hint = full->delivered_pps;
	err = probe_hint(&s, hint);
	if (!err)
		err = bisect(&s);
	/*
	 * The final trial at the rate found, RFC 2544's confirmation. Loss
	 * near the limit comes and goes (a stall of the DUT's CPU longer
	 * than its ring lasts), so a pass can be a fluke: a lost
	 * confirmation is the new upper bound, and the search reopens
	 * between it and the highest rate that passed below it (or 0), a
	 * few trials at a time.
	 */
	for (i = 0; !err && i < SEARCH_CONFIRMS && !s.short_of_target &&
	     !test__stopping(); i++) {
		rate = s.lo;
		if (rate <= 0)
			break;
		wire_trial_defaults(&out->confirm_cfg, frame_size, rate,
				    wire_trial_ms(rate, wire_opts.trial_ms));
		err = search_trial(&s, rate, "confirm", &out->confirm);
		out->confirmed = !err && trial_passed(&out->confirm);
		if (err || out->confirmed)
			break;
		s.lo = best_below_hi(&s);
		s.max_trials = s.trials + SEARCH_REOPEN_TRIALS;
		err = bisect(&s);
	}
	if (err)
		return err;
	out->gen_limited = s.short_of_target;
	/* short of target: what was offered without loss is a lower bound */
	out->zero_loss_pps = out->confirmed ? out->confirm.offered_pps :
			     s.short_of_target ? best_below_hi(&s) : 0;
	out->trials = s.trials;
	if (!out->confirmed && !s.short_of_target)
		test__info("wire: no zero-loss rate confirmed after %d trials: repetition not counted",
			   s.trials);
	return 0;
}

/*
 * A frame waits in the generator until its batch is flushed to the DUT:
 * half a batch of frame spacing on average (the pacing interval, or the
 * generator's own time per frame when it runs flat out). An estimate: a
 * DUT already polling takes frames in bulks of 16 before the flush.
 */
static double batch_share_ns(const struct wire_trial_cfg *cfg, double gen_pps)
{
	double rate = cfg->rate_pps / (cfg->threads > 0 ? cfg->threads : 1);
	double spacing = rate > 0 ? NS_PER_S / rate : 0;
	__u32 batch = wire_pace_batch(cfg, rate);

	if (gen_pps > 0 && NS_PER_S / gen_pps > spacing)
		spacing = NS_PER_S / gen_pps;
	return (batch - 1) / 2.0 * spacing;
}

void wire_load_record(struct wire_point *pt, int i, double frac,
		      const struct wire_trial_cfg *cfg,
		      const struct wire_trial_result *r, double gen_pps,
		      double prog_ns)
{
	struct wire_load *l = &pt->load[i];
	int n;

	l->frac = frac;
	if (!r->lat.count || l->reps >= WIRE_MAX_REPS)
		return;
	n = l->reps++;
	l->lat[0][n] = r->lat.p50;
	l->lat[1][n] = r->lat.p90;
	l->lat[2][n] = r->lat.p99;
	l->lat[3][n] = r->lat.p999;
	l->lat[4][n] = r->lat.max;
	l->offered[n] = r->offered_pps / 1e6;
	l->dut_pct[n] = r->have_dut_cpu ? 100 * r->dut_cpu_share : NAN;
	l->batch_ns[n] = batch_share_ns(cfg, gen_pps);
	l->prog_pct[n] = prog_ns > 0 ? 100 * prog_ns * r->offered_pps /
				       NS_PER_S : NAN;
}

int wire_load_points(struct wire *w, unsigned int frame_size,
		     double zero_loss, double gen_pps, double prog_ns,
		     struct wire_point *pt)
{
	struct wire_trial_result r;
	struct wire_trial_cfg cfg;
	char what[64];
	int i, err;

	for (i = 0; i < wire_opts.nr_latency_at && !test__stopping(); i++) {
		if (zero_loss <= 0)
			return 0;
		wire_trial_defaults(&cfg, frame_size,
				    zero_loss * wire_opts.latency_at[i],
				    wire_trial_ms(zero_loss *
						  wire_opts.latency_at[i],
						  wire_opts.trial_ms));
		err = wire_trial(w, &cfg, &r);
		if (err)
			return err;
		wire_point_track(pt, &r);
		snprintf(what, sizeof(what), "load %.0f%%",
			 100 * wire_opts.latency_at[i]);
		wire_trial_log(what, &r);
		wire_load_record(pt, i, wire_opts.latency_at[i], &cfg, &r,
				 gen_pps, prog_ns);
	}
	return 0;
}

/* ---- generator efficiency ---- */

static int gen_rate(struct wire *w, unsigned int frame_size, double ms,
		    bool bare, double *pps)
{
	struct wire_trial_result r;
	struct wire_trial_cfg cfg;
	bool live;
	int err;

	wire_trial_defaults(&cfg, frame_size, 0, ms);
	cfg.bare = bare;
	/* live frames: the bare loop is a program of its own */
	live = w->sender == WIRE_SENDER_LIVE;
	err = live ? wire_traffic_use(w, bare) : 0;
	if (!err)
		err = wire_trial(w, &cfg, &r);
	if (bare && live)
		err = wire_traffic_use(w, false) ?: err;
	if (err)
		return err;
	wire_trial_log(bare ? "bare loop" : "generator", &r);
	*pps = r.elapsed_s > 0 ? r.gen_frames / r.elapsed_s : 0;
	return 0;
}

int wire_gen_compare(struct wire *w, unsigned int frame_size,
		     double duration_ms, double *gen_pps, double *bare_pps)
{
	struct bpf_program *drop;
	char why[256];
	int err;

	drop = bpf_object__find_program_by_name(w->sink_obj, "xdp_wire_drop");
	if (!drop)
		return -ENOENT;
	err = wire_dut_attach(w, w->sink_obj, drop, WIRE_MODE_NATIVE, why,
			      sizeof(why));
	if (err) {
		test__log("%s", why);
		return err < 0 ? err : -EOPNOTSUPP;
	}
	/*
	 * The drop runs in softirq on the generator's CPU, after each batch
	 * (the shared layout): on a CPU of its own it refuses frames when
	 * the bare loop outruns it, and a refused frame costs the sender
	 * less than a delivered one, which would flatter the bare loop.
	 */
	err = wire_dut_unthread(w);
	if (err) {
		wire_dut_detach(w);
		return err;
	}
	err = gen_rate(w, frame_size, duration_ms, false, gen_pps);
	if (!err)
		err = gen_rate(w, frame_size, duration_ms, true, bare_pps);
	wire_dut_detach(w);
	return err;
}
