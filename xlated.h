/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Properties of a LOADED program, read from the kernel: the translated
 * ("xlated") instructions that bpf_prog_info returns after the verifier
 * rewrote them, classified and counted, and what the verifier writes in
 * place of a map lookup on the running kernel. Knows nothing of the
 * generator: gen_prog.h checks generated programs with it.
 *
 *	struct xlated_prog xp;
 *
 *	if (!xlated_load(bpf_program__fd(prog), &xp)) {
 *		... xp.nr_insns, xlated_alu(&xp, BPF_MUL, 64),
 *		    xlated_map(&xp, "my_map")->lookup_calls ...
 *		xlated_free(&xp);
 *	}
 */
#ifndef __XLATED_H
#define __XLATED_H

#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/types.h>

#define XLATED_MAX_TARGETS	32
#define XLATED_MAX_MAPS		16

/*
 * A kernel function the program calls: a helper, or a map's own function
 * the verifier calls instead of a map helper (htab_map_lookup_elem for
 * bpf_map_lookup_elem, dev_map_redirect for bpf_redirect_map, ...).
 */
struct xlated_target {
	__s32 imm;		/* as dumped: address - __bpf_call_base */
	__u64 addr;		/* 0 when /proc/kallsyms gives no addresses */
	char name[64];		/* kernel symbol, "" when unknown */
	int helper_id;		/* BPF_FUNC_* it stands for; -1 unknown */
	bool map_op;		/* a map's function standing for helper_id */
	int calls;
};

/* A map the program references, with what follows each reference. */
struct xlated_map {
	__u32 id;
	__u32 type;		/* BPF_MAP_TYPE_* */
	char name[BPF_OBJ_NAME_LEN];
	int refs;		/* 64-bit immediate loads of it */
	int value_refs;		/*  of which direct value addresses */
	int lookup_calls;	/* refs followed by a call to a lookup function */
	int update_calls;	/*   ... an update function */
	int other_calls;	/*   ... any other call (redirect, ...) */
	int tail_calls;		/*   ... a tail call through it */
	int inlined_lookups;	/*   ... a lookup the verifier inlined */
};

struct xlated_prog {
	__u32 id;
	char name[BPF_OBJ_NAME_LEN];
	__u32 nr_insns;		/* 64-bit immediate loads count 2 */
	struct bpf_insn *insns;

	int cond_jumps;		/* JMP and JMP32 class except JA, CALL, EXIT */
	int cond_jumps32;	/*   of which JMP32 */
	int cond_jumps_reg[16];	/*   of which register to register, by BPF_OP >> 4 */
	int jumps;		/* JA */
	int exits;
	int helper_calls;	/* calls of kernel functions (helpers, map ops) */
	int subprog_calls;	/* BPF-to-BPF calls */
	int kfunc_calls;
	int tail_calls;
	int ld_imm64;
	int loads, stores, atomics;
	int blinded;		/* uses of the JIT's hardening register */
	int alu[2][16];		/* [BPF_ALU64 class][BPF_OP >> 4], END excluded */
	int bswap[3];		/* byte swaps of 16, 32, 64 bits (no-op END excluded) */

	int nr_targets;
	struct xlated_target targets[XLATED_MAX_TARGETS];
	int nr_maps;
	struct xlated_map maps[XLATED_MAX_MAPS];
};

/* Read and classify the xlated instructions of a loaded program. */
int xlated_load(int prog_fd, struct xlated_prog *xp);
void xlated_free(struct xlated_prog *xp);

/*
 * ALU operations op (BPF_ADD, ..., BPF_NEG, BPF_MOV) of width 32 or 64;
 * op BPF_END counts byte swaps of width 16, 32 or 64.
 */
int xlated_alu(const struct xlated_prog *xp, __u8 op, int width);
/*
 * Calls of helper id (BPF_FUNC_*, map functions included; inlined lookups
 * are not calls).
 */
int xlated_helper_calls(const struct xlated_prog *xp, int helper_id);
const struct xlated_map *xlated_map(const struct xlated_prog *xp,
				    const char *name);

/* What the verifier writes in place of one bpf_map_lookup_elem() call. */
struct xlated_lookup {
	long insns;		/* instructions added (the call replaced) */
	long cond_jumps;	/* conditional jumps added */
	bool calls;		/* a call is left (not inlined entirely) */
};

/*
 * Measure it for a map of type map_type (BPF_MAP_TYPE_*) on the running
 * kernel with a probe program of raw instructions. 0 or -errno.
 */
int xlated_probe_lookup(__u32 map_type, struct xlated_lookup *res);

#endif /* __XLATED_H */
