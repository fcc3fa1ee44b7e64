/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Properties of a LOADED program, read from the kernel: the translated
 * ("xlated") instructions that bpf_prog_info returns after the verifier
 * rewrote them, classified and counted.
 *
 * And the harness side of generated programs (gen/xdpgen): filling their
 * maps and prog array, reading their runtime counters, and checking a
 * loaded generated program against the formulas of gen/gen_spec.h.
 *
 *	struct xlated_prog empty;
 *
 *	gen_load_baseline(dir, pt->spec.offload, &empty);
 *	obj = gen_object_load(dir, pt->name);
 *	gen_prepare(obj, &pt->spec);
 *	if (!ASSERT_OK(gen_check_loaded(obj, &pt->spec, &empty, why,
 *					sizeof(why)), why)) ...
 */
#ifndef __XLATED_H
#define __XLATED_H

#include <stdbool.h>
#include <stdio.h>
#include <linux/bpf.h>
#include <linux/types.h>

#include "gen/gen_spec.h"

struct bpf_object;
struct bpf_program;

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
 * are not calls), or of the kernel function name.
 */
int xlated_helper_calls(const struct xlated_prog *xp, int helper_id);
int xlated_calls_to(const struct xlated_prog *xp, const char *name);
const struct xlated_map *xlated_map(const struct xlated_prog *xp,
				    const char *name);
/* "map_lookup_elem" for BPF_FUNC_map_lookup_elem; NULL when unknown. */
const char *xlated_helper_name(int helper_id);
/* One line per count, for -v logs. */
void xlated_print(FILE *f, const struct xlated_prog *xp);

/*
 * Measure what the running kernel's verifier writes in place of a lookup
 * call for each map type (probe programs) and give it to the formulas of
 * gen_spec.h (gen_set_lookup_inline). Done once; gen_load_baseline() calls
 * it. 0 or -errno.
 */
int xlated_calibrate_inlining(void);

/* ---- generated programs ------------------------------------------- */

/* Open and load DIR/NAME.bpf.o (DIR: gen-progs); NULL with errno set. */
struct bpf_object *gen_object_load(const char *dir, const char *name);
/*
 * The baseline of the formulas: xlated counts of the forwarding program of
 * DIR/empty.bpf.o, or empty_offload.bpf.o. Free with xlated_free().
 */
int gen_load_baseline(const char *dir, bool offload, struct xlated_prog *empty);

/* xdp_gen: the program to run (first of a tail call chain). */
struct bpf_program *gen_entry_prog(struct bpf_object *obj);
/* The program that forwards and runs the extension (last of the chain). */
struct bpf_program *gen_fwd_prog(struct bpf_object *obj,
				 const struct gen_spec *spec);

/*
 * After load: store entries 0..map_entries-1 in xdpgen_map (keys and
 * values as gen_spec.h describes, every CPU's copy for per-CPU maps) and
 * check that they are all present; fill xdpgen_progs slot i with
 * xdpgen_tc_i. Each is a no-op for specs without the property. 0 or -errno.
 */
int gen_populate_maps(struct bpf_object *obj, const struct gen_spec *spec);
int gen_populate_tailcalls(struct bpf_object *obj, const struct gen_spec *spec);
int gen_prepare(struct bpf_object *obj, const struct gen_spec *spec);

/* xdpgen_counters summed over CPUs; -ENOENT when the spec has none. */
int gen_read_counters(struct bpf_object *obj, struct gen_counters *sum);
int gen_reset_counters(struct bpf_object *obj);

/*
 * Check a loaded, prepared generated program against its spec, with the
 * loaded empty program of the same mode (--offload or not) as baseline:
 * xlated instruction and conditional jump counts of the forwarding program
 * (gen_expected_xlated_*), the operations of the property (ALU op count,
 * references and lookup/update calls or inlined lookups of xdpgen_map,
 * one tail call per hop program through xdpgen_progs, hop sizes, prog
 * array contents). 0, or -1 with the first mismatch in why.
 */
int gen_check_loaded(struct bpf_object *obj, const struct gen_spec *spec,
		     const struct xlated_prog *empty, char *why, size_t len);

/*
 * Runtime proof over `runs` runs of the entry program between two counter
 * reads: tc_hops grew by tailcalls * runs and tc_fail not at all; loop_iters
 * by loop * runs and loop_runs by runs. 0, or -1 with why.
 */
int gen_check_counters(const struct gen_spec *spec,
		       const struct gen_counters *before,
		       const struct gen_counters *after, __u64 runs,
		       char *why, size_t len);

/*
 * Run counter for the engine (struct run_hooks .count, ctx a struct
 * gen_run_counter): the number of runs the counters prove, i.e. loop_runs
 * when every run did its loop iterations, tc_hops / tailcalls when no tail
 * call failed; -EIO when the counters are not a whole number of runs.
 * For specs with a loop or at least one tail call.
 */
struct gen_run_counter {
	struct bpf_object *obj;
	const struct gen_spec *spec;
};
int gen_count_runs(void *ctx, __u64 *value);

#endif /* __XLATED_H */
