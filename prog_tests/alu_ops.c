// SPDX-License-Identifier: GPL-2.0
/*
 * Property 4: N dependent ALU operations of one kind (add, sub, mul, div,
 * mod, and, or, xor, lsh, rsh, arsh, neg, bswap; 32 and 64 bit), seeded
 * from the packet and used, so that nothing can fold them. The loaded
 * program must hold exactly N operations of that opcode and width.
 */
#include "test_perf.h"
#include "sweep.h"

/* 64-bit division and modulo take tens of cycles: never hidden. */
static bool divide64(const struct gen_spec *spec)
{
	return spec->alu64 &&
	       (spec->alu_op == GEN_ALU_DIV || spec->alu_op == GEN_ALU_MOD);
}

void test_alu_ops(void)
{
	struct sweep_opts opts = {
		.prop = GEN_P_ALU,
		.unit = "ALU operation",
		.must_cost = divide64,
	};

	sweep_run(&opts);
}
