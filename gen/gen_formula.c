// SPDX-License-Identifier: GPL-2.0
/*
 * What a generated program contains, from its spec alone: the keys of its
 * map and the exact instruction counts, as written and after the verifier
 * (see gen_spec.h). Shared by gen/xdpgen and test_perf; plain C, no libbpf.
 */
#include <string.h>

#include "gen_spec.h"

/* ---- keys ---------------------------------------------------------- */

int gen_key_index_offset(const struct gen_spec *spec)
{
	return spec->map_type == GEN_MAP_LPM_TRIE ? 4 : 0;
}

int gen_key_index_width(const struct gen_spec *spec)
{
	int bytes = spec->key_size - gen_key_index_offset(spec);

	if (bytes >= 4)
		return 4;
	return bytes == 3 ? 2 : bytes;
}

void gen_map_key(const struct gen_spec *spec, __u64 index, void *key)
{
	unsigned char *k = key;
	int i, off = gen_key_index_offset(spec);
	__u32 plen;

	memset(k, 0, spec->key_size);
	if (spec->map_type == GEN_MAP_LPM_TRIE) {
		plen = 8 * (spec->key_size - 4);
		memcpy(k, &plen, sizeof(plen));
	}
	for (i = 0; i < gen_key_index_width(spec); i++)
		k[off + i] = (unsigned char)(index >> (8 * i));
}

int gen_ws_shift(const struct gen_spec *spec)
{
	int k = 0;

	while (k < 62 && (1L << k) < spec->working_set)
		k++;
	return k / 2 + 1;	/* >= 1: x ^ (x >> s) stays a bijection */
}

__u64 gen_ws_index(const struct gen_spec *spec, __u64 pos)
{
	__u64 mask = spec->working_set - 1, x = pos & mask;

	x = x * GEN_WS_MUL1 & mask;
	x ^= x >> gen_ws_shift(spec);
	return x * GEN_WS_MUL2 & mask;
}

long gen_map_max_entries(const struct gen_spec *spec)
{
	if (spec->map_type == GEN_MAP_LRU_HASH)
		return GEN_LRU_SLACK(spec->map_entries);
	return spec->map_entries;
}

/* ---- formulas ------------------------------------------------------ *
 * Each term mirrors one emitter of gen/xdpgen.c; xdpgen counts what it
 * writes and refuses to write a program that disagrees with these.
 */

static long alu_prologue_insns(const struct gen_spec *spec)
{
	switch (spec->alu_op) {
	case GEN_ALU_MUL:
		return 2;			/* r2 = seed | 1 */
	case GEN_ALU_DIV:
	case GEN_ALU_MOD:
		if (spec->offload)
			return 2;		/* inflater only */
		return spec->alu64 ? 6 : 5;	/* divisor and inflater */
	case GEN_ALU_LSH:
	case GEN_ALU_RSH:
	case GEN_ALU_ARSH:
		return 3;			/* r2 = (seed & 7) | 1 */
	default:
		return 0;
	}
}

static long alu_op_insns(const struct gen_spec *spec)
{
	/* Division and modulo re-inflate the dividend after each operation. */
	return spec->alu_op == GEN_ALU_DIV || spec->alu_op == GEN_ALU_MOD ? 2 : 1;
}

/* Extra xlated instructions the verifier adds per operation. */
static long alu_xlated_delta(const struct gen_spec *spec)
{
	if (spec->offload)
		return 0;			/* constant divisor: no check */
	if (spec->alu_op == GEN_ALU_DIV)
		return 3;			/* jne src, 0; w = 0; ja; div */
	if (spec->alu_op == GEN_ALU_MOD)
		return spec->alu64 ? 1 : 3;	/* jeq src, 0 (+ ja; mov32) */
	return 0;
}

static long key_area(const struct gen_spec *spec)
{
	return (spec->key_size + 7) / 8 * 8;
}

/*
 * Working set: the position's lookup with a key the verifier cannot
 * know, null check (early return), update and spill (18), then per access the permutation replaces "seed + j"
 * (+7). See emit_ws_prologue() and emit_ws_index() in gen_emit.c.
 */
#define WS_PROLOGUE_INSNS	18
#define WS_ACCESS_EXTRA_INSNS	7

static long map_prologue_insns(const struct gen_spec *spec)
{
	return (spec->working_set ? WS_PROLOGUE_INSNS : 0) +
	       1 + key_area(spec) / 8 +
	       (spec->map_type == GEN_MAP_LPM_TRIE ? 2 : 0) +
	       (spec->map_op == GEN_OP_UPDATE ? 1 : 0);
}

static long map_access_insns(const struct gen_spec *spec)
{
	long n = 3 + (spec->miss ? 1 : 0) + 1 + 2 + 2;	/* index, key, r1, r2 */

	if (spec->working_set)
		n += WS_ACCESS_EXTRA_INSNS;

	return n + (spec->map_op == GEN_OP_LOOKUP ? 4 : 5);
}

/*
 * What the verifier makes of one bpf_map_lookup_elem() call (map_gen_lookup),
 * as instructions and conditional jumps added. Defaults: Linux 6.18, array 7
 * instructions in place of the call (bounds check, index scaling), per-CPU
 * array 9 (and this CPU's offset), hash 3 (call __htab_map_lookup_elem,
 * null check, value offset), per-CPU hash 5, LRU hash 6 (sets the entry's
 * reference bit). lpm_trie lookups and all updates stay one call, to the
 * map's own function instead of the helper. Measured on the loaded
 * programs of the sweep (gen/README.md).
 */
static struct {
	long insns, cond_jumps;
} lookup_inline[GEN_MAP_MAX] = {
	[GEN_MAP_ARRAY] = { 6, 1 },
	[GEN_MAP_PERCPU_ARRAY] = { 8, 1 },
	[GEN_MAP_HASH] = { 2, 1 },
	[GEN_MAP_PERCPU_HASH] = { 4, 1 },
	[GEN_MAP_LRU_HASH] = { 5, 2 },
	[GEN_MAP_LPM_TRIE] = { 0, 0 },
};

/*
 * Kernels differ (6.1 inlines no per-CPU lookup): the harness measures the
 * running kernel with a probe program and sets the table (gen_prog.c,
 * gen_load_baseline()).
 */
void gen_set_lookup_inline(enum gen_map_type type, long insns,
			   long cond_jumps)
{
	if (type >= GEN_MAP_MAX)
		return;
	lookup_inline[type].insns = insns;
	lookup_inline[type].cond_jumps = cond_jumps;
}

long gen_map_access_xlated_delta(const struct gen_spec *spec)
{
	if (spec->map_op != GEN_OP_LOOKUP)
		return 0;
	return lookup_inline[spec->map_type].insns;
}

/* Runtime counter update after a loop: lookup, null check, two adds. */
static long counter_update_insns(const struct gen_spec *spec)
{
	/* key (2), r2 (2), r1 (2), call, null check, then the adds */
	return 8 + (spec->offload ? 4 : 7);
}

/*
 * The switch in front of every counting block (load xdpgen_count, read
 * it, skip the block when 0); none in offload variants, which always count.
 */
static long count_switch_insns(const struct gen_spec *spec)
{
	return spec->offload ? 0 : 4;
}

/* What the counters take after a loop: the value to add, the update. */
static long loop_count_block(const struct gen_spec *spec)
{
	return (spec->loop_kind == GEN_LOOP_BPF_LOOP ? 1 : 3) +
	       counter_update_insns(spec);
}

long gen_loop_insns(const struct gen_spec *spec)
{
	long body;

	if (spec->loop_kind == GEN_LOOP_BPF_LOOP)
		body = 12 + 5;		/* call site + callback subprogram */
	else
		body = 6;
	return body + count_switch_insns(spec) + loop_count_block(spec);
}

/* Counter lookup inlined: ARRAY (offload) or PERCPU_ARRAY. */
static long counter_lookup_delta(const struct gen_spec *spec)
{
	return spec->offload ? lookup_inline[GEN_MAP_ARRAY].insns :
			       lookup_inline[GEN_MAP_PERCPU_ARRAY].insns;
}

long gen_expected_insns(const struct gen_spec *spec)
{
	long n = 0;

	if (gen_has(spec, GEN_P_INSNS))
		n += spec->insns;
	if (gen_has(spec, GEN_P_ALU))
		n += alu_prologue_insns(spec) + spec->alu_n * alu_op_insns(spec);
	if (gen_has(spec, GEN_P_BRANCHES))
		n += 2 + 2 * spec->branches;
	if (gen_has(spec, GEN_P_PAYLOAD))
		n += 2 + 4 * (spec->payload / 8);
	if (gen_has(spec, GEN_P_MAP))
		n += map_prologue_insns(spec) + spec->map_n * map_access_insns(spec);
	if (gen_has(spec, GEN_P_LOOP))
		n += gen_loop_insns(spec);
	return n;
}

long gen_expected_cond_jumps(const struct gen_spec *spec)
{
	long n = 0;

	if (gen_has(spec, GEN_P_BRANCHES))
		n += spec->branches;
	if (gen_has(spec, GEN_P_PAYLOAD))
		n += spec->payload / 8;
	if (gen_has(spec, GEN_P_MAP) && spec->map_op == GEN_OP_LOOKUP)
		n += spec->map_n;
	if (gen_has(spec, GEN_P_MAP) && spec->working_set)
		n += 1;		/* the position's null check */
	if (gen_has(spec, GEN_P_LOOP))
		n += (spec->loop_kind == GEN_LOOP_BOUNDED ? 2 : 1) +
		     !spec->offload;	/* the switch */
	return n;
}

/*
 * bpf_loop inlined (inline_bpf_loop): the call becomes 19 instructions, 3
 * of them conditional jumps, and the call site keeps r1..r4 setup.
 */
#define BPF_LOOP_INLINE_DELTA		18
#define BPF_LOOP_INLINE_COND_JUMPS	3
/* Bounded loop of 0 iterations: the never-run body (3) and the jump are dead. */
#define BOUNDED_LOOP_DEAD_INSNS		4

long gen_expected_xlated_insns(const struct gen_spec *spec)
{
	long n = gen_expected_insns(spec);

	if (gen_has(spec, GEN_P_ALU))
		n += spec->alu_n * alu_xlated_delta(spec);
	if (gen_has(spec, GEN_P_MAP))
		n += spec->map_n * gen_map_access_xlated_delta(spec);
	if (gen_has(spec, GEN_P_MAP) && spec->working_set)
		n += lookup_inline[GEN_MAP_PERCPU_ARRAY].insns;
	if (gen_has(spec, GEN_P_LOOP)) {
		n += counter_lookup_delta(spec);
		if (spec->loop_kind == GEN_LOOP_BPF_LOOP)
			n += BPF_LOOP_INLINE_DELTA;
		else if (spec->loop == 0)
			n -= BOUNDED_LOOP_DEAD_INSNS;
	}
	return n;
}

long gen_expected_xlated_cond_jumps(const struct gen_spec *spec)
{
	long n = gen_expected_cond_jumps(spec);

	if (gen_has(spec, GEN_P_ALU) && !spec->offload &&
	    (spec->alu_op == GEN_ALU_DIV || spec->alu_op == GEN_ALU_MOD))
		n += spec->alu_n;
	if (gen_has(spec, GEN_P_MAP) && spec->map_op == GEN_OP_LOOKUP)
		n += spec->map_n * lookup_inline[spec->map_type].cond_jumps;
	if (gen_has(spec, GEN_P_MAP) && spec->working_set)
		n += lookup_inline[GEN_MAP_PERCPU_ARRAY].cond_jumps;
	if (gen_has(spec, GEN_P_LOOP)) {
		n += spec->offload ? lookup_inline[GEN_MAP_ARRAY].cond_jumps :
				     lookup_inline[GEN_MAP_PERCPU_ARRAY].cond_jumps;
		if (spec->loop_kind == GEN_LOOP_BPF_LOOP)
			n += BPF_LOOP_INLINE_COND_JUMPS;
		else if (spec->loop == 0)
			n -= 1;
	}
	return n;
}

/*
 * Loaded without counting (xdpgen_count = 0), the verifier removes every
 * counting block, its switch's conditional jump and what it inlined.
 */
long gen_count_xlated_insns(const struct gen_spec *spec)
{
	if (!gen_has(spec, GEN_P_LOOP) || spec->offload)
		return 0;
	return 1 + loop_count_block(spec) + counter_lookup_delta(spec);
}

long gen_count_xlated_cond_jumps(const struct gen_spec *spec)
{
	if (!gen_has(spec, GEN_P_LOOP) || spec->offload)
		return 0;
	/* the switch, the null check and the inlined lookup's */
	return 2 + lookup_inline[GEN_MAP_PERCPU_ARRAY].cond_jumps;
}

/* Hop: two switches (4), two counts (11) of which the first saves r1 (2). */
#define HOP_INSNS	(4 + 13 + 4 + 4 + 11 + 2)

long gen_hop_insns(void)
{
	return HOP_INSNS;
}

long gen_hop_xlated_insns(void)
{
	return gen_hop_insns() + 2 * lookup_inline[GEN_MAP_PERCPU_ARRAY].insns;
}

long gen_hop_clean_xlated_insns(void)
{
	/* less the switches' jumps and the blocks they skip */
	return gen_hop_insns() - (1 + 13) - (1 + 11);
}
