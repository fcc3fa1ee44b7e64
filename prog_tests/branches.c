// SPDX-License-Identifier: GPL-2.0
/*
 * Property 1b: N conditional blocks whose conditions depend on packet data,
 * taken, not taken or alternating. The loaded program must have exactly N
 * more conditional jumps than the empty one.
 */
#include "test_perf.h"
#include "sweep.h"

void test_branches(void)
{
	struct sweep_opts opts = {
		.prop = GEN_P_BRANCHES,
		.unit = "conditional block",
	};

	sweep_run(&opts);
}
