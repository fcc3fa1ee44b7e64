// SPDX-License-Identifier: GPL-2.0
/*
 * Property 3b: N loop iterations per packet, with the bpf_loop() helper and
 * with a bounded loop. The runtime counters must show exactly N iterations
 * for every packet.
 */
#include "test_perf.h"
#include "sweep.h"

static bool every_loop(const struct gen_spec *spec)
{
	return true;
}

void test_loops(void)
{
	struct sweep_opts opts = {
		.prop = GEN_P_LOOP,
		.unit = "loop iteration",
		.must_cost = every_loop,
	};

	sweep_run(&opts);
}
