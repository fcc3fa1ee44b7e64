// SPDX-License-Identifier: GPL-2.0
/*
 * The tests' side of the wire (wire.h, "sessions"): the start and end of
 * a wire test, the session its subtests share, a DUT attached or the
 * subtest skipped, a functional check and a measured point with their
 * assertions, so that xdp_modes, wire_props and wire_agreement say only
 * what is their own.
 */
#include "test_perf.h"
#include "wire_priv.h"

struct wire_session *wire_test_start(void)
{
	struct wire_session *s;

	if (!test__need_bpf())
		return NULL;
	s = calloc(1, sizeof(*s));
	ASSERT_OK_PTR(s, "calloc");
	return s;
}

/* Subtest "cleanup": s closed, then nothing of it may be left. */
static void cleanup_subtest(struct wire_session *s)
{
	char why[256] = "";
	int err;

	wire_close(&s->w);
	if (!s->tried || s->open_err) {
		test__skip("no wire session was opened");
		return;
	}
	err = wire_check_clean(&s->w, why, sizeof(why));
	if (err)
		test__log("%s", why);
	ASSERT_OK(err, "nothing left behind");
}

void wire_test_end(struct wire_session *s)
{
	if (!s)
		return;
	if (test__start_subtest("cleanup"))
		cleanup_subtest(s);
	wire_close(&s->w);
	free(s);
}

bool wire_session_ready(struct wire_session *s)
{
	if (!s->tried) {
		s->tried = true;
		s->open_err = wire_open(&s->w, s->why, sizeof(s->why));
		if (s->open_err < 0)
			test__log("wire_open: %s", s->why);
	}
	if (s->open_err == WIRE_SKIP)
		test__skip("%s", s->why);
	else if (s->open_err)
		ASSERT_OK(s->open_err, "wire_open");
	return !s->open_err;
}

bool wire_session_attach(struct wire_session *s, struct bpf_object *obj,
			 struct bpf_program *prog, enum wire_mode mode)
{
	struct wire_trial_cfg check;
	char why[256] = "";
	int err;

	err = wire_dut_attach(&s->w, obj, prog, mode, why, sizeof(why));
	if (err == WIRE_SKIP) {
		test__skip("%s", why);
		return false;
	}
	if (err)
		test__log("%s", why);
	if (!ASSERT_OK(err, "wire_dut_attach"))
		return false;
	wire_check_defaults(&s->w, &check, PKT_MIN_FRAME);
	test__info("wire: DUT %s, %s mode: %.0f ns a frame in test_run; checks at %.0f frames/s for %.0f ms",
		   bpf_program__name(prog), wire_mode_name(mode),
		   s->w.dut.cost_ns, check.rate_pps, check.duration_ms);
	return true;
}

bool wire_session_check(struct wire_session *s,
			const struct wire_trial_cfg *cfg,
			struct wire_check_result *c)
{
	if (!ASSERT_OK(wire_check(&s->w, cfg, c), "wire_trial"))
		return false;
	if (c->verdict == WIRE_FAULT)
		test__log("wire check at %.0f frames/s: %s", cfg->rate_pps,
			  c->why);
	return ASSERT_NEQ(c->verdict, WIRE_FAULT,
			  "every frame accounted for, no loss of the program's or the suite's doing");
}

struct wire_point *wire_session_measure(struct wire_session *s,
					const struct wire_measure_cfg *mc)
{
	struct wire_point *pt = calloc(1, sizeof(*pt));

	if (!ASSERT_OK_PTR(pt, "calloc") ||
	    !ASSERT_OK(wire_measure(&s->w, mc, pt), "wire_measure") ||
	    !pt->reps ||
	    !ASSERT_EQ(pt->unaccounted, 0, "unaccounted frames (worst trial)")) {
		free(pt);
		return NULL;
	}
	return pt;
}
