/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a generated program is: the property specification xdpgen turns into
 * BPF C, and the exact instruction counts that follow from it.
 *
 * This header is the single source of truth shared by gen/xdpgen (which
 * writes the programs and cross-checks every program it writes against the
 * formulas below) and by the test harness (which loads the programs and
 * checks the formulas on the translated, i.e. loaded, instructions).
 *
 * Counting convention: every formula gives the difference between a program
 * and the "empty" program (xdpgen with no property, sweep point "empty", or
 * "empty_offload" for --offload variants). All the variable code is inline
 * assembly in a BPF-to-BPF subprogram (xdpgen_ext) that the forwarder calls
 * through one fixed call site, so clang's choices in the C part are the same
 * for every variant and the differences below are exact.
 */
#ifndef __GEN_SPEC_H
#define __GEN_SPEC_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

enum gen_prop {
	GEN_P_INSNS,
	GEN_P_ALU,
	GEN_P_BRANCHES,
	GEN_P_PAYLOAD,
	GEN_P_MAP,
	GEN_P_LOOP,
	GEN_P_TAILCALLS,
	GEN_P_MAX
};

enum gen_pattern {
	GEN_PAT_NOT_TAKEN,	/* condition false: the block's body runs */
	GEN_PAT_TAKEN,		/* condition true: the jump skips the body */
	GEN_PAT_ALTERNATE,	/* block j taken when j is odd */
	GEN_PAT_MAX
};

enum gen_map_type {
	GEN_MAP_ARRAY,
	GEN_MAP_PERCPU_ARRAY,
	GEN_MAP_HASH,
	GEN_MAP_PERCPU_HASH,
	GEN_MAP_LRU_HASH,
	GEN_MAP_LPM_TRIE,
	GEN_MAP_MAX
};

enum gen_map_op {
	GEN_OP_LOOKUP,
	GEN_OP_UPDATE,
	GEN_OP_MAX
};

enum gen_loop_kind {
	GEN_LOOP_BPF_LOOP,
	GEN_LOOP_BOUNDED,
	GEN_LOOP_MAX
};

enum gen_alu_op {
	GEN_ALU_ADD,
	GEN_ALU_SUB,
	GEN_ALU_MUL,
	GEN_ALU_DIV,
	GEN_ALU_MOD,
	GEN_ALU_AND,
	GEN_ALU_OR,
	GEN_ALU_XOR,
	GEN_ALU_LSH,
	GEN_ALU_RSH,
	GEN_ALU_ARSH,
	GEN_ALU_NEG,
	GEN_ALU_BSWAP,
	GEN_ALU_MAX
};

/*
 * Ranges, from the limits of Linux 6.18 as root (gen/README.md, "Verifier
 * limits", says how they were measured):
 * - the verifier walks xdpgen_ext once per caller path (untagged and VLAN
 *   tagged frames), so straight-line code gets half of its budget of
 *   1000000 processed instructions (BPF_COMPLEXITY_LIMIT_INSNS): an
 *   extension of 499695 instructions loaded, one more did not;
 * - at most 8192 branches may wait to be explored
 *   (BPF_COMPLEXITY_LIMIT_JMP_SEQ): 8186 generated conditional jumps
 *   loaded, the forwarder keeps the other 6;
 * - 33 tail calls (MAX_TAIL_CALL_CNT), 1 << 23 bpf_loop iterations
 *   (BPF_MAX_LOOPS); a bounded loop of 99935 iterations loaded.
 * The caps below keep a margin for changes of the forwarder. They hold for
 * one property at a time; a combination can still exceed the budget.
 */
#define GEN_EXT_INSNS_MAX	499000	/* all properties together */
#define GEN_COND_JUMPS_MAX	8160	/* all properties together */
#define GEN_INSNS_MAX		GEN_EXT_INSNS_MAX
#define GEN_ALU_N_MAX		GEN_EXT_INSNS_MAX
#define GEN_BRANCHES_MAX	GEN_COND_JUMPS_MAX
#define GEN_MAP_N_MAX		38000	/* updates; lookups: GEN_COND_JUMPS_MAX */
#define GEN_MAP_ENTRIES_MAX	(1L << 24)
#define GEN_KEY_SIZE_MAX	256
#define GEN_OFFLOAD_KEY_SIZE_MAX 64
#define GEN_PAYLOAD_MAX		9000	/* bytes, a multiple of 8 */
#define GEN_PAYLOAD_OFFSET	28	/* from the IPv4 header: 20 B IPv4 + 8 B UDP */
#define GEN_TAILCALLS_MAX	33
#define GEN_BPF_LOOP_MAX	(1L << 23)
#define GEN_BOUNDED_LOOP_MAX	65536

/* Defaults of the sub-options. */
#define GEN_DEF_MAP_ENTRIES	1024
#define GEN_DEF_KEY_SIZE	4
#define GEN_DEF_LPM_KEY_SIZE	8	/* 4 B prefix length + 4 B data */

/*
 * LRU maps are created with room to spare: each CPU keeps up to 128 free
 * nodes on a local list, and running dry evicts even below max_entries.
 */
#define GEN_LRU_SLACK(entries)	((entries) + 8192)

/* Divisor of the --offload division chain (nfp divides by constants only). */
#define GEN_OFFLOAD_DIVISOR	65537

/*
 * Runtime counters of generated programs: map "xdpgen_counters", one entry
 * (key 0) of this value, per CPU (a plain ARRAY with atomic adds in offload
 * variants). Present only when the spec has tail calls or a loop.
 */
struct gen_counters {
	__u64 tc_hops;		/* tail calls attempted (each hop counts itself) */
	__u64 tc_fail;		/* tail calls that returned (failed) */
	/*
	 * Summed over packets: bpf_loop, the iterations it reports; a
	 * bounded loop of N, what its body added up, N (N + 1) / 2.
	 */
	__u64 loop_iters;
	__u64 loop_runs;	/* packets that ran the loop */
};

struct gen_spec {
	unsigned int props;		/* bit (1 << enum gen_prop) per property */
	bool offload;

	long insns;

	long branches;
	enum gen_pattern pattern;

	enum gen_map_type map_type;
	long map_n;
	enum gen_map_op map_op;
	long map_entries;
	int key_size;			/* bytes, as the map is created */
	bool miss;
	/*
	 * --working-set W (0: none): the key changes on every run, over W
	 * entries (see "Working sets" below).
	 */
	long working_set;

	long payload;			/* bytes, multiple of 8 */

	int tailcalls;

	long loop;
	enum gen_loop_kind loop_kind;

	enum gen_alu_op alu_op;
	bool alu64;
	long alu_n;
};

static inline bool gen_has(const struct gen_spec *spec, enum gen_prop prop)
{
	return spec->props & (1u << prop);
}

/* ---- gen_spec.c: names, parsing, canonical form ---- */

/* Names as used on the command line. */
const char *gen_prop_name(enum gen_prop prop);
const char *gen_pattern_name(enum gen_pattern pattern);
const char *gen_map_type_name(enum gen_map_type type);
const char *gen_map_op_name(enum gen_map_op op);
const char *gen_loop_kind_name(enum gen_loop_kind kind);
const char *gen_alu_op_name(enum gen_alu_op op);
/* BPF_MAP_TYPE_* of a map type; BPF_ADD... and BPF_END of an ALU op. */
__u32 gen_map_type_bpf(enum gen_map_type type);
__u8 gen_alu_op_bpf(enum gen_alu_op op);

/*
 * Parse property options (everything xdpgen accepts except -o, --conf,
 * --point, --counts and --help). 0 on success; -EINVAL with a one-line
 * message in why (no trailing newline) otherwise. Never reads out of argv.
 */
int gen_spec_parse(struct gen_spec *spec, int argc, char *const argv[],
		   char *why, size_t why_len);
/* The same from a string of whitespace-separated arguments. */
int gen_spec_parse_str(struct gen_spec *spec, const char *args,
		       char *why, size_t why_len);
/* Canonical argument string of a spec (parses back to the same spec). */
int gen_spec_format(const struct gen_spec *spec, char *buf, size_t len);

/* ---- gen_sweep.c: what a sweep point varies, the sweep file ---- */

/*
 * The property a sweep varies, its N, and a variant name for subtests:
 * "hash_lookup_hit", "div64", "taken", "bpf_loop", ...; "" when the
 * property has no variants. With several properties, the primary one is
 * the first of enum gen_prop order that is present.
 */
int gen_spec_primary(const struct gen_spec *spec);	/* -1: empty */
long gen_spec_n(const struct gen_spec *spec);		/* -1: empty */
const char *gen_spec_variant(const struct gen_spec *spec, char *buf,
			     size_t len);

/* Sweep configuration: "name profile [xdpgen arguments]" per line. */
struct gen_point {
	char name[64];
	bool quick;		/* profile "quick": in quick and full runs */
	char args[256];
	struct gen_spec spec;
};

/*
 * Read a sweep file. *points is malloc()ed (free() it). 0, or -errno with a
 * message naming the file and line in why.
 */
int gen_sweep_read(const char *path, struct gen_point **points, int *nr,
		   char *why, size_t why_len);
const struct gen_point *gen_sweep_find(const struct gen_point *points, int nr,
				       const char *name);

/* ---- gen_formula.c: instruction counts and map keys ---- */

/*
 * Exact counts, as differences from the empty program of the same mode
 * (--offload or not), over the program that forwards (the last of a tail
 * call chain) including its subprograms.
 *
 * "insns": as submitted (what xdpgen wrote, what clang assembled).
 * "xlated": after the verifier, as bpf_prog_info reports them on Linux 6.18
 * x86_64, root, JIT on, bpf_jit_harden 0. The verifier patches divisions
 * and modulo by a register, inlines map lookups (array, per-CPU array, hash,
 * per-CPU hash, LRU hash) and bpf_loop, and removes code it proves dead.
 */
long gen_expected_insns(const struct gen_spec *spec);
long gen_expected_cond_jumps(const struct gen_spec *spec);
long gen_expected_xlated_insns(const struct gen_spec *spec);
long gen_expected_xlated_cond_jumps(const struct gen_spec *spec);

/* One hop program of a tail call chain (xdp_gen and xdpgen_tc_1..N-1). */
long gen_hop_insns(void);
long gen_hop_xlated_insns(void);
/*
 * Loaded with the constant xdpgen_count = 0 (the timed programs), the
 * verifier removes the runtime counters as dead code: these many fewer
 * xlated instructions and conditional jumps in the forwarding program
 * than gen_expected_xlated_*(), and hop programs of this many.
 */
long gen_count_xlated_insns(const struct gen_spec *spec);
long gen_count_xlated_cond_jumps(const struct gen_spec *spec);
long gen_hop_clean_xlated_insns(void);

/* Pieces of the formulas, for xdpgen --help. */
long gen_map_access_xlated_delta(const struct gen_spec *spec);	/* per access */
long gen_loop_insns(const struct gen_spec *spec);
/*
 * Instructions and conditional jumps the verifier adds in place of one
 * lookup call of a map type. Defaults are Linux 6.18's; the harness sets
 * what the running kernel does (measured with a probe program).
 */
void gen_set_lookup_inline(enum gen_map_type type, long insns,
			   long cond_jumps);

/*
 * Keys of the --map map. Entry i (0 <= i < map_entries) has the index i
 * stored little-endian in the key's index field, every other key byte zero:
 *   array, percpu_array: the 4 B key is i.
 *   hash, percpu_hash, lru_hash: index field at byte 0, min(key_size, 4)
 *     bytes wide, 2 bytes when key_size is 3.
 *   lpm_trie: bytes 0-3 are the prefix length, 8 * (key_size - 4) (every
 *     entry is a full-length prefix); the index field starts at byte 4 and
 *     is min(key_size - 4, 4) bytes wide, 2 bytes when that is 3.
 * Values are 8 B: gen_map_value(i). Access j of a packet uses index
 * (seed + j) & (map_entries - 1), or that | map_entries with --miss, where
 * seed is the source address (high 32 bits) and destination address (low
 * 32 bits) of the frame, both loaded as little-endian u32.
 */
int gen_key_index_offset(const struct gen_spec *spec);
int gen_key_index_width(const struct gen_spec *spec);
void gen_map_key(const struct gen_spec *spec, __u64 index, void *key);
static inline __u64 gen_map_value(__u64 index)
{
	return index * 0x9e3779b97f4a7c15ULL + 1;
}
/* max_entries the map is created with (LRU: GEN_LRU_SLACK). */
long gen_map_max_entries(const struct gen_spec *spec);

/*
 * Working sets (--map T:N --working-set W): a per-CPU position p in map
 * "xdpgen_ws" (PERCPU_ARRAY, one u64 at key 0) advances by N on every
 * run, and access j of a run uses index gen_ws_index(spec, p + j): a
 * permutation of 0..W-1, so W consecutive accesses touch every one of the
 * W entries once, in an order no prefetcher follows (the emitter's
 * multiply/xorshift/multiply, each a bijection modulo W). R runs touch
 * min(W, N * R) distinct entries, which the position proves.
 */
#define GEN_WS_MUL1	0x2545f491	/* odd: a bijection modulo 2^k */
#define GEN_WS_MUL2	0x5bd1e995
int gen_ws_shift(const struct gen_spec *spec);
__u64 gen_ws_index(const struct gen_spec *spec, __u64 pos);

#endif /* __GEN_SPEC_H */
