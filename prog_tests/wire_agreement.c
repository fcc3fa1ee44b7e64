// SPDX-License-Identifier: GPL-2.0
/*
 * The wire against BPF_PROG_TEST_RUN for a program whose cost dominates
 * the path: a generated variant with a few thousand instructions
 * (gen-progs/insns_16384, ~4 us per packet in test_run).
 *
 * Its zero-loss rate on the wire times its test_run time per packet comes
 * close to 1; what is missing is the per-packet cost of the path around
 * the program in each XDP mode (veth receive and transmit; generic mode:
 * the skb). The test asserts what must hold whatever the machine: the
 * wire takes at least as long per packet as test_run (and so does the DUT
 * CPU), the path overhead is positive, the zero-loss rate is the DUT's
 * (not generator-limited) and every frame is accounted for. How close to
 * 1 it comes is a measurement, reported and recorded, never asserted.
 */
#include <math.h>

#include "test_perf.h"
#include "fwd_bench.h"
#include "gen_prog.h"
#include "results.h"
#include "runner.h"
#include "stats.h"
#include "sweep.h"
#include "util.h"
#include "wire/wire.h"

#define AGREE_POINT		"insns_16384"
#define AGREE_DIR		"gen-progs"

struct agree_ctx {
	struct wire_session *s;		/* opened on first use */
	struct gen_point *points;
	int nr_points;
	const struct gen_point *p;
	/*
	 * test_run ns/pkt measured before and after the wire: their mean is
	 * reported, the lower one is what the wire must not beat (a machine
	 * whose speed drifts, a VM, could otherwise fail the direction by
	 * the timing of the two).
	 */
	double test_run_ns, test_run_min;
};

static struct bpf_object *agree_load(const struct agree_ctx *c)
{
	char dir[512];
	struct bpf_object *obj;

	snprintf(dir, sizeof(dir), "%s/" AGREE_DIR, test__exe_dir());
	obj = gen_object_load(dir, c->p->name);
	if (!ASSERT_OK_PTR(obj, c->p->name))
		return NULL;
	if (!ASSERT_OK(gen_prepare(obj, &c->p->spec), "gen_prepare")) {
		bpf_object__close(obj);
		return NULL;
	}
	return obj;
}

/* test_run ns/pkt of the point at frame_size, by the engine. */
static bool agree_test_run(struct agree_ctx *c, struct bpf_object *obj,
			   unsigned int frame_size, bool record, double *ns)
{
	struct measure_result res;
	struct fwd_bench fb;
	char variant[64], op[64];
	struct point_id key = {
		.property = gen_prop_name(GEN_P_INSNS),
		.n = gen_spec_n(&c->p->spec), .variant = variant, .op = op,
		.frame_size = frame_size, .mode = "test_run",
	};

	if (!ASSERT_OK(fwd_bench_init(&fb, obj, false), "fwd_bench_init"))
		return false;
	if (fwd_bench_measure(&fb, bpf_program__fd(gen_entry_prog(obj)),
			      frame_size, &res)) {
		test__log("%s: %s", c->p->name, res.error);
		return ASSERT_TRUE(false, "test_run measurement");
	}
	/* insn_count's key: the report sets the paths side by side */
	sweep_point_key(&c->p->spec, variant, op, sizeof(variant));
	if (record)
		measure_record(&key, &res);
	*ns = res.ns.mean;
	return ASSERT_DBL_GT(*ns, 0, "test_run ns/pkt");
}

/* Path overhead and agreement per repetition; recorded with the point. */
static void agree_record(struct agree_ctx *c, const struct wire_point *pt,
			 enum wire_mode mode, unsigned int frame_size)
{
	double path[WIRE_MAX_REPS], ratio[WIRE_MAX_REPS], wire_ns;
	char variant[64], op[64];
	struct point_id key = {
		.property = gen_prop_name(GEN_P_INSNS),
		.n = gen_spec_n(&c->p->spec), .variant = variant, .op = op,
		.frame_size = frame_size, .mode = wire_mode_name(mode),
	};
	int r;

	sweep_point_key(&c->p->spec, variant, op, sizeof(variant));
	for (r = 0; r < pt->reps; r++) {
		wire_ns = pt->mpps_zero_loss[r] > 0 ?
			  1e3 / pt->mpps_zero_loss[r] : NAN;
		path[r] = wire_ns - c->test_run_ns;
		ratio[r] = pt->mpps_zero_loss[r] * 1e6 * c->test_run_ns / 1e9;
	}
	wire_results_add(pt, key.property, key.n, key.variant, key.op,
			 frame_size, mode, true);
	wire_metric_add(&key, METRIC_PATH_NS, path, pt->reps);
	wire_metric_add(&key, METRIC_TEST_RUN_RATIO, ratio, pt->reps);
	test__info("%s %s %u B: zero-loss %.4f Mpps = %.1f ns/pkt, test_run %.1f ns/pkt: zero-loss x test_run = %.3f, path overhead %.1f ns/pkt; DUT CPU %.1f ns/pkt",
		   wire_mode_name(mode), c->p->name, frame_size,
		   stats_median_finite(pt->mpps_zero_loss, pt->reps),
		   1e3 / stats_median_finite(pt->mpps_zero_loss, pt->reps),
		   c->test_run_ns, stats_median_finite(ratio, pt->reps),
		   stats_median_finite(path, pt->reps),
		   stats_median_finite(pt->dut_ns, pt->dut_reps));
}

static void agree_check(const struct agree_ctx *c, const struct wire_point *pt)
{
	int r, rated = 0;

	for (r = 0; r < pt->reps; r++) {
		if (pt->gen_limited[r])
			test__info("repetition %d: generator-limited, its zero-loss rate is a lower bound",
				   r);
		/* NaN: no rate confirmed in that repetition */
		if (isnan(pt->mpps_zero_loss[r]))
			continue;
		rated++;
		/* direction: the wire's time per packet includes test_run's */
		ASSERT_DBL_GT(1e3 / pt->mpps_zero_loss[r], c->test_run_min,
			      "wire ns/pkt > test_run ns/pkt (path overhead > 0)");
	}
	if (!rated)
		test__skip("no repetition confirmed a zero-loss rate: the DUT CPU was not quiet (other load?), nothing to compare");
	for (r = 0; r < pt->dut_reps; r++)
		ASSERT_DBL_GT(pt->dut_ns[r], c->test_run_min,
			      "DUT CPU ns/pkt > test_run ns/pkt");
}

static void subtest_mode(struct agree_ctx *c, enum wire_mode mode)
{
	/* the search and the DUT CPU at its rate; no bpf_stats, no loads */
	struct wire_measure_cfg mc = { .search = true };
	struct wire_point *pt = NULL;
	struct wire_check_result chk;
	struct wire_trial_cfg check;
	struct bpf_object *obj;
	double before, after;

	mc.frame_size = env.sizes[0];
	if (!wire_session_ready(c->s))
		return;
	obj = agree_load(c);
	if (!obj)
		return;
	/* test_run first: the wire configures the forwarder's maps its way */
	if (!agree_test_run(c, obj, mc.frame_size, true, &before))
		goto out;
	if (!wire_session_attach(c->s, obj, gen_entry_prog(obj), mode))
		goto out;
	/* the program forwards on the wire before its rate means anything */
	wire_check_defaults(&c->s->w, &check, mc.frame_size);
	if (!wire_session_check(c->s, &check, &chk))
		goto out;
	pt = wire_session_measure(c->s, &mc);
	if (!pt)
		goto out;
	wire_dut_detach(&c->s->w);
	if (!agree_test_run(c, obj, mc.frame_size, false, &after))
		goto out;
	c->test_run_ns = (before + after) / 2;
	c->test_run_min = before < after ? before : after;
	test__info("test_run %.1f ns/pkt before the wire, %.1f after", before,
		   after);
	agree_check(c, pt);
	agree_record(c, pt, mode, mc.frame_size);
out:
	free(pt);
	wire_dut_detach(&c->s->w);
	bpf_object__close(obj);
}

static int agree_find(struct agree_ctx *c)
{
	char path[512], err[256] = "";
	int ret;

	if (test__path(path, sizeof(path), AGREE_DIR "/sweep.conf"))
		return -ENAMETOOLONG;
	ret = gen_sweep_read(path, &c->points, &c->nr_points, err, sizeof(err));
	if (ret) {
		test__skip("cannot read %s (%s): build the sweep programs (make)",
			   path, err[0] ? err : "missing");
		return ret;
	}
	c->p = gen_sweep_find(c->points, c->nr_points, AGREE_POINT);
	if (!c->p) {
		test__skip("no point %s in %s", AGREE_POINT, path);
		return -ENOENT;
	}
	return 0;
}

void test_wire_agreement(void)
{
	static const enum wire_mode modes[] = {
		WIRE_MODE_NATIVE, WIRE_MODE_GENERIC,
	};
	struct agree_ctx c = {};
	unsigned int m;

	c.s = wire_test_start();
	if (!c.s)
		return;
	if (agree_find(&c))
		goto out;
	for (m = 0; m < ARRAY_SIZE(modes) && !test__stopping(); m++)
		if (test__start_subtest(wire_mode_name(modes[m])))
			subtest_mode(&c, modes[m]);
out:
	wire_test_end(c.s);
	free(c.points);
}
