/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The emitter of gen/xdpgen: the BPF C source of a generated program.
 *
 * Everything that varies with the properties is BPF inline assembly in a
 * naked subprogram (xdpgen_ext) called from one fixed call site; the
 * emitter counts every instruction it writes, so that xdpgen can refuse a
 * program whose counts differ from the formulas of gen_spec.h.
 */
#ifndef __GEN_EMIT_H
#define __GEN_EMIT_H

#include <stddef.h>
#include <stdio.h>

#include "gen_spec.h"

/* What the emitter wrote. */
struct gen_emit_counts {
	long ext_insns, ext_cond_jumps;	/* of xdpgen_ext */
	long hop_insns;			/* of each hop program */
};

/* Write the program of spec to f; args go into its header comment. */
void gen_emit_program(FILE *f, const struct gen_spec *spec, const char *args,
		      struct gen_emit_counts *c);
/* 0 when c is what the formulas say; else -1 with the difference in why. */
int gen_emit_check(const struct gen_spec *spec,
		   const struct gen_emit_counts *c, char *why, size_t why_len);

#endif /* __GEN_EMIT_H */
