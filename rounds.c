// SPDX-License-Identifier: GPL-2.0
/*
 * The round scheduler (see rounds.h).
 *
 * Why rounds: the loops of one point taken back to back, after one load
 * and one calibration, all see the same burst of load from a neighbour
 * and the same JIT image; their CI is narrow around whatever that moment
 * and that load gave. Spreading the repetitions over the test as rounds,
 * each with a fresh load, in an order drawn again every round, turns both
 * into variation the CI covers, and a burst then hits one round of every
 * point instead of every repetition of one point. Measuring the base
 * forwarder in every round (the reference) shows the host's drift, flags
 * the rounds it moved in and gives rel_ref, a ratio that cancels what
 * moves the reference and the point alike.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <math.h>

#include "test_perf.h"
#include "results.h"
#include "rounds.h"
#include "runner.h"
#include "stats.h"
#include "util.h"

/* a reference round is "moved" beyond this robust z, and this fraction */
#define REF_MOVED_Z	3.5
#define REF_MOVED_MIN	0.01
/* marks: a trend or a gap must also be this large relative to the median */
#define MARK_MIN_REL	0.01
#define DRIFT_P		0.01
#define BIMODAL_GAP_SD	3.0

/* The profile's, from the option table; *_given: the user's. */
static int opt_rounds, opt_loops;
static bool rounds_given, loops_given, opt_no_reload;

int rounds_profile_rounds(void)
{
	return opt_rounds;
}

int rounds_profile_loops(void)
{
	return opt_loops;
}

/* Seconds since the first round of the run (the drift plot's x axis). */
static double rounds_now(void)
{
	static double t0 = -1;

	if (t0 < 0)
		t0 = mono_s();
	return mono_s() - t0;
}

/* ---- order ---- */

static __u64 splitmix64(__u64 *s)
{
	__u64 z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Fisher-Yates: idx[0..n-1] in a random order of the set's sequence. */
static void shuffle(int *idx, int n, __u64 *state)
{
	for (int i = 0; i < n; i++)
		idx[i] = i;
	for (int i = n - 1; i > 0; i--) {
		int j = splitmix64(state) % (i + 1), t = idx[i];

		idx[i] = idx[j];
		idx[j] = t;
	}
}

/* FNV-1a: a test's own seed, so that tests do not share one order. */
static unsigned int name_hash(const char *s)
{
	unsigned int h = 2166136261u;

	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 16777619u;
	return h;
}

/* ---- the set ---- */

int rounds_init(struct round_set *rs)
{
	return rounds_init_with(rs, 0, 0);
}

int rounds_init_with(struct round_set *rs, int rounds, int loops)
{
	char v[32];

	memset(rs, 0, sizeof(*rs));
	rs->rounds = rounds && !rounds_given ? rounds : opt_rounds;
	rs->loops = loops && !loops_given ? loops : opt_loops;
	rs->keep_loaded = opt_no_reload;
	rs->seed = env.seed ^ name_hash(env.test_name);
	rs->ref_moved = calloc(rs->rounds, sizeof(*rs->ref_moved));
	snprintf(v, sizeof(v), "%d", rs->rounds);
	results_profile_add("rounds", v);
	snprintf(v, sizeof(v), "%d", rs->loops);
	results_profile_add("loops", v);
	results_profile_add("reload", opt_no_reload ? "false" : "true");
	return rs->ref_moved ? 0 : -ENOMEM;
}

static int alloc_series(struct round_series *s, int rounds)
{
	memset(s, 0, sizeof(*s));
	s->ns = calloc(rounds, sizeof(double));
	s->mpps = calloc(rounds, sizeof(double));
	s->within_var = calloc(rounds, sizeof(double));
	s->kernel_ns = calloc(rounds, sizeof(double));
	s->t = calloc(rounds, sizeof(double));
	s->verdict = calloc(rounds, sizeof(__u32));
	return s->ns && s->mpps && s->within_var && s->kernel_ns && s->t &&
	       s->verdict ? 0 : -ENOMEM;
}

static void free_series(struct round_series *s)
{
	free(s->ns);
	free(s->mpps);
	free(s->within_var);
	free(s->kernel_ns);
	free(s->t);
	free(s->verdict);
	memset(s, 0, sizeof(*s));
}

int rounds_add(struct round_set *rs, struct round_prog *p)
{
	struct round_prog **n = realloc(rs->progs,
					(rs->nr_progs + 1) * sizeof(*n));

	if (!n)
		return -ENOMEM;
	rs->progs = n;
	p->load_err = 0;
	p->loaded = false;
	for (int s = 0; s < p->nr_sizes; s++)
		if (alloc_series(&p->series[s], rs->rounds))
			return -ENOMEM;
	rs->progs[rs->nr_progs++] = p;
	return 0;
}

void rounds_free(struct round_set *rs)
{
	for (int i = 0; i < rs->nr_progs; i++) {
		struct round_prog *p = rs->progs[i];

		if (p->loaded)
			p->ops->unload(p);
		p->loaded = false;
		for (int s = 0; s < p->nr_sizes; s++)
			free_series(&p->series[s]);
	}
	if (rs->ref)
		round_prog_fwd_file_free(rs->ref);
	free(rs->progs);
	free(rs->ref_moved);
	memset(rs, 0, sizeof(*rs));
}

/* ---- running ---- */

static bool prog_live(const struct round_prog *p)
{
	return !p->load_err;
}

static int load(struct round_prog *p)
{
	if (p->loaded)
		return 0;
	p->load_err = p->ops->load(p, p->load_why, sizeof(p->load_why));
	p->loaded = !p->load_err;
	return p->load_err;
}

static void unload(struct round_set *rs, struct round_prog *p, bool always)
{
	if (!p->loaded || (rs->keep_loaded && !always))
		return;
	p->ops->unload(p);
	p->loaded = false;
}

/* The round just measured, into the journal under its point's key. */
static void journal_round(const struct round_set *rs,
			  const struct round_prog *p, int s, int round)
{
	const struct round_series *se = &p->series[s];
	struct point_id key = p->key;
	struct round_entry e = {
		.round = round, .planned = rs->rounds, .loops = rs->loops,
		.seed = rs->seed, .ns_per_pkt = se->ns[round],
		.mpps = se->mpps[round], .time = se->t[round],
	};

	if (!key.property)
		return;
	key.frame_size = p->sizes[s];
	results_journal_round(&key, p->subtest ?: env.subtest_name, &e);
}

/* One round of series s: validate, calibrate, time the loops. */
static void measure_series(struct round_set *rs, struct round_prog *p,
			   int s, int round, bool pinned)
{
	struct round_series *se = &p->series[s];
	struct measure_tune tune = {
		.reps = rs->loops,
		.hint_ns = se->done ? se->ns[se->done - 1] : 0,
		.pinned = pinned,
	};
	struct measure_result res;
	int err;

	if (se->err || se->done != round)
		return;
	err = p->ops->measure(p, p->sizes[s], &tune, &res);
	if (err) {
		se->err = err;
		snprintf(se->why, sizeof(se->why), "round %d: %s", round + 1,
			 res.error[0] ? res.error : strerror(-err));
		return;
	}
	se->ns[round] = res.ns.mean;
	se->mpps[round] = res.mpps.mean;
	se->within_var[round] = res.ns.n > 1 ? res.ns.stddev * res.ns.stddev :
					       NAN;
	se->kernel_ns[round] = res.kernel_ns.median;
	se->verdict[round] = res.verdict;
	se->t[round] = rounds_now();
	se->done++;
	journal_round(rs, p, s, round);
}

/* Hold p in the dispatcher for what follows: a link fd, or < 0. */
static int pin(struct round_prog *p)
{
	return engine_pin_prog(p->ops->prog_fd(p));
}

static void unpin(int link)
{
	if (link >= 0)
		close(link);
}

/* Every program in turn, each at all its sizes in a random order. */
static void run_round(struct round_set *rs, int round, __u64 *state,
		      int *done, int total)
{
	int order[rs->nr_progs], sizes[PERF_MAX_SIZES];

	shuffle(order, rs->nr_progs, state);
	for (int i = 0; i < rs->nr_progs && !test__stopping(); i++) {
		struct round_prog *p = rs->progs[order[i]];
		int link;

		if (!prog_live(p) || load(p)) {
			*done += p->nr_sizes;
			continue;
		}
		link = pin(p);
		shuffle(sizes, p->nr_sizes, state);
		for (int k = 0; k < p->nr_sizes && !test__stopping(); k++) {
			measure_series(rs, p, sizes[k], round, link >= 0);
			test__progress(++*done, total);
		}
		unpin(link);
		unload(rs, p, false);
	}
}

/*
 * --vs: per frame size, in a random order, every program in a random
 * order, held in the dispatcher one at a time: the two sides of a pair
 * are measured within milliseconds of each other.
 */
static void run_round_paired(struct round_set *rs, int round, __u64 *state,
			     int *done, int total)
{
	int order[rs->nr_progs], sizes[PERF_MAX_SIZES];
	struct round_prog *first = rs->progs[0];

	for (int i = 0; i < rs->nr_progs; i++)
		if (prog_live(rs->progs[i]))
			load(rs->progs[i]);
	shuffle(sizes, first->nr_sizes, state);
	for (int k = 0; k < first->nr_sizes && !test__stopping(); k++) {
		shuffle(order, rs->nr_progs, state);
		for (int i = 0; i < rs->nr_progs && !test__stopping(); i++) {
			struct round_prog *p = rs->progs[order[i]];
			int link;

			if (p->loaded) {
				link = pin(p);
				measure_series(rs, p, sizes[k], round,
					       link >= 0);
				unpin(link);
			}
			test__progress(++*done, total);
		}
	}
	for (int i = 0; i < rs->nr_progs; i++)
		unload(rs, rs->progs[i], false);
}

static double median_of(const double *v, int n)
{
	return n ? stats_median(v, n) : NAN;
}

/* Median absolute deviation, scaled to a normal sd (x 1.4826). */
static double robust_sd(const double *v, int n, double med)
{
	double d[n ? n : 1];

	for (int i = 0; i < n; i++)
		d[i] = fabs(v[i] - med);
	return 1.4826 * median_of(d, n);
}

/*
 * A reference round moved when one of its sizes is further from the
 * reference's median than REF_MOVED_Z robust standard deviations and
 * REF_MOVED_MIN of the median: a change in the host, not in a program.
 */
static void flag_reference(struct round_set *rs)
{
	const struct round_prog *ref = rs->ref;

	if (!ref)
		return;
	for (int s = 0; s < ref->nr_sizes; s++) {
		const struct round_series *se = &ref->series[s];
		double med, sd;

		if (se->done < 4)
			continue;
		med = median_of(se->ns, se->done);
		sd = robust_sd(se->ns, se->done, med);
		for (int r = 0; r < se->done; r++) {
			double dev = fabs(se->ns[r] - med);

			if (dev > REF_MOVED_Z * sd && dev > REF_MOVED_MIN * med)
				rs->ref_moved[r] = true;
		}
	}
}

void rounds_run(struct round_set *rs)
{
	__u64 state = rs->seed;
	int total = 0, done = 0;

	for (int i = 0; i < rs->nr_progs; i++)
		total += rs->progs[i]->nr_sizes;
	total *= rs->rounds;
	for (int r = 0; r < rs->rounds && !test__stopping(); r++) {
		if (rs->paired)
			run_round_paired(rs, r, &state, &done, total);
		else
			run_round(rs, r, &state, &done, total);
		if (!test__stopping())
			rs->rounds_done = r + 1;
	}
	for (int i = 0; i < rs->nr_progs; i++)
		unload(rs, rs->progs[i], true);
	test__progress(total, total);
	flag_reference(rs);
}

/* ---- summaries ---- */

/*
 * Two groups: the largest gap between sorted round values (at least a
 * fifth of them, and 2, on each side) is BIMODAL_GAP_SD pooled standard
 * deviations of the sides, and MARK_MIN_REL of the median.
 */
static bool bimodal(const double *v, int n, double med)
{
	double s[n ? n : 1], best = 0, pooled;
	int side = (n + 4) / 5 > 2 ? (n + 4) / 5 : 2, at = -1;

	if (n < 6)
		return false;
	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	for (int i = side; i <= n - side; i++)
		if (s[i] - s[i - 1] > best) {
			best = s[i] - s[i - 1];
			at = i;
		}
	if (at < 0)
		return false;
	pooled = sqrt(((at - 1) * pow(stats_stddev(s, at), 2) +
		       (n - at - 1) * pow(stats_stddev(s + at, n - at), 2)) /
		      (n - 2));
	return best > MARK_MIN_REL * fabs(med) && best > BIMODAL_GAP_SD * pooled;
}

static unsigned int round_marks(const double *v, int n)
{
	double med = median_of(v, n), slope, p;
	unsigned int m = 0;

	if (n >= 5 && !stats_trend(v, n, &slope, &p) && p < DRIFT_P &&
	    fabs(slope * (n - 1)) > MARK_MIN_REL * fabs(med))
		m |= ROUND_MARK_DRIFT;
	if (bimodal(v, n, med))
		m |= ROUND_MARK_BIMODAL;
	return m;
}

/* The marks of a series' values, partial when the set stopped early. */
static unsigned int series_marks(const struct round_set *rs,
				 const struct round_series *se,
				 const double *values)
{
	return round_marks(values, se->done) |
	       (se->done < rs->rounds ? ROUND_MARK_PARTIAL : 0);
}

static int series_index(const struct round_prog *p, int size)
{
	for (int s = 0; s < p->nr_sizes; s++)
		if (p->sizes[s] == size)
			return s;
	return -1;
}

int rounds_summary(const struct round_set *rs, const struct round_prog *p,
		   int s, struct sample_stats *ns, struct round_info *ri)
{
	const struct round_series *se = &p->series[s];
	double within = 0;
	int nw = 0;

	if (!se->done)
		return -ENODATA;
	memset(ri, 0, sizeof(*ri));
	ri->rounds = se->done;
	ri->loops = rs->loops;
	ri->seed = rs->seed;
	ri->values = se->ns;
	ri->times = se->t;
	for (int r = 0; r < se->done; r++) {
		if (!isnan(se->within_var[r])) {
			within += se->within_var[r];
			nw++;
		}
		ri->flagged += rs->ref_moved[r];
	}
	ri->within_sd = nw ? sqrt(within / nw) : NAN;
	ri->marks = series_marks(rs, se, se->ns);
	return ns ? stats_compute(se->ns, se->done, ns) : 0;
}

/* Per round, the point over the reference at the same size and round. */
static int rel_ref_values(const struct round_set *rs,
			  const struct round_series *se, int size,
			  double *rel)
{
	int rs_idx = series_index(rs->ref, size);
	const struct round_series *ref;

	if (rs_idx < 0)
		return -ENOENT;
	ref = &rs->ref->series[rs_idx];
	if (ref->done < se->done)
		return -ENODATA;
	for (int r = 0; r < se->done; r++)
		rel[r] = se->ns[r] / ref->ns[r];
	return 0;
}

static void print_point(const struct point_id *key,
			const struct sample_stats *ns,
			const struct round_info *ri)
{
	char label[256], marks[64];

	point_id_str(key, POINT_ID_IN_TEST, label, sizeof(label));
	results_marks_str(ri->marks, marks, sizeof(marks));
	test__info("  %s: %.3f ns/pkt [%.3f, %.3f] median %.3f, sd %.3f between rounds, %.3f within (%d rounds x %d loops)%s%s",
		   label, ns->mean, ns->ci95_low, ns->ci95_high,
		   ns->median, ns->stddev, ri->within_sd, ri->rounds, ri->loops,
		   *marks ? " " : "", marks);
}

int rounds_record(const struct round_set *rs, const struct round_prog *p,
		  int s, const struct point_id *key)
{
	const struct round_series *se = &p->series[s];
	struct point_id k = *key;
	struct sample_stats ns, st;
	struct round_info ri, rel;
	double values[rs->rounds];
	int err;

	if (se->err)
		return se->err;
	err = rounds_summary(rs, p, s, &ns, &ri);
	if (err)
		return err;
	k.frame_size = p->sizes[s];
	results_add_rounds(&k, METRIC_NS_PER_PKT, &ns, &ri);
	print_point(&k, &ns, &ri);
	/* Mpps per round: the mean of 1000 / ns over its loops */
	rel = ri;
	rel.values = se->mpps;
	rel.marks = series_marks(rs, se, se->mpps);
	if (!stats_compute(se->mpps, se->done, &st))
		results_add_rounds(&k, METRIC_MPPS, &st, &rel);
	if (!rs->ref || p == rs->ref ||
	    rel_ref_values(rs, se, p->sizes[s], values))
		return 0;
	rel.values = values;
	rel.within_sd = NAN;
	rel.marks = series_marks(rs, se, values);
	if (!stats_compute(values, se->done, &st))
		results_add_rounds(&k, METRIC_REL_REF, &st, &rel);
	return 0;
}

void rounds_record_reference(const struct round_set *rs)
{
	const struct round_prog *ref = rs->ref;

	if (!ref)
		return;
	for (int s = 0; s < ref->nr_sizes; s++) {
		if (rounds_record(rs, ref, s, &ref->key) && ref->series[s].err)
			test__log("reference at %d B: %s", ref->sizes[s],
				  ref->series[s].why);
	}
	if (rounds_ref_moved(rs))
		test__info("reference moved beyond its own spread in %d of %d rounds (host contention?)",
			   rounds_ref_moved(rs), rs->rounds_done);
}

int rounds_ref_moved(const struct round_set *rs)
{
	int n = 0;

	for (int r = 0; r < rs->rounds_done; r++)
		n += rs->ref_moved[r];
	return n;
}

/* ---- options ---- */

PERF_OPTION(rounds, .name = "rounds", .arg = "N",
	    .group = PERF_GRP_MEASUREMENT, .type = PERF_OPT_INT,
	    .dest = &opt_rounds, .given = &rounds_given, .min = 2, .max = 1000,
	    .def = "10",
	    .help = "rounds per microbenchmark point, each a fresh load");
PERF_OPTION(loops, .name = "loops", .arg = "L",
	    .group = PERF_GRP_MEASUREMENT, .type = PERF_OPT_INT,
	    .dest = &opt_loops, .given = &loops_given, .min = 1, .max = 1000,
	    .def = "3", .quick_def = "1",
	    .help = "timed loops per point and round");
PERF_OPTION(no_reload, .name = "no-reload",
	    .group = PERF_GRP_MEASUREMENT, .type = PERF_OPT_FLAG,
	    .dest = &opt_no_reload,
	    .help = "load each program once and only re-attach it every round (faster, blind to load-to-load variation)");
