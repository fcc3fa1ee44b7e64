// SPDX-License-Identifier: GPL-2.0
/*
 * Property 2c: working sets. One lookup per frame whose key changes on
 * every run, over W = 1 ... 1Mi distinct entries of a hash, LRU hash,
 * array and LPM trie map (sweep points ws_<type>_<W>, --working-set W):
 * the curve of ns/pkt against W shows where the map stops fitting in
 * L1, L2 and the last-level cache (their sizes are in the environment).
 *
 * No timing is asserted. What is: the loaded program does exactly one
 * lookup of its map (and one of its position); the position advanced by
 * exactly one per run, over a warm-up of W runs (every entry once) and
 * the timed runs after it, which meet each entry again after W others;
 * and, on ws_array_update_1024, which entry each run touches
 * is the one gen_ws_index() says.
 */
#define _GNU_SOURCE
#include <limits.h>

#include "test_perf.h"
#include "fwd_bench.h"
#include "gen_prog.h"
#include "results.h"
#include "runner.h"
#include "sweep.h"
#include "util.h"

#define SWEEP_DIR	"gen-progs"
#define WS_MAX_POINTS	32

static const enum gen_map_type ws_types[] = {
	GEN_MAP_HASH, GEN_MAP_LRU_HASH, GEN_MAP_ARRAY, GEN_MAP_LPM_TRIE,
};

struct ws_ctx {
	struct gen_point *points;
	int nr_points;
	char dir[PATH_MAX];
	struct xlated_prog empty;
	int size;		/* the profile's smallest frame */
};

static int cmp_ws(const void *a, const void *b, void *arg)
{
	const struct gen_point *pts = arg;
	long wa = pts[*(const int *)a].spec.working_set;
	long wb = pts[*(const int *)b].spec.working_set;

	return wa < wb ? -1 : wa > wb;
}

/* The lookup points of one map type in this profile, W ascending. */
static int select_type(const struct ws_ctx *c, enum gen_map_type type,
		       int *idx)
{
	int n = 0;

	for (int i = 0; i < c->nr_points && n < WS_MAX_POINTS; i++) {
		const struct gen_spec *s = &c->points[i].spec;

		if (s->working_set && s->map_type == type && !s->miss &&
		    s->map_op == GEN_OP_LOOKUP && sweep_in_profile(&c->points[i]))
			idx[n++] = i;
	}
	qsort_r(idx, n, sizeof(*idx), cmp_ws, c->points);
	return n;
}

/*
 * W untimed runs first: every entry touched once, so that the timed runs,
 * however few a slow map gets, meet each entry again after W others (the
 * steady state of the working set, not a cold start).
 */
static int warm_up(struct bpf_object *obj, const struct gen_point *p, int size)
{
	struct fwd_bench fb;

	return fwd_bench_init(&fb, obj, false) ?:
	       fwd_bench_run(&fb, bpf_program__fd(gen_entry_prog(obj)), size,
			     p->spec.working_set, NULL);
}

static void measure_ws_point(struct ws_ctx *c, const struct gen_point *p,
			     const char *variant)
{
	struct point_id key = {
		.property = "working_set", .n = p->spec.working_set,
		.variant = variant, .op = "lookup_hit",
		.frame_size = c->size, .mode = "test_run",
	};
	struct bpf_object *obj = sweep_load_point(c->dir, &c->empty, p);
	struct measure_result res;
	__u64 before, after, distinct;
	char why[256];

	if (!obj)
		return;
	if (!ASSERT_OK(gen_read_ws_pos(obj, &before), "read the position") ||
	    !ASSERT_OK(warm_up(obj, p, c->size), "warm-up: every entry once"))
		goto out;
	if (sweep_measure_point(obj, p, c->size, &res, why, sizeof(why))) {
		test__log("%s: %s", p->name, why);
		ASSERT_TRUE(false, "point measured and valid");
		goto out;
	}
	if (!ASSERT_OK(gen_read_ws_pos(obj, &after), "read the position"))
		goto out;
	/* + 1 + W: the validation run and the warm-up, between the reads too */
	if (gen_check_ws(&p->spec, before, after,
			 res.runs + 1 + p->spec.working_set, &distinct,
			 why, sizeof(why))) {
		test__log("%s: %s", p->name, why);
		ASSERT_TRUE(false, "one access per run");
		goto out;
	}
	/* every entry of the working set was looked up, at least once */
	ASSERT_EQ(distinct, p->spec.working_set, "distinct entries touched");
	measure_record(&key, &res);
	test__info("  %s: W=%ld, %llu timed runs after a warm-up of W, %llu distinct entries",
		   p->name, p->spec.working_set, (unsigned long long)res.runs,
		   (unsigned long long)distinct);
out:
	bpf_object__close(obj);
}

static void run_type(struct ws_ctx *c, enum gen_map_type type)
{
	char name[64];
	int idx[WS_MAX_POINTS], n;

	snprintf(name, sizeof(name), "%s_lookup_hit", gen_map_type_name(type));
	n = select_type(c, type, idx);
	if (!n || !test__start_subtest(name))
		return;
	for (int i = 0; i < n && !test__stopping(); i++) {
		test__progress(i, n);
		measure_ws_point(c, &c->points[idx[i]], gen_map_type_name(type));
	}
	test__progress(n, n);
}

/* gen_ws_index() visits each of W entries once in W positions. */
static void check_permutation(void)
{
	struct gen_spec spec = { .working_set = 1 };
	unsigned char *seen;
	bool ok = true;

	for (; spec.working_set <= 1L << 20 && ok; spec.working_set <<= 2) {
		seen = calloc(spec.working_set, 1);
		if (!ASSERT_OK_PTR(seen, "calloc"))
			return;
		for (long p = 0; p < spec.working_set; p++)
			seen[gen_ws_index(&spec, p + 7 * spec.working_set)]++;
		for (long i = 0; i < spec.working_set && ok; i++)
			ok = ASSERT_EQ(seen[i], 1, "each entry once per W positions");
		free(seen);
	}
}

static int set_position(struct bpf_object *obj, __u64 pos)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "xdpgen_ws");
	int nr = libbpf_num_possible_cpus(), err;
	__u64 *vals;
	__u32 key = 0;

	if (!map || nr < 1)
		return -ENOENT;
	vals = calloc(nr, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	for (int i = 0; i < nr; i++)
		vals[i] = pos;
	err = bpf_map_update_elem(bpf_map__fd(map), &key, vals, BPF_ANY);
	free(vals);
	return err ? -errno : 0;
}

/* The one entry of xdpgen_map whose value is no longer gen_map_value(). */
static long changed_entry(struct bpf_object *obj, long entries)
{
	int fd = bpf_map__fd(bpf_object__find_map_by_name(obj, "xdpgen_map"));
	long found = -1, changed = 0;
	__u64 v;

	for (__u32 i = 0; i < entries; i++) {
		if (bpf_map_lookup_elem(fd, &i, &v))
			return -2;
		if (v != gen_map_value(i)) {
			found = i;
			changed++;
		}
	}
	return changed == 1 ? found : -1 - changed;
}

/* One run at position p updates exactly entry gen_ws_index(p). */
static void check_touched_entry(struct ws_ctx *c)
{
	const struct gen_point *p = gen_sweep_find(c->points, c->nr_points,
						   "ws_array_update_1024");
	unsigned char pkt[PKT_MAX_FRAME];
	struct bpf_object *obj;
	struct fwd_bench fb;
	__u32 len, verdict;
	double ns;

	if (!p) {
		test__skip("no ws_array_update_1024 in the sweep");
		return;
	}
	obj = sweep_load_point(c->dir, &c->empty, p);
	if (!obj)
		return;
	if (!ASSERT_OK(fwd_bench_init(&fb, obj, false), "configure the forwarder") ||
	    !ASSERT_OK(fwd_bench_frame(&fb, c->size, pkt, NULL, &len), "frame"))
		goto out;
	for (__u64 pos = 0; pos < 4 * 1024; pos += 1021) {
		__u64 after;
		long want = gen_ws_index(&p->spec, pos);

		if (!ASSERT_OK(gen_prepare(obj, &p->spec), "restore the entries") ||
		    !ASSERT_OK(set_position(obj, pos), "set the position") ||
		    !ASSERT_OK(measure_call_ns(bpf_program__fd(gen_entry_prog(obj)),
					       pkt, len, 1, &ns, NULL, &verdict),
			       "one run"))
			break;
		if (!ASSERT_EQ(changed_entry(obj, p->spec.map_entries), want,
			       "the entry the run updated") ||
		    !ASSERT_OK(gen_read_ws_pos(obj, &after), "position") ||
		    !ASSERT_EQ(after, pos * libbpf_num_possible_cpus() + 1,
			       "position advanced by one"))
			break;
	}
out:
	bpf_object__close(obj);
}

static int ws_setup(struct ws_ctx *c)
{
	char path[PATH_MAX], err[256];
	int sorted[PERF_MAX_SIZES];

	if (test__path(path, sizeof(path), SWEEP_DIR "/sweep.conf")) {
		test__skip("%s/sweep.conf not found beside test_perf: run make",
			   SWEEP_DIR);
		return -ENOENT;
	}
	if (results_env()->jit_harden >= 2) {
		test__skip("net.core.bpf_jit_harden=2 blinds constants: instruction counts do not apply");
		return -EPERM;
	}
	if (!ASSERT_OK(gen_sweep_read(path, &c->points, &c->nr_points, err,
				      sizeof(err)), err))
		return -EINVAL;
	snprintf(c->dir, sizeof(c->dir), "%s/" SWEEP_DIR, test__exe_dir());
	if (!ASSERT_OK(gen_load_baseline(c->dir, false, &c->empty),
		       "load the empty program (baseline of the formulas)"))
		return -EINVAL;
	memcpy(sorted, env.sizes, env.nr_sizes * sizeof(int));
	qsort(sorted, env.nr_sizes, sizeof(int), cmp_int);
	c->size = sorted[0];	/* the working set does not depend on it */
	return 0;
}

void test_working_set(void)
{
	struct ws_ctx c = {};

	if (test__start_subtest("permutation"))
		check_permutation();
	if (!test__need_bpf() || ws_setup(&c))
		goto out;
	if (test__start_subtest("touched_entry"))
		check_touched_entry(&c);
	for (size_t t = 0; t < ARRAY_SIZE(ws_types) && !test__stopping(); t++)
		run_type(&c, ws_types[t]);
out:
	xlated_free(&c.empty);
	free(c.points);
}
