// SPDX-License-Identifier: GPL-2.0
/*
 * The baseline comparison on synthetic data with known answers. Samples
 * are drawn from a seeded normal generator and summarised by stats.c as a
 * run would; OLD and NEW are then written as data.json text and read back.
 *
 * Points of the synthetic run (mean, relative stddev, 30 reps):
 *   shift     ns   100 -> 110, sd 2%     slower (known shift)
 *   rate_drop Mpps  10 ->   8, sd 2%     slower (a rate going down)
 *   rate_up   Mpps  10 ->  12, sd 2%     faster
 *   diag      Mpps  10 ->   5, sd 2%     info: test_run mpps is diagnostic
 *   noise     ns   100 -> 100.5, sd 10%  unchanged, not significant
 *   small     ns   100 -> 102, sd 0.2%   unchanged: significant, < min effect
 *   same      ns   identical samples     unchanged, p = 1
 *   single    ns   1 repetition          untestable
 *   gone      only in OLD                missing
 *   new       only in NEW                extra
 *
 * two_runs, multiplicity and paired compare points with round values
 * (rounds.h): ranks for two runs, the paired ratio of --vs, the
 * Benjamini-Hochberg adjustment over a family, the marks.
 *
 * The gate subtest compares runs that differ only in diagnostic metrics
 * (the generator's and the program's CPU share, 50% up) and in a metric
 * this build does not know: never judged, the gate passes; then the same
 * with ns_per_pkt 50% slower: the gate fails.
 */
#include <limits.h>
#include <math.h>

#include "test_perf.h"
#include "report/compare.h"
#include "csv.h"
#include "report/dataset.h"
#include "results.h"
#include "stats.h"
#include "testing_helpers.h"
#include "util.h"

#define REPS	30

struct spec {
	const char *name;
	const char *metric, *unit;
	double old_mean, new_mean, rel_sd;
	int reps;
	bool in_old, in_new;
	enum cmp_verdict expect;
};

static const struct spec specs[] = {
	{ "shift", "ns_per_pkt", "ns", 100, 110, 0.02, REPS, true, true, CMP_SLOWER },
	{ "rate_drop", "mpps_max", "Mpps", 10, 8, 0.02, REPS, true, true, CMP_SLOWER },
	{ "rate_up", "mpps_max", "Mpps", 10, 12, 0.02, REPS, true, true, CMP_FASTER },
	{ "diag", "mpps", "Mpps", 10, 5, 0.02, REPS, true, true, CMP_INFO },
	{ "noise", "ns_per_pkt", "ns", 100, 100.5, 0.10, REPS, true, true, CMP_UNCHANGED },
	{ "small", "ns_per_pkt", "ns", 100, 102, 0.002, REPS, true, true, CMP_UNCHANGED },
	{ "same", "ns_per_pkt", "ns", 50, 50, 0.02, REPS, true, true, CMP_UNCHANGED },
	{ "single", "ns_per_pkt", "ns", 50, 60, 0.02, 1, true, true, CMP_UNTESTABLE },
	{ "gone", "ns_per_pkt", "ns", 50, 50, 0.02, REPS, true, false, 0 },
	{ "new", "ns_per_pkt", "ns", 50, 50, 0.02, REPS, false, true, 0 },
};

#define NR_SPECS (int)ARRAY_SIZE(specs)

/* xorshift64* and Box-Muller: reproducible normal samples */
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

static void summarise(const struct spec *sp, double mean, unsigned long long seed,
		      struct sample_stats *st)
{
	double x[REPS];

	for (int i = 0; i < sp->reps; i++)
		x[i] = mean * (1 + sp->rel_sd * normal(&seed));
	stats_compute(x, sp->reps, st);
}

struct side_opts {
	bool new_side;
	const char *cpu_model;
	const char *kernel;
	bool emulated;
	const struct spec *specs;	/* NULL: specs[] */
	int nr_specs;
};

static void json_num(FILE *f, const char *name, double v)
{
	if (isnan(v))
		fprintf(f, ", \"%s\": null", name);
	else
		fprintf(f, ", \"%s\": %.17g", name, v);
}

/* A data.json as results.c writes it, in memory. */
static char *side_json(const struct side_opts *o, size_t *len)
{
	char *text = NULL;
	FILE *f = open_memstream(&text, len);
	const struct spec *all = o->specs ?: specs;
	int nr = o->specs ? o->nr_specs : NR_SPECS;
	bool first = true;

	if (!f)
		return NULL;
	fprintf(f, "{\"format\": \"xdp-perf-data/1\", \"environment\": {\"kernel\": \"%s\", \"cpu_model\": \"%s\", \"nr_cpus\": 2, \"jit_enable\": 1, \"jit_harden\": 0, \"bpf_stats\": 0, \"mitigations\": \"m\", \"clang\": \"14\", \"libbpf\": \"1.1.2\", \"git_rev\": \"%s\", \"date\": \"%s\", \"hostname\": \"h\", \"emulated\": %s, \"virt\": \"\"},\n"
		"\"profile\": {\"reps\": 30}, \"points\": [\n",
		o->kernel, o->cpu_model, o->new_side ? "new" : "old",
		o->new_side ? "2026-01-02" : "2026-01-01",
		o->emulated ? "true" : "false");
	for (int i = 0; i < nr; i++) {
		const struct spec *sp = &all[i];
		struct sample_stats st;

		if (!(o->new_side ? sp->in_new : sp->in_old))
			continue;
		/* "same" draws the same samples on both sides */
		summarise(sp, o->new_side ? sp->new_mean : sp->old_mean,
			  1000 + i + (o->new_side && strcmp(sp->name, "same") ?
				      7919 : 0), &st);
		fprintf(f, "%s{\"test\": \"synth\", \"subtest\": \"%s\", \"property\": \"base\", \"n\": -1, \"variant\": \"\", \"op\": \"\", \"frame_size\": 64, \"mode\": \"test_run\", \"metric\": \"%s\", \"unit\": \"%s\", \"reps\": %d",
			first ? "" : ",\n", sp->name, sp->metric, sp->unit,
			st.n);
		json_num(f, "mean", st.mean);
		json_num(f, "median", st.median);
		json_num(f, "stddev", st.n > 1 ? st.stddev : NAN);
		json_num(f, "ci95_low", st.n > 1 ? st.ci95_low : NAN);
		json_num(f, "ci95_high", st.n > 1 ? st.ci95_high : NAN);
		json_num(f, "min", st.min);
		json_num(f, "max", st.max);
		fprintf(f, ", \"outliers\": %d}", st.outliers);
		first = false;
	}
	fprintf(f, "]}\n");
	fclose(f);
	return text;
}

static bool load_side(const struct side_opts *o, struct dataset *ds)
{
	char err[256];
	size_t len = 0;
	char *text = side_json(o, &len);
	int ret;

	if (!ASSERT_OK_PTR(text, "side json"))
		return false;
	ret = ds_parse_json(text, len, ds, err, sizeof(err));
	free(text);
	if (!ASSERT_OK(ret, "parse side"))
		test__log("%s", err);
	snprintf(ds->source, sizeof(ds->source), "%s",
		 o->new_side ? "NEW" : "OLD");
	return ret == 0;
}

static const struct side_opts old_side = {
	.cpu_model = "Synthetic CPU", .kernel = "6.1.0",
};
static const struct side_opts new_side = {
	.new_side = true, .cpu_model = "Synthetic CPU", .kernel = "6.18.0",
};

/* Compare two synthetic sides; false (and nothing to free) on failure. */
static bool run_cmp(const struct side_opts *a, const struct side_opts *b,
		    struct dataset *old, struct dataset *new,
		    struct cmp_result *res)
{
	struct cmp_opts opts;
	char err[512];

	cmp_opts_default(&opts);
	if (!load_side(a, old))
		return false;
	if (!load_side(b, new)) {
		ds_free(old);
		return false;
	}
	if (!ASSERT_OK(cmp_run(old, new, &opts, res, err, sizeof(err)), "cmp_run")) {
		test__log("%s", err);
		ds_free(old);
		ds_free(new);
		return false;
	}
	return true;
}

static void done(struct dataset *old, struct dataset *new,
		 struct cmp_result *res)
{
	cmp_free(res);
	ds_free(old);
	ds_free(new);
}

static const struct cmp_row *find_row(const struct cmp_result *res,
				      const char *name)
{
	for (int i = 0; i < res->nr_rows; i++)
		if (!strcmp(res->rows[i].old->subtest, name))
			return &res->rows[i];
	return NULL;
}

static void test_verdicts(void)
{
	const struct cmp_row *shift;
	struct dataset old, new;
	struct cmp_result res;

	if (!run_cmp(&old_side, &new_side, &old, &new, &res))
		return;
	for (int i = 0; i < NR_SPECS; i++) {
		const struct spec *sp = &specs[i];
		const struct cmp_row *r = find_row(&res, sp->name);

		if (!sp->in_old || !sp->in_new)
			continue;
		if (!ASSERT_OK_PTR(r, "row matched") ||
		    !ASSERT_STREQ(cmp_verdict_str(r->verdict),
				  cmp_verdict_str(sp->expect), sp->name))
			test__log("%s: rel %.4f p %.3g", sp->name,
				  r ? r->rel : NAN, r ? r->p : NAN);
	}
	/* the known shift: +10% and its CI around it, p tiny */
	shift = find_row(&res, "shift");
	if (ASSERT_OK_PTR(shift, "shift")) {
		ASSERT_DBL_LT(shift->p, 1e-6, "shift p");
		ASSERT_DBL_LT(shift->rel_low, shift->rel, "rel CI low");
		ASSERT_DBL_GT(shift->rel_high, shift->rel, "rel CI high");
		ASSERT_DBL_NEAR(shift->rel, 0.10, 0.02, "shift size");
	}
	/* slowest first: the table is sorted by effect */
	ASSERT_STREQ(res.rows[0].old->subtest, "rate_drop", "worst first");
	ASSERT_EQ(res.count[CMP_SLOWER], 2, "slower");
	ASSERT_EQ(res.count[CMP_FASTER], 1, "faster");
	ASSERT_EQ(res.count[CMP_INFO], 1, "diagnostic metric not judged");
	ASSERT_EQ(cmp_gate(&res), 1, "gate fails on a slowdown");
	done(&old, &new, &res);
}

static void test_identical(void)
{
	struct dataset old, new;
	struct cmp_result res;

	if (!run_cmp(&old_side, &old_side, &old, &new, &res))
		return;
	ASSERT_EQ(res.nr_rows, NR_SPECS - 1, "all of OLD matched");
	ASSERT_EQ(res.count[CMP_SLOWER] + res.count[CMP_FASTER], 0, "no change");
	ASSERT_EQ(res.count[CMP_UNTESTABLE], 1, "one repetition: untestable");
	ASSERT_EQ(res.nr_missing + res.nr_extra, 0, "no missing or extra");
	ASSERT_FALSE(res.env_mismatch, "same environment");
	ASSERT_EQ(res.nr_env, 0, "no environment difference");
	for (int i = 0; i < res.nr_rows; i++)
		if (res.rows[i].verdict != CMP_UNTESTABLE &&
		    (!ASSERT_DBL_NEAR(res.rows[i].p, 1, 1e-12, "p of identical data") ||
		     !ASSERT_DBL_NEAR(res.rows[i].rel, 0, 0, "no change")))
			break;
	ASSERT_EQ(cmp_gate(&res), 0, "gate passes");
	done(&old, &new, &res);
}

static void test_noise(void)
{
	struct dataset old, new;
	struct cmp_result res;
	const struct cmp_row *noise, *small;

	if (!run_cmp(&old_side, &new_side, &old, &new, &res))
		return;
	noise = find_row(&res, "noise");
	small = find_row(&res, "small");
	if (ASSERT_OK_PTR(noise, "noise") && ASSERT_OK_PTR(small, "small")) {
		ASSERT_FALSE(noise->significant, "noise not significant");
		ASSERT_DBL_GE(noise->p, 0.05, "noise p");
		ASSERT_EQ(noise->verdict, CMP_UNCHANGED, "noise unchanged");
		/* real but small: the minimum effect keeps it out */
		ASSERT_TRUE(small->significant, "small is significant");
		ASSERT_DBL_LT(fabs(small->rel), 0.05, "small below 5%");
		ASSERT_EQ(small->verdict, CMP_UNCHANGED, "small unchanged");
	}
	done(&old, &new, &res);
}

static void test_missing_extra(void)
{
	struct dataset old, new;
	struct cmp_result res;

	if (!run_cmp(&old_side, &new_side, &old, &new, &res))
		return;
	if (ASSERT_EQ(res.nr_missing, 1, "missing") &&
	    ASSERT_EQ(res.nr_extra, 1, "extra")) {
		ASSERT_STREQ(res.missing[0]->subtest, "gone", "missing point");
		ASSERT_STREQ(res.extra[0]->subtest, "new", "extra point");
	}
	ASSERT_EQ(res.nr_rows, NR_SPECS - 2, "matched");
	done(&old, &new, &res);
}

static const struct cmp_env_diff *find_env(const struct cmp_result *res,
					   const char *key)
{
	for (int i = 0; i < res->nr_env; i++)
		if (!strcmp(res->env[i].key, key))
			return &res->env[i];
	return NULL;
}

static void test_environment(void)
{
	struct side_opts other_cpu = new_side;
	const struct cmp_env_diff *e;
	struct dataset old, new;
	struct cmp_result res;

	/* another kernel is what one compares: information, not a flag */
	if (!run_cmp(&old_side, &new_side, &old, &new, &res))
		return;
	e = find_env(&res, "kernel");
	ASSERT_FALSE(res.env_mismatch, "kernel alone is no mismatch");
	if (ASSERT_OK_PTR(e, "kernel difference listed"))
		ASSERT_FALSE(e->critical, "kernel not critical");
	ASSERT_EQ(find_env(&res, "date") == NULL, 1, "date ignored");
	done(&old, &new, &res);

	other_cpu.cpu_model = "Another CPU";
	if (!run_cmp(&old_side, &other_cpu, &old, &new, &res))
		return;
	e = find_env(&res, "cpu_model");
	ASSERT_TRUE(res.env_mismatch, "CPU model flagged");
	if (ASSERT_OK_PTR(e, "cpu_model difference listed")) {
		ASSERT_TRUE(e->critical, "cpu_model critical");
		ASSERT_STREQ(e->new, "Another CPU", "new value");
	}
	done(&old, &new, &res);
}

static void test_emulated(void)
{
	struct side_opts emu = new_side;
	struct dataset old, new;
	struct cmp_result res;
	struct cmp_opts opts;
	char err[512] = "";

	emu.emulated = true;
	cmp_opts_default(&opts);
	if (!load_side(&old_side, &old))
		return;
	if (!load_side(&emu, &new)) {
		ds_free(&old);
		return;
	}
	ASSERT_EQ(cmp_run(&old, &new, &opts, &res, err, sizeof(err)), -EXDEV,
		  "emulated vs native refused");
	ASSERT_OK_PTR(strstr(err, "emulated"), "reason given");
	ds_free(&old);
	ds_free(&new);

	/* both emulated: compared, and said so */
	if (!run_cmp(&emu, &emu, &old, &new, &res))
		return;
	ASSERT_TRUE(res.both_emulated, "both emulated noted");
	done(&old, &new, &res);
}

/*
 * Diagnostic metrics (CPU shares, whatever their unit) and unknown names
 * move by 50% between the runs: shown, never judged, the gate passes.
 * The same runs with ns_per_pkt 50% slower fail it.
 */
static const struct spec gate_specs[] = {
	{ "cost", "ns_per_pkt", "ns", 100, 100, 0.02, REPS, true, true, CMP_UNCHANGED },
	{ "gen", "gen_cpu_pct", "%", 40, 60, 0.02, REPS, true, true, CMP_INFO },
	{ "prog", "cpu_prog_pct", "%", 20, 30, 0.02, REPS, true, true, CMP_INFO },
	{ "softirq", "ksoftirqd_pct", "%", 10, 15, 0.02, REPS, true, true, CMP_INFO },
	{ "unknown", "mystery_ns", "ns", 100, 150, 0.02, REPS, true, true, CMP_INFO },
};

static const struct spec gate_slower_specs[] = {
	{ "cost", "ns_per_pkt", "ns", 100, 150, 0.02, REPS, true, true, CMP_SLOWER },
	{ "gen", "gen_cpu_pct", "%", 40, 60, 0.02, REPS, true, true, CMP_INFO },
	{ "prog", "cpu_prog_pct", "%", 20, 30, 0.02, REPS, true, true, CMP_INFO },
};

static void check_gate(const struct spec *sp, int nr, int expect_gate)
{
	struct side_opts a = old_side, b = old_side;
	struct dataset old, new;
	struct cmp_result res;

	a.specs = b.specs = sp;
	a.nr_specs = b.nr_specs = nr;
	b.new_side = true;
	if (!run_cmp(&a, &b, &old, &new, &res))
		return;
	for (int i = 0; i < nr; i++) {
		const struct cmp_row *r = find_row(&res, sp[i].name);

		if (ASSERT_OK_PTR(r, "row matched") &&
		    ASSERT_STREQ(cmp_verdict_str(r->verdict),
				 cmp_verdict_str(sp[i].expect), sp[i].name) &&
		    sp[i].expect == CMP_INFO)
			/* shown with its change all the same */
			ASSERT_DBL_NEAR(r->rel, sp[i].new_mean / sp[i].old_mean - 1,
					0.03, "info row keeps its change");
	}
	ASSERT_EQ(cmp_gate(&res), expect_gate, "gate");
	done(&old, &new, &res);
}

static void test_gate(void)
{
	check_gate(gate_specs, ARRAY_SIZE(gate_specs), 0);
	check_gate(gate_slower_specs, ARRAY_SIZE(gate_slower_specs), 1);
}

/*
 * The verdict column of dir/compare.csv counted: count[CMP_*], and
 * count[NR_CMP_VERDICTS] for missing + extra points.
 */
static int count_csv_verdicts(const char *dir, int *count)
{
	char path[PATH_MAX], *line = NULL, *cells[64];
	int col = -1, n, ret = 0;
	size_t cap = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/compare.csv", dir);
	f = fopen(path, "r");
	if (!f)
		return -errno;
	memset(count, 0, (NR_CMP_VERDICTS + 1) * sizeof(*count));
	for (int row = 0; !ret && getline(&line, &cap, f) >= 0; row++) {
		n = csv_split(line, cells, 64);
		for (int i = 0; !row && i < n; i++)
			if (!strcmp(cells[i], "verdict"))
				col = i;
		if (col < 0 || n <= col) {
			ret = -EINVAL;
			break;
		}
		for (int v = 0; row && v < NR_CMP_VERDICTS; v++)
			count[v] += !strcmp(cells[col], cmp_verdict_str(v));
		count[NR_CMP_VERDICTS] += row && (!strcmp(cells[col], "missing") ||
						  !strcmp(cells[col], "extra"));
	}
	free(line);
	fclose(f);
	return ret;
}

static void test_files(void)
{
	char dir[64], path[PATH_MAX], err[512];
	int count[NR_CMP_VERDICTS + 1];
	struct dataset old, new;
	struct cmp_result res;
	bool ok = false;

	if (!make_tmp(dir, sizeof(dir)))
		return;
	if (!run_cmp(&old_side, &new_side, &old, &new, &res))
		goto out;
	if (!ASSERT_OK(cmp_write(dir, &res, err, sizeof(err)), "cmp_write")) {
		test__log("%s", err);
		goto free;
	}
	snprintf(path, sizeof(path), "%s/compare.md", dir);
	if (!ASSERT_OK(access(path, R_OK), "compare.md") ||
	    !ASSERT_OK(count_csv_verdicts(dir, count), "read compare.csv"))
		goto free;
	ok = ASSERT_EQ(count[CMP_SLOWER], res.count[CMP_SLOWER], "csv slower") &&
	     ASSERT_EQ(count[CMP_FASTER], res.count[CMP_FASTER], "csv faster") &&
	     ASSERT_EQ(count[CMP_UNCHANGED], res.count[CMP_UNCHANGED], "csv unchanged") &&
	     ASSERT_EQ(count[CMP_UNTESTABLE], 1, "csv untestable") &&
	     ASSERT_EQ(count[CMP_INFO], res.count[CMP_INFO], "csv info") &&
	     ASSERT_EQ(count[NR_CMP_VERDICTS], 2, "csv missing + extra");
free:
	done(&old, &new, &res);
out:
	drop_tmp(dir, ok);
}

static void test_options(void)
{
	static const char *const bad[] = { "", "x", "5%%", "100%", "1", "-1%",
					   "0.05x", "nan" };
	double v = -1;

	ASSERT_OK(cmp_parse_effect("5%", &v), "5%");
	ASSERT_DBL_NEAR(v, 0.05, 1e-12, "5% is 0.05");
	ASSERT_OK(cmp_parse_effect("0.1", &v), "0.1");
	ASSERT_DBL_NEAR(v, 0.1, 1e-12, "0.1");
	ASSERT_OK(cmp_parse_effect("0", &v), "0 (every significant change)");
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (!ASSERT_ERR(cmp_parse_effect(bad[i], &v), "bad effect"))
			test__log("accepted '%s'", bad[i]);
	ASSERT_OK(cmp_parse_alpha("0.01", &v), "alpha 0.01");
	ASSERT_ERR(cmp_parse_alpha("0", &v), "alpha 0");
	ASSERT_ERR(cmp_parse_alpha("1", &v), "alpha 1");
	ASSERT_ERR(cmp_parse_alpha("0.05.", &v), "alpha junk");
}

/* ---- round values: ranks, paired rounds (--vs), multiplicity ---- */

#define MAX_ROUNDS	20

struct rpoint {
	const char *name;
	double ratio;		/* new / old, round by round */
	double sd;		/* relative spread between rounds */
	double pair_sd;		/* relative noise of new beyond old's */
	int rounds;
	const char *marks;	/* of the old side */
};

/*
 * One side as data.json: old draws base values; new the same base values
 * (paired) times ratio, with pair_sd of its own noise, or fresh ones.
 */
static char *rounds_json(const struct rpoint *pts, int nr, bool new_side,
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

static bool compare_rounds(const struct rpoint *pts, int nr, bool paired,
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
	a = rounds_json(pts, nr, false, paired, &la);
	b = rounds_json(pts, nr, true, paired, &lb);
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

static void expect(const struct cmp_result *res, const char *name,
		   enum cmp_verdict v, enum cmp_method m)
{
	const struct cmp_row *r = find_row(res, name);

	if (!ASSERT_OK_PTR(r, name))
		return;
	if (!ASSERT_STREQ(cmp_verdict_str(r->verdict), cmp_verdict_str(v), name) ||
	    !ASSERT_STREQ(cmp_method_str(r->method), cmp_method_str(m), name))
		test__log("%s: rel %+.4f [%+.4f, %+.4f] q_slow %.3g q_fast %.3g",
			  name, r->rel, r->rel_low, r->rel_high, r->q_slow,
			  r->q_fast);
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

	if (!compare_rounds(pts, 4, false, 0.05, &old, &new, &res))
		return;
	expect(&res, "slower", CMP_SLOWER, CMP_M_RANKS);
	expect(&res, "faster", CMP_FASTER, CMP_M_RANKS);
	expect(&res, "near", CMP_UNCHANGED, CMP_M_RANKS);
	expect(&res, "same", CMP_UNCHANGED, CMP_M_RANKS);
	r = find_row(&res, "near");
	if (r)
		ASSERT_DBL_LT(r->rel_low, 0.05, "near: CI reaches below the effect");
	r = find_row(&res, "slower");
	if (r) {
		ASSERT_DBL_GT(r->rel_low, 0.05, "slower: CI beyond the effect");
		ASSERT_TRUE(isfinite(r->mde) && r->mde > 0.05, "MDE computed");
	}
	ASSERT_EQ(res.family, 4, "family of judged points");
	ASSERT_EQ(cmp_gate(&res), 1, "gate fails");
	done(&old, &new, &res);
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
	if (compare_rounds(pts, 1, false, 0.05, &old, &new, &res)) {
		expect(&res, "hit", CMP_SLOWER, CMP_M_RANKS);
		done(&old, &new, &res);
	}
	if (!compare_rounds(pts, 41, false, 0.05, &old, &new, &res))
		return;
	ASSERT_EQ(res.family, 41, "family of 41");
	expect(&res, "hit", CMP_UNCHANGED, CMP_M_RANKS);
	r = find_row(&res, "hit");
	if (r) {
		ASSERT_DBL_LT(r->p_slow, 0.025, "hit alone would be slower");
		ASSERT_DBL_GT(r->q_slow, 0.025, "adjusted for 41 points it is not");
		ASSERT_TRUE(isinf(r->mde), "MDE: cannot be judged alone here");
	}
	ASSERT_EQ(cmp_gate(&res), 0, "gate passes");
	done(&old, &new, &res);
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

	if (compare_rounds(pts, 2, true, 0.01, &old, &new, &res)) {
		expect(&res, "b_slower", CMP_SLOWER, CMP_M_PAIRED);
		expect(&res, "a_a", CMP_UNCHANGED, CMP_M_PAIRED);
		r = find_row(&res, "b_slower");
		if (r)
			ASSERT_DBL_NEAR(r->rel, 0.03, 0.005, "paired ratio");
		r = find_row(&res, "a_a");
		if (r)
			ASSERT_EQ(r->marks, ROUND_MARK_BIMODAL, "marks carried");
		ASSERT_EQ(res.marked, 1, "marked rows counted");
		done(&old, &new, &res);
	}
	/* the same rounds, not paired: 3% inside the rounds' 3% spread */
	if (compare_rounds(pts, 1, false, 0.01, &old, &new, &res)) {
		expect(&res, "b_slower", CMP_UNCHANGED, CMP_M_RANKS);
		done(&old, &new, &res);
	}
}

void test_compare(void)
{
	if (test__start_subtest("verdicts"))
		test_verdicts();
	if (test__start_subtest("identical"))
		test_identical();
	if (test__start_subtest("noise"))
		test_noise();
	if (test__start_subtest("missing_extra"))
		test_missing_extra();
	if (test__start_subtest("environment"))
		test_environment();
	if (test__start_subtest("emulated"))
		test_emulated();
	if (test__start_subtest("gate"))
		test_gate();
	if (test__start_subtest("files"))
		test_files();
	if (test__start_subtest("options"))
		test_options();
	if (test__start_subtest("two_runs"))
		test_two_runs();
	if (test__start_subtest("multiplicity"))
		test_multiplicity();
	if (test__start_subtest("paired"))
		test_paired();
}
