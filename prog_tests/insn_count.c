// SPDX-License-Identifier: GPL-2.0
/*
 * Property 1a: N extra instructions on the forwarding path, a dependent
 * register chain seeded from the packet (gen/README.md). The loaded program
 * must have exactly empty + N instructions; one instruction's cost is the
 * slope of the fit.
 */
#include "test_perf.h"
#include "sweep.h"

static bool every_chain(const struct gen_spec *spec)
{
	return true;	/* a dependent chain: at least a cycle per insn */
}

void test_insn_count(void)
{
	struct sweep_opts opts = {
		.prop = GEN_P_INSNS,
		.unit = "instruction",
		.must_cost = every_chain,
	};

	sweep_run(&opts);
}
