// SPDX-License-Identifier: GPL-2.0
/*
 * Rounds: the scheduler on the real forwarder: every point measured in
 * every round, in time order, the reference recorded, rel_ref computed,
 * the seed in every row. Nothing here asserts a timing; the comparison of
 * round values is tested in compare.c.
 */
#include <limits.h>
#include <math.h>

#include "test_perf.h"
#include "results.h"
#include "rounds.h"
#include "stats.h"

/* ---- the scheduler ---- */

static int count_rows(const char *test, const char *property,
		      enum metric_id metric)
{
	int n = 0;

	for (int i = 0; i < results_count(); i++) {
		const struct result_row *r = results_row(i);

		n += !strcmp(r->id.test, test) &&
		     !strcmp(r->id.property, property) &&
		     metric_is(r->id.metric, metric);
	}
	return n;
}

static void test_scheduler(void)
{
	static const int sizes[] = { 64, 1500 };
	struct point_id key = {
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
	p->key = key;
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

void test_rounds(void)
{
	if (test__start_subtest("scheduler"))
		test_scheduler();
}
