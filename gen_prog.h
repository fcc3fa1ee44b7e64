/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The harness side of generated programs (gen/xdpgen): loading them,
 * filling their maps and prog array, reading their runtime counters, and
 * checking a loaded generated program against the formulas of
 * gen/gen_spec.h with the introspection of xlated.h.
 *
 *	struct xlated_prog empty;
 *
 *	gen_load_baseline(dir, pt->spec.offload, &empty);
 *	obj = gen_object_load(dir, pt->name);
 *	gen_prepare(obj, &pt->spec);
 *	if (!ASSERT_OK(gen_check_loaded(obj, &pt->spec, &empty, why,
 *					sizeof(why)), why)) ...
 */
#ifndef __GEN_PROG_H
#define __GEN_PROG_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#include "xlated.h"
#include "gen/gen_spec.h"

struct bpf_object;
struct bpf_program;

/*
 * Open and load DIR/NAME.bpf.o (DIR: gen-progs); NULL with errno set. The
 * runtime counters (xdpgen_counters) count: for validation and wire runs.
 */
struct bpf_object *gen_object_load(const char *dir, const char *name);
/*
 * The same with the constant xdpgen_count = 0: the verifier removes the
 * counting blocks as dead code, so a timed program carries no counter
 * (gen_check_loaded() checks that it does not).
 */
struct bpf_object *gen_object_load_clean(const char *dir, const char *name);
/* The loaded object counts (its xdpgen_count is 1). */
bool gen_object_counting(struct bpf_object *obj);
/*
 * The baseline of the formulas: xlated counts of the forwarding program of
 * DIR/empty.bpf.o, or empty_offload.bpf.o. Free with xlated_free(). The
 * first call also measures what the running kernel's verifier makes of a
 * lookup of each map type and gives it to the formulas
 * (gen_set_lookup_inline).
 */
int gen_load_baseline(const char *dir, bool offload, struct xlated_prog *empty);

/* xdp_gen: the program to run (first of a tail call chain). */
struct bpf_program *gen_entry_prog(struct bpf_object *obj);

/*
 * After load: store entries 0..map_entries-1 in xdpgen_map (keys and
 * values as gen_spec.h describes, every CPU's copy for per-CPU maps) and
 * check that they are all present; fill xdpgen_progs slot i with
 * xdpgen_tc_i. Either is a no-op for specs without the property. 0 or
 * -errno.
 */
int gen_prepare(struct bpf_object *obj, const struct gen_spec *spec);

/* xdpgen_counters summed over CPUs; -ENOENT when the spec has none. */
int gen_read_counters(struct bpf_object *obj, struct gen_counters *sum);

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
		     const struct xlated_prog *empty, char *why,
		     size_t why_len);

/*
 * Runtime proof over `runs` runs of the entry program (loaded counting)
 * between two counter reads: tc_hops grew by tailcalls * runs and tc_fail
 * not at all; loop_runs by runs and loop_iters by loop * runs (bpf_loop's
 * count) or loop (loop + 1) / 2 * runs (what a bounded loop's body added).
 * 0, or -1 with why.
 */
int gen_check_counters(const struct gen_spec *spec,
		       const struct gen_counters *before,
		       const struct gen_counters *after, __u64 runs,
		       char *why, size_t why_len);

/*
 * Working sets (--working-set): the position in xdpgen_ws summed over
 * CPUs (-ENOENT without a working set), and the proof over `runs` runs
 * between two reads: it advanced by exactly map_n * runs, so the runs
 * touched min(W, map_n * runs) distinct entries (*distinct). 0, or -1
 * with why.
 */
int gen_read_ws_pos(struct bpf_object *obj, __u64 *pos);
int gen_check_ws(const struct gen_spec *spec, __u64 before, __u64 after,
		 __u64 runs, __u64 *distinct, char *why, size_t why_len);

#endif /* __GEN_PROG_H */
