// SPDX-License-Identifier: GPL-2.0
/*
 * --obj A.o [--prog NAME] --vs B.o [--vs-prog NAME]: is B slower than A?
 *
 * Both programs are measured in the same rounds, each round a fresh load
 * of both, and within a round at every frame size (in a random order)
 * one right after the other (in a random order): the two sides of a pair
 * see the same state of the machine, so what a neighbour's burst does to
 * one it mostly does to the other, and the per-round ratio B/A cancels
 * it. The ratio's CI comes from the rounds' ratios (compare.c, paired),
 * the verdict from --min-effect (VS_MIN_EFFECT unless given), --gate
 * fails on "slower", --out writes the files --compare writes plus both
 * programs' data. A program compared with itself is two loads of one
 * object: placement differences between loads are part of the noise.
 */
#include <math.h>

#include "test_perf.h"
#include "compare.h"
#include "dataset.h"
#include "results.h"
#include "rounds.h"
#include "test_run.h"
#include "obj/user_obj.h"

/* Paired rounds resolve 1%: the default effect (see docs/report.md). */
#define VS_MIN_EFFECT	0.01
#define VS_ROUNDS	20
#define VS_QUICK_ROUNDS	10
#define VS_LOOPS	2
#define __VS_STR(x)	#x
#define VS_STR(x)	__VS_STR(x)

#define EXIT_USAGE	2
#define EXIT_SKIP	4

static const char *vs_path, *vs_prog;

/* Each side's points in a subtest of its own ("A", "B"). */
static void side_key(struct round_prog *p, const char *side)
{
	p->key = (struct point_id){
		.property = "obj", .n = -1, .variant = p->name,
		.mode = "test_run",
	};
	p->subtest = side;
}

static void record_side(const struct round_set *rs, struct round_prog *p,
			const char *side, int *failed)
{
	env.subtest_name = side;
	for (int s = 0; s < p->nr_sizes; s++) {
		if (rounds_record(rs, p, s, &p->key)) {
			printf("%s %5d B: FAIL %s\n", side, p->sizes[s],
			       p->series[s].err ? p->series[s].why :
			       p->load_why);
			(*failed)++;
		}
	}
	env.subtest_name = NULL;
}

static bool on_side(const struct ds_point *p, void *side)
{
	return !strcmp(p->id.subtest, side);
}

/* One side of this run's points, keyed so that A's and B's match. */
static int side_dataset(const char *side, const char *path,
			struct dataset *ds)
{
	int err = ds_from_results(ds);

	if (err)
		return err;
	ds_filter(ds, on_side, (void *)side);
	snprintf(ds->source, sizeof(ds->source), "%s (%s)", side, path);
	for (int i = 0; i < ds->nr_pts && !err; i++)
		err = ds_set_str(&ds->pts[i].id.subtest, "") ?:
		      ds_set_str(&ds->pts[i].id.variant, "");
	return err;
}

static const struct cmp_row *find_row(const struct cmp_result *res, int size)
{
	for (int i = 0; i < res->nr_rows; i++)
		if (res->rows[i].old->id.frame_size == size &&
		    !strcmp(res->rows[i].old->id.metric, "ns_per_pkt"))
			return &res->rows[i];
	return NULL;
}

static void print_pairs(const struct cmp_result *res, const int *sizes,
			int nr)
{
	printf("%7s %12s %12s %9s %21s  %s\n", "frame", "A ns/pkt",
	       "B ns/pkt", "B/A", "95% CI of B/A", "verdict");
	for (int s = 0; s < nr; s++) {
		const struct cmp_row *r = find_row(res, sizes[s]);

		if (!r)
			continue;
		printf("%5d B %12.3f %12.3f %9.4f    [%.4f, %.4f]  %s\n",
		       sizes[s], r->old->st.mean, r->new->st.mean, 1 + r->rel,
		       1 + r->rel_low, 1 + r->rel_high,
		       cmp_verdict_str(r->verdict));
	}
}

static int compare_sides(const struct round_set *rs, bool *gate_failed)
{
	struct dataset da, db;
	struct cmp_result res;
	struct cmp_opts opts;
	bool gate, effect_set;
	char err[512];
	int ret;

	opts = *cmp_cli_opts(&gate, &effect_set);
	if (!effect_set)
		opts.min_effect = VS_MIN_EFFECT;
	opts.paired = true;
	ret = side_dataset("A", env.obj_path, &da);
	if (!ret)
		ret = side_dataset("B", vs_path, &db);
	if (!ret)
		ret = cmp_run(&da, &db, &opts, &res, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "test_perf: --vs: cannot compare: %s\n",
			strerror(-ret));
		return ret;
	}
	print_pairs(&res, rs->progs[0]->sizes, rs->progs[0]->nr_sizes);
	ret = cmp_show(&res, env.out_dir, gate);
	*gate_failed = gate && cmp_gate(&res);
	cmp_free(&res);
	ds_free(&da);
	ds_free(&db);
	return ret;
}

int vs_main(int argc, char **argv)
{
	struct round_prog *a = NULL, *b = NULL;
	char desc_a[512], desc_b[512];
	bool gate_failed = false;
	struct round_set rs;
	int failed = 0, ret = EXIT_USAGE;

	if (argc)
		perf_usage_error("unexpected argument '%s'", argv[0]);
	if (!env.obj_path)
		perf_usage_error("--vs B.o compares B with --obj A.o: give both");
	if (!env.can_bpf) {
		fprintf(stderr, "test_perf: --vs: %s\n", env.no_bpf_reason);
		return EXIT_SKIP;
	}
	a = user_obj_prog(env.obj_path, env.obj_prog, desc_a, sizeof(desc_a));
	if (a)
		b = user_obj_prog(vs_path, vs_prog, desc_b, sizeof(desc_b));
	if (!a || !b)
		goto out;
	env.test_name = "vs";
	side_key(a, "A");
	side_key(b, "B");
	ret = rounds_init_with(&rs, env.quick ? VS_QUICK_ROUNDS : VS_ROUNDS,
			       VS_LOOPS);
	if (!ret) {
		rs.paired = true;
		ret = rounds_add(&rs, a) ?: rounds_add(&rs, b);
	}
	if (ret) {
		fprintf(stderr, "test_perf: --vs: out of memory\n");
		goto out_rounds;
	}
	printf("A: %s\nB: %s\n%d rounds x %d loops, A and B in turn at each frame size\n",
	       desc_a, desc_b, rs.rounds, rs.loops);
	rounds_run(&rs);
	record_side(&rs, a, "A", &failed);
	record_side(&rs, b, "B", &failed);
	if (env.out_dir && results_count() && !results_write(env.out_dir))
		printf("Results: %d points in %s/data.csv and data.json\n",
		       results_count(), env.out_dir);
	ret = compare_sides(&rs, &gate_failed) ? 1 :
	      failed || gate_failed ? 1 : 0;
	if (test_run_stop_signal())
		ret = 128 + test_run_stop_signal();
out_rounds:
	rounds_free(&rs);
out:
	user_obj_prog_free(a);
	user_obj_prog_free(b);
	return ret;
}

PERF_OPTION(vs, .name = "vs", .arg = "B.o", .group = PERF_GRP_COMPARISON,
	    .type = PERF_OPT_STRING, .dest = &vs_path, .on_given = cmp_cli_claim,
	    .help = "with --obj A.o: measure A and B in the same rounds; is B slower? --gate and --out as --compare; unless given: " VS_STR(VS_ROUNDS) " rounds, --quick " VS_STR(VS_QUICK_ROUNDS) ", of " VS_STR(VS_LOOPS) " loops, --min-effect " VS_STR(VS_MIN_EFFECT));
PERF_OPTION(vs_prog, .name = "vs-prog", .arg = "NAME",
	    .group = PERF_GRP_COMPARISON, .type = PERF_OPT_STRING,
	    .dest = &vs_prog,
	    .help = "the program of --vs B.o (default: its first XDP program)");
