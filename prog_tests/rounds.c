// SPDX-License-Identifier: GPL-2.0
/*
 * Rounds: the scheduler on the real forwarder (every point measured in
 * every round, the reference recorded, rel_ref and the paired ratio
 * computed, the order reproducible from the seed), and the comparison of
 * round values on synthetic data with known answers: ranks (two runs),
 * paired rounds (--vs), the multiplicity correction and the marks.
 * Nothing here asserts a timing.
 */
#include <limits.h>
#include <math.h>

#include "test_perf.h"
#include "compare.h"
#include "dataset.h"
#include "results.h"
#include "rounds.h"
#include "stats.h"
#include "util.h"

#define MAX_ROUNDS	20

/* ---- the scheduler ---- */

static int count_rows(const char *test, const char *property,
		      enum metric_id metric)
{
	int n = 0;

	for (int i = 0; i < results_count(); i++) {
		const struct result_row *r = results_row(i);

		n += !strcmp(results_test(i), test) &&
		     !strcmp(r->key.property, property) &&
		     metric_is(r->metric, metric);
	}
	return n;
}

static void test_scheduler(void)
{
	static const int sizes[] = { 64, 1500 };
	struct point_key key = {
		.property = "base", .n = 0, .variant = "rounds_test",
		.mode = "test_run",
	};
	struct round_prog *p;
	struct round_set rs;
	char path[PATH_MAX];
	int before = results_count();

	if (!test__need_bpf() || results_env()->emulated) {
		test__skip("needs BPF on a real CPU");
		return;
	}
	if (!ASSERT_OK(test__path(path, sizeof(path), "bpf/xdp_fwd.bpf.o"),
		       "bpf/xdp_fwd.bpf.o"))
		return;
	p = round_prog_fwd_file(path, "fwd", sizes, 2);
	if (!ASSERT_OK_PTR(p, "program"))
		return;
	if (!ASSERT_OK(rounds_init_with(&rs, 3, 1), "rounds_init"))
		goto out;
	ASSERT_EQ(rs.rounds, 3, "rounds of the set");
	if (ASSERT_OK(rounds_add(&rs, p), "rounds_add") &&
	    ASSERT_OK(rounds_add_reference(&rs, sizes, 2), "reference"))
		rounds_run(&rs);
	ASSERT_EQ(rs.rounds_done, 3, "every round ran");
	for (int s = 0; s < 2; s++) {
		struct sample_stats ns;
		struct round_info ri;

		ASSERT_EQ(p->series[s].done, 3, "point measured in every round");
		ASSERT_EQ(rs.ref->series[s].done, 3, "reference in every round");
		for (int r = 1; r < 3; r++)
			ASSERT_DBL_GT(p->series[s].t[r], p->series[s].t[r - 1],
				      "rounds in time order");
		if (!ASSERT_OK(rounds_summary(&rs, p, s, &ns, &ri), "summary"))
			continue;
		ASSERT_EQ(ri.rounds, 3, "rounds in the row");
		ASSERT_EQ(ri.seed, rs.seed, "seed in the row");
		ASSERT_EQ(ns.n, 3, "statistics over the rounds");
		ASSERT_OK(rounds_record(&rs, p, s, &key), "recorded");
	}
	rounds_record_reference(&rs);
	ASSERT_EQ(results_count() - before, 2 * 3 + 2 * 2,
		  "ns_per_pkt, mpps, rel_ref per point; the reference's");
	ASSERT_EQ(count_rows(env.test_name, "base", METRIC_REL_REF), 2,
		  "rel_ref of every point");
	ASSERT_EQ(count_rows(env.test_name, "reference", METRIC_NS_PER_PKT), 2,
		  "reference recorded");
	rounds_free(&rs);
out:
	round_prog_fwd_file_free(p);
}

/* ---- comparing round values ---- */

struct rpoint {
	const char *name;
	double ratio;		/* new / old, round by round */
	double sd;		/* relative spread between rounds */
	double pair_sd;		/* relative noise of new beyond old's */
	int rounds;
	const char *marks;	/* of the old side */
};

/* xorshift64* and Box-Muller, reproducible */
static double normal(unsigned long long *s)
{
	double u1, u2;

	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	u1 = ((*s * 2685821657736338717ULL) >> 11) * 0x1p-53;
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	u2 = ((*s * 2685821657736338717ULL) >> 11) * 0x1p-53;
	return sqrt(-2 * log(u1 + 0x1p-54)) * cos(2 * M_PI * u2);
}

/*
 * One side as data.json: old draws base values; new the same base values
 * (paired) times ratio, with pair_sd of its own noise, or fresh ones.
 */
static char *side_json(const struct rpoint *pts, int nr, bool new_side,
		       bool paired, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);

	if (!f)
		return NULL;
	fprintf(f, "{\"format\": \"xdp-perf-data/1\", \"environment\": {\"cpu_model\": \"c\", \"emulated\": false}, \"points\": [\n");
	for (int i = 0; i < nr; i++) {
		const struct rpoint *p = &pts[i];
		unsigned long long base = 77 + i, own = 991 + 13 * i;
		double v[MAX_ROUNDS];
		struct sample_stats st;

		if (new_side && !paired)
			base += 5000;
		for (int r = 0; r < p->rounds; r++) {
			v[r] = 100 * (1 + p->sd * normal(&base));
			if (new_side)
				v[r] *= p->ratio * (1 + p->pair_sd * normal(&own));
		}
		stats_compute(v, p->rounds, &st);
		fprintf(f, "%s{\"test\": \"t\", \"subtest\": \"%s\", \"property\": \"p\", \"n\": -1, \"variant\": \"\", \"op\": \"\", \"frame_size\": 64, \"mode\": \"test_run\", \"metric\": \"ns_per_pkt\", \"unit\": \"ns\", \"reps\": %d, \"mean\": %.17g, \"median\": %.17g, \"stddev\": %.17g, \"ci95_low\": %.17g, \"ci95_high\": %.17g, \"min\": %.17g, \"max\": %.17g, \"rounds\": %d, \"loops\": 1, \"marks\": \"%s\", \"round_values\": [",
			i ? ",\n" : "", p->name, st.n, st.mean, st.median,
			st.stddev, st.ci95_low, st.ci95_high, st.min, st.max,
			p->rounds, !new_side && p->marks ? p->marks : "");
		for (int r = 0; r < p->rounds; r++)
			fprintf(f, "%s%.17g", r ? ", " : "", v[r]);
		fprintf(f, "]}");
	}
	fprintf(f, "]}\n");
	fclose(f);
	return text;
}

static bool compare(const struct rpoint *pts, int nr, bool paired,
		    double effect, struct dataset *old, struct dataset *new,
		    struct cmp_result *res)
{
	struct cmp_opts opts;
	char err[256], *a, *b;
	size_t la = 0, lb = 0;
	bool ok;

	cmp_opts_default(&opts);
	opts.paired = paired;
	opts.min_effect = effect;
	a = side_json(pts, nr, false, paired, &la);
	b = side_json(pts, nr, true, paired, &lb);
	ok = ASSERT_OK_PTR(a, "old") && ASSERT_OK_PTR(b, "new") &&
	     ASSERT_OK(ds_parse_json(a, la, old, err, sizeof(err)), "parse old");
	if (ok && !ASSERT_OK(ds_parse_json(b, lb, new, err, sizeof(err)),
			     "parse new")) {
		ds_free(old);
		ok = false;
	}
	free(a);
	free(b);
	if (ok && !ASSERT_OK(cmp_run(old, new, &opts, res, err, sizeof(err)),
			     "cmp_run")) {
		test__log("%s", err);
		ds_free(old);
		ds_free(new);
		ok = false;
	}
	return ok;
}

static const struct cmp_row *row_of(const struct cmp_result *res,
				    const char *name)
{
	for (int i = 0; i < res->nr_rows; i++)
		if (!strcmp(res->rows[i].old->subtest, name))
			return &res->rows[i];
	return NULL;
}

static void expect(const struct cmp_result *res, const char *name,
		   enum cmp_verdict v, enum cmp_method m)
{
	const struct cmp_row *r = row_of(res, name);

	if (!ASSERT_OK_PTR(r, name))
		return;
	if (!ASSERT_STREQ(cmp_verdict_str(r->verdict), cmp_verdict_str(v), name) ||
	    !ASSERT_STREQ(cmp_method_str(r->method), cmp_method_str(m), name))
		test__log("%s: rel %+.4f [%+.4f, %+.4f] q_slow %.3g q_fast %.3g",
			  name, r->rel, r->rel_low, r->rel_high, r->q_slow,
			  r->q_fast);
}

static void release(struct dataset *old, struct dataset *new,
		    struct cmp_result *res)
{
	cmp_free(res);
	ds_free(old);
	ds_free(new);
}

/* Two runs: ranks of the round values; the CI, not the estimate, decides. */
static void test_two_runs(void)
{
	static const struct rpoint pts[] = {
		{ "slower", 1.12, 0.01, 0, 10 },
		{ "faster", 0.85, 0.01, 0, 10 },
		{ "near", 1.06, 0.05, 0, 10 },	/* ~6%, CI reaches below 5% */
		{ "same", 1.00, 0.01, 0, 10 },
	};
	struct dataset old, new;
	struct cmp_result res;
	const struct cmp_row *r;

	if (!compare(pts, 4, false, 0.05, &old, &new, &res))
		return;
	expect(&res, "slower", CMP_SLOWER, CMP_M_RANKS);
	expect(&res, "faster", CMP_FASTER, CMP_M_RANKS);
	expect(&res, "near", CMP_UNCHANGED, CMP_M_RANKS);
	expect(&res, "same", CMP_UNCHANGED, CMP_M_RANKS);
	r = row_of(&res, "near");
	if (r)
		ASSERT_DBL_LT(r->rel_low, 0.05, "near: CI reaches below the effect");
	r = row_of(&res, "slower");
	if (r) {
		ASSERT_DBL_GT(r->rel_low, 0.05, "slower: CI beyond the effect");
		ASSERT_TRUE(isfinite(r->mde) && r->mde > 0.05, "MDE computed");
	}
	ASSERT_EQ(res.family, 4, "family of judged points");
	ASSERT_EQ(cmp_gate(&res), 1, "gate fails");
	release(&old, &new, &res);
}

/*
 * One point 7% slower in every round, alone: slower. The same point among
 * 40 unchanged ones: its one-sided p (1/252 with 5 rounds a side) is no
 * longer small enough once adjusted for the family: unchanged, and its MDE
 * says it cannot be judged alone there.
 */
static void test_multiplicity(void)
{
	struct rpoint pts[41];
	char names[41][16];
	struct dataset old, new;
	struct cmp_result res;
	const struct cmp_row *r;

	for (int i = 0; i < 41; i++) {
		snprintf(names[i], sizeof(names[i]), "p%02d", i);
		pts[i] = (struct rpoint){ names[i], 1.0, 0.01, 0, 5 };
	}
	pts[0] = (struct rpoint){ "hit", 1.07, 0.001, 0, 5 };
	if (compare(pts, 1, false, 0.05, &old, &new, &res)) {
		expect(&res, "hit", CMP_SLOWER, CMP_M_RANKS);
		release(&old, &new, &res);
	}
	if (!compare(pts, 41, false, 0.05, &old, &new, &res))
		return;
	ASSERT_EQ(res.family, 41, "family of 41");
	expect(&res, "hit", CMP_UNCHANGED, CMP_M_RANKS);
	r = row_of(&res, "hit");
	if (r) {
		ASSERT_DBL_LT(r->p_slow, 0.025, "hit alone would be slower");
		ASSERT_DBL_GT(r->q_slow, 0.025, "adjusted for 41 points it is not");
		ASSERT_TRUE(isinf(r->mde), "MDE: cannot be judged alone here");
	}
	ASSERT_EQ(cmp_gate(&res), 0, "gate passes");
	release(&old, &new, &res);
}

/*
 * Paired rounds (--vs): the rounds move together by 3% from one to the
 * next, B is 3% slower than A in each. Paired, the ratio's noise is only
 * B's own: slower at a 1% effect. The same data unpaired is unchanged.
 */
static void test_paired(void)
{
	static const struct rpoint pts[] = {
		{ "b_slower", 1.03, 0.03, 0.002, 10 },
		{ "a_a", 1.00, 0.03, 0.002, 10, "bimodal" },
	};
	struct dataset old, new;
	struct cmp_result res;
	const struct cmp_row *r;

	if (compare(pts, 2, true, 0.01, &old, &new, &res)) {
		expect(&res, "b_slower", CMP_SLOWER, CMP_M_PAIRED);
		expect(&res, "a_a", CMP_UNCHANGED, CMP_M_PAIRED);
		r = row_of(&res, "b_slower");
		if (r)
			ASSERT_DBL_NEAR(r->rel, 0.03, 0.005, "paired ratio");
		r = row_of(&res, "a_a");
		if (r)
			ASSERT_EQ(r->marks, ROUND_MARK_BIMODAL, "marks carried");
		ASSERT_EQ(res.marked, 1, "marked rows counted");
		release(&old, &new, &res);
	}
	/* the same rounds, not paired: 3% inside the rounds' 3% spread */
	if (compare(pts, 1, false, 0.01, &old, &new, &res)) {
		expect(&res, "b_slower", CMP_UNCHANGED, CMP_M_RANKS);
		release(&old, &new, &res);
	}
}

void test_rounds(void)
{
	if (test__start_subtest("scheduler"))
		test_scheduler();
	if (test__start_subtest("two_runs"))
		test_two_runs();
	if (test__start_subtest("multiplicity"))
		test_multiplicity();
	if (test__start_subtest("paired"))
		test_paired();
}
