// SPDX-License-Identifier: GPL-2.0
/*
 * A few points of each property sweep on the wire, in XDP generic and
 * native mode, so that what a property costs in a microbenchmark can be
 * set beside what it costs on a data path.
 *
 * The programs are gen/xdpgen's (gen-progs/NAME.bpf.o, listed in
 * gen-progs/sweep.conf): for every property the first variant of the sweep
 * and three of its N (smallest, middle, largest of the profile), plus the
 * empty program as baseline. Each point is first checked on the wire at a
 * rate well below what it can take (derived from its own cost: a loop of
 * 65536 iterations takes ~90 us a frame): every frame accounted for by
 * cause, the property's runtime counters moved by exactly what the spec
 * says (tail call hops, loop iterations). Then it is measured: full-load
 * rate and CPU cost. The offload variants (off_*) run on --offload-dev
 * when one is named.
 */
#include <linux/if_link.h>

#include "test_perf.h"
#include "results.h"
#include "sweep.h"
#include "util.h"
#include "wire/wire.h"
#include "gen_prog.h"

#define SWEEP_CONF		"gen-progs/sweep.conf"
#define POINTS_PER_PROP		3

struct props_ctx {
	struct wire_session *s;		/* opened on first use */
	struct gen_point *points;
	int nr_points;
	/* per property: indexes into points of the selected ones */
	int sel[GEN_P_MAX][POINTS_PER_PROP];
	int nr_sel[GEN_P_MAX];
	int empty;		/* index of the empty program, -1 if none */
};

/*
 * For property prop: the points of the first variant its sweep measures,
 * sorted by N; keep the smallest, the middle and the largest.
 */
static void select_prop(struct props_ctx *c, enum gen_prop prop)
{
	int idx[512], n;

	n = sweep_select(c->points, c->nr_points, prop, NULL, idx,
			 ARRAY_SIZE(idx));
	if (!n)
		return;
	c->sel[prop][c->nr_sel[prop]++] = idx[0];
	if (n > 2)
		c->sel[prop][c->nr_sel[prop]++] = idx[n / 2];
	if (n > 1)
		c->sel[prop][c->nr_sel[prop]++] = idx[n - 1];
}

static int props_read_sweep(struct props_ctx *c, char *err, size_t len)
{
	char path[512];
	int i, ret;

	c->empty = -1;
	if (test__path(path, sizeof(path), SWEEP_CONF))
		return -ENAMETOOLONG;
	ret = gen_sweep_read(path, &c->points, &c->nr_points, err, len);
	if (ret)
		return ret;
	for (i = 0; i < c->nr_points; i++)
		if (c->empty < 0 && !c->points[i].spec.offload &&
		    gen_spec_primary(&c->points[i].spec) < 0)
			c->empty = i;
	for (i = 0; i < GEN_P_MAX; i++)
		select_prop(c, i);
	return 0;
}

/* gen-progs/NAME.bpf.o of point p, opened, not loaded yet. */
static struct bpf_object *open_point(const struct gen_point *p)
{
	struct bpf_object *obj;
	char path[512], rel[128];

	snprintf(rel, sizeof(rel), "gen-progs/%s.bpf.o", p->name);
	if (test__path(path, sizeof(path), rel))
		return NULL;
	obj = bpf_object__open_file(path, NULL);
	return ASSERT_OK_PTR(obj, p->name) ? obj : NULL;
}

static struct bpf_object *load_point(const struct gen_point *p)
{
	struct bpf_object *obj = open_point(p);

	if (!obj)
		return NULL;
	if (!ASSERT_OK(bpf_object__load(obj), "load") ||
	    !ASSERT_OK(gen_prepare(obj, &p->spec), "gen_prepare")) {
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

/*
 * Every frame accounted for by cause at a rate the point can take, and the
 * property's own counters agree with the runs the DUT saw in the check.
 */
static bool check_point(struct props_ctx *c, struct bpf_object *obj,
			const struct gen_point *p, unsigned int frame_size)
{
	struct gen_counters before, after;
	struct wire_check_result chk;
	struct wire_trial_cfg cfg;
	bool counters;
	char why[256];

	wire_check_defaults(&c->s->w, &cfg, frame_size);
	counters = !gen_read_counters(obj, &before);
	if (!wire_session_check(c->s, &cfg, &chk))
		return false;
	if (!counters)
		return true;
	if (!ASSERT_OK(gen_read_counters(obj, &after), "gen_read_counters"))
		return false;
	if (gen_check_counters(&p->spec, &before, &after, chk.dut_seen, why,
			       sizeof(why))) {
		test__log("%s: %s", p->name, why);
		return ASSERT_TRUE(false, "runtime counters of the property");
	}
	return true;
}

static void run_point(struct props_ctx *c, const struct gen_point *p,
		      enum wire_mode mode)
{
	/*
	 * Many points, each a comparison with its microbenchmark: 100 ms
	 * trials (~0.6 million frames) keep 30 repetitions of all of them
	 * inside the evaluation's budget, unless --duration says otherwise.
	 */
	struct wire_measure_cfg mc = {
		.cpu = true,
		.duration_ms = wire_opts.duration_set ? 0 : 100,
	};
	int sizes[PERF_MAX_SIZES], nr = wire_sizes(sizes, PERF_MAX_SIZES);
	int primary = gen_spec_primary(&p->spec);
	struct wire_point *pt = NULL;
	char variant[64] = "", op[64] = "";
	struct bpf_object *obj;

	/* payload bytes exist only in long frames */
	mc.frame_size = primary == GEN_P_PAYLOAD ? sizes[nr - 1] : sizes[0];
	obj = load_point(p);
	if (!obj)
		return;
	if (!wire_session_attach(c->s, obj, gen_entry_prog(obj), mode) ||
	    !check_point(c, obj, p, mc.frame_size))
		goto out;
	pt = wire_session_measure(c->s, &mc);
	if (!pt)
		goto out;
	test__info("%s %s %u B: %.3f Mpps, DUT program %.1f ns/pkt",
		   wire_mode_name(mode), p->name, mc.frame_size,
		   pt->mpps_max[0], pt->prog_ns[0]);
	/* the key its property test records: both paths in one figure */
	if (primary >= 0)
		sweep_point_key(&p->spec, variant, op, sizeof(variant));
	wire_results_add(pt, primary < 0 ? "empty" : gen_prop_name(primary),
			 primary < 0 ? 0 : gen_spec_n(&p->spec), variant, op,
			 mc.frame_size, mode, false);
out:
	free(pt);
	wire_dut_detach(&c->s->w);
	bpf_object__close(obj);
}

static void subtest_prop(struct props_ctx *c, enum wire_mode mode, int prop)
{
	int i;

	if (!wire_session_ready(c->s))
		return;
	if (prop < 0) {
		if (c->empty < 0)
			test__skip("no empty program in %s", SWEEP_CONF);
		else
			run_point(c, &c->points[c->empty], mode);
		return;
	}
	if (!c->nr_sel[prop]) {
		test__skip("no %s point in %s for this profile",
			   gen_prop_name(prop), SWEEP_CONF);
		return;
	}
	for (i = 0; i < c->nr_sel[prop] && !test__stopping(); i++)
		run_point(c, &c->points[c->sel[prop][i]], mode);
}

/* off_* points on an offload-capable NIC, external generator. */
static void subtest_offload(struct props_ctx *c)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	int i, err, ran = 0;
	char why[256];

	if (!wire_opts.offload_dev[0]) {
		test__skip("no offload-capable NIC named (--offload-dev IFNAME); veth cannot offload");
		return;
	}
	for (i = 0; i < c->nr_points && !test__stopping(); i++) {
		const struct gen_point *p = &c->points[i];

		if (!p->spec.offload || !sweep_in_profile(p))
			continue;
		obj = open_point(p);
		if (!obj)
			continue;
		prog = gen_entry_prog(obj);
		wire_offload_bind(obj, prog);
		if (!ASSERT_OK(bpf_object__load(obj), "offload load") ||
		    !ASSERT_OK(gen_prepare(obj, &p->spec), "gen_prepare")) {
			bpf_object__close(obj);
			continue;
		}
		err = wire_dut_dev_run(obj, prog, WIRE_MODE_OFFLOAD,
				       wire_opts.offload_dev, NULL, why,
				       sizeof(why));
		bpf_object__close(obj);
		if (err == WIRE_SKIP) {
			test__skip("%s", why);
			return;
		}
		if (err)
			test__log("%s: %s", p->name, why);
		ASSERT_OK(err, "offload run");
		ran++;
	}
	if (!ran)
		test__skip("no offload point (off_*) in %s for this profile",
			   SWEEP_CONF);
}

void test_wire_props(void)
{
	static const enum wire_mode modes[] = {
		WIRE_MODE_GENERIC, WIRE_MODE_NATIVE,
	};
	struct props_ctx c = {};
	char err[256] = "", name[64];
	unsigned int m;
	int prop;

	c.s = wire_test_start();
	if (!c.s)
		return;
	if (props_read_sweep(&c, err, sizeof(err))) {
		test__skip("cannot read %s (%s): build the sweep programs (make)",
			   SWEEP_CONF, err[0] ? err : "missing");
		goto out;
	}
	for (m = 0; m < ARRAY_SIZE(modes); m++) {
		for (prop = -1; prop < GEN_P_MAX && !test__stopping(); prop++) {
			snprintf(name, sizeof(name), "%s_%s",
				 wire_mode_name(modes[m]),
				 prop < 0 ? "empty" : gen_prop_name(prop));
			if (test__start_subtest(name))
				subtest_prop(&c, modes[m], prop);
		}
	}
	if (test__start_subtest("offload"))
		subtest_offload(&c);
out:
	/* after the last point: no namespace, link, pin or program left */
	wire_test_end(c.s);
	free(c.points);
}
