// SPDX-License-Identifier: GPL-2.0
/*
 * Property 3a: N tail calls per packet through a prog array, 0 up to the
 * kernel's limit of 33. Each hop program must contain one tail call through
 * the array, and the runtime counters must show N hops per packet and no
 * failed tail call.
 */
#include "test_perf.h"
#include "sweep.h"

static bool every_hop(const struct gen_spec *spec)
{
	return true;
}

void test_tail_calls(void)
{
	struct sweep_opts opts = {
		.prop = GEN_P_TAILCALLS,
		.unit = "tail call",
		.must_cost = every_hop,
	};

	sweep_run(&opts);
}
