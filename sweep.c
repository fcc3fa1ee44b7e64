// SPDX-License-Identifier: GPL-2.0
/*
 * Property sweeps over the generated programs.
 *
 * For one property, every point of gen-progs/sweep.conf whose primary
 * property it is (only the "quick" ones with --quick) is grouped by variant
 * (one subtest each, e.g. map_access/hash_lookup_hit), loaded, checked
 * against the formulas on its translated instructions, prepared (maps,
 * prog array), measured by the engine at the frame sizes, checked again
 * through its runtime counters, and recorded. Each variant's points are
 * then fitted, ns/pkt = a + b * N, per frame size: the cost model.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <math.h>

#include "test_perf.h"
#include "results.h"
#include "fwd_bench.h"
#include "runner.h"
#include "sweep.h"
#include "gen_prog.h"
#include "util.h"

#define SWEEP_DIR	"gen-progs"
#define SWEEP_CONF	SWEEP_DIR "/sweep.conf"
#define GROUP_MAX	64

struct sweep_ctx {
	const struct sweep_opts *opts;
	struct gen_point *points;
	int nr_points;
	char dir[PATH_MAX];
	struct xlated_prog empty;
	int sizes[PERF_MAX_SIZES];
	int nr_sizes;
};

/* Map variants also differ by size and key: those make their own group. */
static void group_names(const struct gen_spec *spec, char *group,
			char *variant, char *op, size_t len)
{
	char v[64];
	int def_key;

	gen_spec_variant(spec, v, sizeof(v));
	op[0] = '\0';
	if (!gen_has(spec, GEN_P_MAP)) {
		snprintf(variant, len, "%s",
			 *v ? v : gen_prop_name(gen_spec_primary(spec)));
		snprintf(group, len, "%s", variant);
		return;
	}
	def_key = spec->map_type == GEN_MAP_LPM_TRIE ? GEN_DEF_LPM_KEY_SIZE :
						       GEN_DEF_KEY_SIZE;
	snprintf(variant, len, "%s", gen_map_type_name(spec->map_type));
	if (spec->map_entries != GEN_DEF_MAP_ENTRIES)
		snprintf(variant + strlen(variant), len - strlen(variant),
			 "_e%ld", spec->map_entries);
	if (spec->key_size != def_key)
		snprintf(variant + strlen(variant), len - strlen(variant),
			 "_k%d", spec->key_size);
	snprintf(op, len, "%s_%s", gen_map_op_name(spec->map_op),
		 spec->miss ? "miss" : "hit");
	snprintf(group, len, "%s_%s", variant, op);
}

bool sweep_in_profile(const struct gen_point *p)
{
	return p->quick || !env.quick;
}

static bool in_sweep(const struct gen_point *p, enum gen_prop prop)
{
	/* working sets have their own test (working_set) */
	return !p->spec.offload && !p->spec.working_set &&
	       sweep_in_profile(p) && gen_spec_primary(&p->spec) == (int)prop;
}

/* All sizes, or the smallest, middle and largest (only the smallest in
 * the quick profile): most properties do not touch the payload. */
static void pick_sizes(struct sweep_ctx *c)
{
	int sorted[PERF_MAX_SIZES], n = env.nr_sizes;

	memcpy(sorted, env.sizes, n * sizeof(int));
	qsort(sorted, n, sizeof(int), cmp_int);
	if (c->opts->all_sizes) {
		memcpy(c->sizes, sorted, n * sizeof(int));
		c->nr_sizes = n;
		return;
	}
	c->sizes[c->nr_sizes++] = sorted[0];
	if (env.quick || n == 1)
		return;
	if (n > 2)
		c->sizes[c->nr_sizes++] = sorted[n / 2];
	c->sizes[c->nr_sizes++] = sorted[n - 1];
}

static int sweep_setup(struct sweep_ctx *c)
{
	char path[PATH_MAX], err[256];

	if (test__path(path, sizeof(path), SWEEP_CONF)) {
		test__skip("%s not found beside test_perf: run make", SWEEP_CONF);
		return -ENOENT;
	}
	if (results_env()->jit_harden >= 2) {
		test__skip("net.core.bpf_jit_harden=2 blinds constants: instruction counts do not apply");
		return -EPERM;
	}
	if (gen_sweep_read(path, &c->points, &c->nr_points, err, sizeof(err))) {
		test__log("%s: %s", path, err);
		ASSERT_TRUE(false, "sweep.conf readable");
		return -EINVAL;
	}
	snprintf(c->dir, sizeof(c->dir), "%s/" SWEEP_DIR, test__exe_dir());
	if (!ASSERT_OK(gen_load_baseline(c->dir, false, &c->empty),
		       "load the empty program (baseline of the formulas)"))
		return -EINVAL;
	pick_sizes(c);
	return 0;
}

int sweep_measure_point(struct bpf_object *obj, const struct gen_point *p,
			int size, struct measure_result *res, char *why,
			size_t len)
{
	struct gen_counters before, after;
	struct fwd_bench fb;
	bool counters;
	int err;

	err = fwd_bench_init(&fb, obj, false);
	if (err) {
		snprintf(why, len, "not built on the forwarder: %s",
			 strerror(-err));
		return err;
	}
	counters = !gen_read_counters(obj, &before);
	err = fwd_bench_measure(&fb, bpf_program__fd(gen_entry_prog(obj)),
				size, res);
	if (err) {
		snprintf(why, len, "%s", res->error);
		return err;
	}
	if (!counters)
		return 0;
	if (gen_read_counters(obj, &after)) {
		snprintf(why, len, "cannot read the runtime counters");
		return -EIO;
	}
	/* + 1: the validation run, between the two reads as well */
	return gen_check_counters(&p->spec, &before, &after, res->runs + 1,
				  why, len) ? -EBADMSG : 0;
}

struct bpf_object *sweep_load_point(const char *dir,
				    const struct xlated_prog *empty,
				    const struct gen_point *p)
{
	struct bpf_object *obj = gen_object_load(dir, p->name);
	char why[256];

	if (!ASSERT_OK_PTR(obj, p->name))
		return NULL;
	if (!ASSERT_OK(gen_prepare(obj, &p->spec), "fill maps / prog array"))
		goto fail;
	if (gen_check_loaded(obj, &p->spec, empty, why, sizeof(why))) {
		test__log("%s: %s", p->name, why);
		ASSERT_TRUE(false, "loaded program has its property");
		goto fail;
	}
	return obj;
fail:
	bpf_object__close(obj);
	return NULL;
}

static void measure_group_point(struct sweep_ctx *c, const struct gen_point *p,
				const char *variant, const char *op)
{
	struct bpf_object *obj = sweep_load_point(c->dir, &c->empty, p);
	char why[256];

	if (!obj)
		return;
	for (int s = 0; s < c->nr_sizes && !test__stopping(); s++) {
		struct point_key key = {
			.property = gen_prop_name(c->opts->prop),
			.n = gen_spec_n(&p->spec), .variant = variant,
			.op = op, .frame_size = c->sizes[s],
			.mode = "test_run",
		};
		struct measure_result res;

		if (sweep_measure_point(obj, p, c->sizes[s], &res, why,
					sizeof(why))) {
			test__log("%s at %d B: %s", p->name, c->sizes[s], why);
			ASSERT_TRUE(false, "point measured and valid");
			continue;
		}
		measure_record(&key, &res);
	}
	bpf_object__close(obj);
}

static void fit_group(struct sweep_ctx *c, const struct gen_point *p,
		      const char *group, const char *variant, const char *op)
{
	char what[128];

	snprintf(what, sizeof(what), "%s (%s)", c->opts->unit, group);
	for (int s = 0; s < c->nr_sizes; s++) {
		struct point_key key = {
			.property = gen_prop_name(c->opts->prop),
			.variant = variant, .op = op,
			.frame_size = c->sizes[s], .mode = "test_run",
		};
		struct linear_fit fit;

		if (results_fit_sweep(&key, what, &fit)) {
			test__info("%s at %d B: fewer than 3 N measured, no fit",
				   group, c->sizes[s]);
			continue;
		}
		test__info("%s at %d B: b = %.4f ns per %s [%.4f, %.4f], a = %.2f ns, R^2 = %.4f",
			   group, c->sizes[s], fit.b, c->opts->unit,
			   fit.b_ci95_low, fit.b_ci95_high, fit.a, fit.r2);
		ASSERT_TRUE(isfinite(fit.r2) && isfinite(fit.b), "fit computed, R^2 reported");
		if (!c->opts->must_cost || !c->opts->must_cost(&p->spec))
			continue;
		/* an emulator's timings say nothing about the CPU's costs */
		if (results_env()->emulated)
			test__info("%s: emulated CPU, cost not asserted", group);
		else
			ASSERT_DBL_GT(fit.b_ci95_low, 0.0,
				      "cost per unit resolved (95% CI of b above 0)");
	}
}

static int cmp_n(const void *a, const void *b, void *arg)
{
	const struct gen_point *pts = arg;
	long na = gen_spec_n(&pts[*(const int *)a].spec);
	long nb = gen_spec_n(&pts[*(const int *)b].spec);

	return na < nb ? -1 : na > nb;
}

int sweep_select(const struct gen_point *pts, int nr, enum gen_prop prop,
		 const char *group, int *idx, int max)
{
	char g[64], first[64] = "", variant[64], op[64];
	int n = 0, i;

	for (i = 0; i < nr && n < max; i++) {
		if (!in_sweep(&pts[i], prop))
			continue;
		group_names(&pts[i].spec, g, variant, op, sizeof(g));
		if (!group && !*first)
			snprintf(first, sizeof(first), "%s", g);
		if (!strcmp(g, group ?: first))
			idx[n++] = i;
	}
	qsort_r(idx, n, sizeof(int), cmp_n, (void *)pts);
	return n;
}

/* One subtest: every point of group, N ascending, then the fit. */
static void run_group(struct sweep_ctx *c, const char *group)
{
	char g[64], variant[64], op[64];
	int idx[GROUP_MAX], n;

	n = sweep_select(c->points, c->nr_points, c->opts->prop, group, idx,
			 GROUP_MAX);
	if (!n || !test__start_subtest(group))
		return;
	group_names(&c->points[idx[0]].spec, g, variant, op, sizeof(g));
	for (int i = 0; i < n && !test__stopping(); i++) {
		test__progress(i, n);
		measure_group_point(c, &c->points[idx[i]], variant, op);
	}
	test__progress(n, n);
	fit_group(c, &c->points[idx[0]], group, variant, op);
}

void sweep_run(const struct sweep_opts *opts)
{
	struct sweep_ctx c = { .opts = opts };
	char seen[GROUP_MAX][64];
	int nr_seen = 0;

	if (!test__need_bpf() || sweep_setup(&c))
		goto out;
	/* groups in the order sweep.conf lists them */
	for (int i = 0; i < c.nr_points && !test__stopping(); i++) {
		char g[64], variant[64], op[64];
		bool done = false;

		if (!in_sweep(&c.points[i], opts->prop))
			continue;
		group_names(&c.points[i].spec, g, variant, op, sizeof(g));
		for (int j = 0; j < nr_seen; j++)
			done |= !strcmp(seen[j], g);
		if (done || nr_seen == GROUP_MAX)
			continue;
		snprintf(seen[nr_seen++], sizeof(seen[0]), "%s", g);
		run_group(&c, g);
	}
out:
	xlated_free(&c.empty);
	free(c.points);
}
