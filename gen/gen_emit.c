// SPDX-License-Identifier: GPL-2.0
/*
 * The emitter of gen/xdpgen: BPF C of a variant of the base forwarder,
 * everything that varies as inline assembly in xdpgen_ext, one emitter per
 * property, counting the instructions it writes (see gen_emit.h).
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <linux/bpf.h>

#include "gen_emit.h"

/* Instructions of the extension that every variant has: prologue, epilogue. */
#define EXT_FIXED_INSNS 10

struct out {
	FILE *f;
	long insns;		/* BPF instructions emitted since the last reset */
	long cond_jumps;
};

static void text(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void text(struct out *o, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
}

/* One asm line worth n instructions (2 for a 64-bit immediate load). */
static void asm_n(struct out *o, int n, bool cond, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void asm_n(struct out *o, int n, bool cond, const char *fmt, ...)
{
	va_list ap;

	fputs("\t\"", o->f);
	va_start(ap, fmt);
	vfprintf(o->f, fmt, ap);
	va_end(ap);
	fputs("\\n\"\n", o->f);
	o->insns += n;
	o->cond_jumps += cond;
}

#define insn(o, ...) asm_n(o, 1, false, __VA_ARGS__)
#define jcc(o, ...) asm_n(o, 1, true, __VA_ARGS__)
#define ld64(o, ...) asm_n(o, 2, false, __VA_ARGS__)

/*
 * The runtime counters run only when the constant xdpgen_count is 1: the
 * harness loads programs to be timed with 0, and the verifier, which
 * knows the value of a frozen read-only map, removes the skipped block
 * as dead code; what stays is the read of the constant. Offload variants
 * (nfp has no read-only data) count unconditionally.
 */
static void emit_count_switch(struct out *o, const struct gen_spec *spec,
			      char reg, long skip)
{
	if (spec->offload)
		return;
	ld64(o, "r%c = %%[xdpgen_count] ll", reg);
	insn(o, "r%c = *(u32 *)(r%c + 0)", reg, reg);
	jcc(o, "if r%c == 0 goto +%ld", reg, skip);
}

/* Stack of xdpgen_ext: offsets below r10 of the areas the blocks use. */
struct frame {
	int key;		/* map key, key_area bytes */
	int value;		/* update value, 8 bytes */
	int loop_ctx;		/* acc, then what the counters add */
	int counter_key;	/* 4-byte key 0 of xdpgen_counters */
	int ws_key;		/* 4-byte key 0 of xdpgen_ws */
	int ws_pos;		/* the working set's position, 8 bytes */
};

static void layout(const struct gen_spec *spec, struct frame *fr)
{
	int off = 0;

	memset(fr, 0, sizeof(*fr));
	if (gen_has(spec, GEN_P_MAP)) {
		off += (spec->key_size + 7) / 8 * 8;
		fr->key = off;
		if (spec->map_op == GEN_OP_UPDATE) {
			off += 8;
			fr->value = off;
		}
		if (spec->working_set) {
			off += 8;
			fr->ws_key = off;
			off += 8;
			fr->ws_pos = off;
		}
	}
	if (gen_has(spec, GEN_P_LOOP)) {
		off += 16;
		fr->loop_ctx = off;
		off += 8;
		fr->counter_key = off;
	}
}

static void emit_insns(struct out *o, const struct gen_spec *spec)
{
	long j;

	text(o, "\t/* --insns %ld: dependent chain on r9, operand from the packet */\n",
	     spec->insns);
	for (j = 0; j < spec->insns; j++)
		insn(o, j & 1 ? "r9 += r8" : "r9 ^= r8");
}

static void emit_alu_prologue(struct out *o, const struct gen_spec *spec,
			      char r)
{
	switch (spec->alu_op) {
	case GEN_ALU_MUL:
		insn(o, "%c2 = %c8", r, r);
		insn(o, "%c2 |= 1", r);
		break;
	case GEN_ALU_DIV:
	case GEN_ALU_MOD:
		if (!spec->offload && spec->alu64) {
			insn(o, "r2 = r8");
			insn(o, "r2 >>= 32");
			insn(o, "r2 |= 1");
			insn(o, "r3 = 1");
			insn(o, "r3 <<= 63");
			insn(o, "r3 |= r8");
		} else {
			if (!spec->offload) {
				insn(o, "w2 = w8");
				insn(o, "w2 >>= 16");
				insn(o, "w2 |= 1");
			}
			insn(o, "w3 = w8");
			insn(o, "w3 |= -2147483648");
		}
		break;
	case GEN_ALU_LSH:
	case GEN_ALU_RSH:
	case GEN_ALU_ARSH:
		insn(o, "%c2 = %c8", r, r);
		insn(o, "%c2 &= 7", r);
		insn(o, "%c2 |= 1", r);
		break;
	default:
		break;
	}
}

/* One operation of the chain on r9 (w9). */
static void emit_alu_op(struct out *o, const struct gen_spec *spec, char r)
{
	static const char *const sym[GEN_ALU_MAX] = {
		[GEN_ALU_ADD] = "+=", [GEN_ALU_SUB] = "-=", [GEN_ALU_AND] = "&=",
		[GEN_ALU_OR] = "|=", [GEN_ALU_XOR] = "^=", [GEN_ALU_MUL] = "*=",
		[GEN_ALU_LSH] = "<<=", [GEN_ALU_RSH] = ">>=", [GEN_ALU_ARSH] = "s>>=",
	};
	/* LLVM 14 cannot assemble "%=": BPF_MOD | BPF_X, dst r9, src r2. */
	unsigned int mod = (spec->alu64 ? BPF_ALU64 : BPF_ALU) | BPF_MOD | BPF_X;

	switch (spec->alu_op) {
	case GEN_ALU_ADD:
	case GEN_ALU_SUB:
	case GEN_ALU_AND:
	case GEN_ALU_OR:
	case GEN_ALU_XOR:
		insn(o, "%c9 %s %c8", r, sym[spec->alu_op], r);
		break;
	case GEN_ALU_MUL:
	case GEN_ALU_LSH:
	case GEN_ALU_RSH:
	case GEN_ALU_ARSH:
		insn(o, "%c9 %s %c2", r, sym[spec->alu_op], r);
		break;
	case GEN_ALU_DIV:
		if (spec->offload)
			insn(o, "w9 /= %d", GEN_OFFLOAD_DIVISOR);
		else
			insn(o, "%c9 /= %c2", r, r);
		insn(o, "%c9 |= %c3", r, r);
		break;
	case GEN_ALU_MOD:
		asm_n(o, 1, false, ".8byte 0x%x\" /* %c9 %%= %c2 */ \"",
		      (2 << 12) | (9 << 8) | mod, r, r);
		insn(o, "%c9 |= %c3", r, r);
		break;
	case GEN_ALU_NEG:
		insn(o, "%c9 = -%c9", r, r);
		break;
	case GEN_ALU_BSWAP:
		insn(o, "r9 = be%d r9", spec->alu64 ? 64 : 32);
		break;
	case GEN_ALU_MAX:
		break;
	}
}

static void emit_alu(struct out *o, const struct gen_spec *spec)
{
	char r = spec->alu64 ? 'r' : 'w';
	long j;

	text(o, "\t/* --alu %s%d:%ld: dependent chain on r9 */\n",
	     gen_alu_op_name(spec->alu_op), spec->alu64 ? 64 : 32, spec->alu_n);
	emit_alu_prologue(o, spec, r);
	for (j = 0; j < spec->alu_n; j++)
		emit_alu_op(o, spec, r);
}

static void emit_branches(struct out *o, const struct gen_spec *spec)
{
	bool taken;
	long j;

	text(o, "\t/* --branches %ld --pattern %s: r4 == r5 at run time */\n",
	     spec->branches, gen_pattern_name(spec->pattern));
	insn(o, "r4 = *(u32 *)(r6 + 12)");
	insn(o, "r5 = *(u32 *)(r6 + 12)");
	for (j = 0; j < spec->branches; j++) {
		taken = spec->pattern == GEN_PAT_TAKEN ||
			(spec->pattern == GEN_PAT_ALTERNATE && (j & 1));
		jcc(o, "if r4 %s r5 goto +1", taken ? "==" : "!=");
		insn(o, "r9 += r8");
	}
}

static void emit_payload(struct out *o, const struct gen_spec *spec)
{
	long words = spec->payload / 8, j;

	text(o, "\t/* --payload %ld: sum of the 64-bit words after the headers, each bounds-checked */\n",
	     spec->payload);
	insn(o, "r3 = r6");
	insn(o, "r3 += %d", GEN_PAYLOAD_OFFSET);
	for (j = 0; j < words; j++) {
		insn(o, "r3 += 8");
		jcc(o, "if r3 > r7 goto +%ld", 2 + 4 * (words - 1 - j));
		insn(o, "r1 = *(u64 *)(r3 - 8)");
		insn(o, "r9 += r1");
	}
}

static const char *store_size(int width)
{
	return width == 1 ? "u8" : width == 2 ? "u16" : "u32";
}

/* Zeroed key (LPM: its prefix length), update value; before the accesses. */
static void emit_map_prologue(struct out *o, const struct gen_spec *spec,
			      const struct frame *fr)
{
	int s;

	insn(o, "r1 = 0");
	for (s = 0; s < fr->key / 8; s++)
		insn(o, "*(u64 *)(r10 - %d) = r1", fr->key - 8 * s);
	if (spec->map_type == GEN_MAP_LPM_TRIE) {
		insn(o, "r1 = %d", 8 * (spec->key_size - 4));
		insn(o, "*(u32 *)(r10 - %d) = r1", fr->key);
	}
	if (spec->map_op == GEN_OP_UPDATE)
		insn(o, "*(u64 *)(r10 - %d) = r8", fr->value);
}

/* Index in r1 into the key, then the lookup or update of xdpgen_map. */
static void emit_map_access(struct out *o, const struct gen_spec *spec,
			    const struct frame *fr)
{
	int width = gen_key_index_width(spec);
	int idx = fr->key - gen_key_index_offset(spec);

	if (spec->miss)
		insn(o, "r1 |= %ld", spec->map_entries);
	insn(o, "*(%s *)(r10 - %d) = r1", store_size(width), idx);
	ld64(o, "r1 = %%[xdpgen_map] ll");
	insn(o, "r2 = r10");
	insn(o, "r2 += -%d", fr->key);
	if (spec->map_op == GEN_OP_LOOKUP) {
		insn(o, "call %d", BPF_FUNC_map_lookup_elem);
		jcc(o, "if r0 == 0 goto +2");
		insn(o, "r1 = *(u64 *)(r0 + 0)");
		insn(o, "r9 += r1");
	} else {
		insn(o, "r3 = r10");
		insn(o, "r3 += -%d", fr->value);
		insn(o, "r4 = %d", BPF_EXIST);
		insn(o, "call %d", BPF_FUNC_map_update_elem);
		insn(o, "r9 += r0");
	}
}

static void emit_map_comment(struct out *o, const struct gen_spec *spec)
{
	text(o, "\t/* --map %s:%ld --map-op %s --map-entries %ld --key-size %d%s */\n",
	     gen_map_type_name(spec->map_type), spec->map_n,
	     gen_map_op_name(spec->map_op), spec->map_entries, spec->key_size,
	     spec->miss ? " --miss" : "");
}

static void emit_map(struct out *o, const struct gen_spec *spec,
		     const struct frame *fr)
{
	long j;

	emit_map_comment(o, spec);
	emit_map_prologue(o, spec, fr);
	for (j = 0; j < spec->map_n; j++) {
		insn(o, "r1 = r8");
		insn(o, "r1 += %ld", j);
		insn(o, "r1 &= %ld", spec->map_entries - 1);
		emit_map_access(o, spec, fr);
	}
}

/*
 * Working set: p = xdpgen_ws[0] (this CPU's), xdpgen_ws[0] = p + N, p
 * spilled to the stack. The lookup cannot fail (one entry, key 0), but
 * the verifier wants the check: return the accumulator as it is then.
 */
static void emit_ws_prologue(struct out *o, const struct gen_spec *spec,
			     const struct frame *fr)
{
	text(o, "\t/* --working-set %ld: position p, advanced by N per run */\n",
	     spec->working_set);
	/*
	 * Key 0, but not a constant to the verifier: since Linux 6.14 it
	 * drops the null check of a constant in-range array key, which
	 * would make the instruction counts depend on the kernel.
	 */
	insn(o, "r1 = *(u32 *)(r6 + 12)");
	insn(o, "r2 = *(u32 *)(r6 + 12)");
	insn(o, "r1 -= r2");
	insn(o, "*(u32 *)(r10 - %d) = r1", fr->ws_key);
	insn(o, "r2 = r10");
	insn(o, "r2 += -%d", fr->ws_key);
	ld64(o, "r1 = %%[xdpgen_ws] ll");
	insn(o, "call %d", BPF_FUNC_map_lookup_elem);
	jcc(o, "if r0 != 0 goto +3");
	insn(o, "r0 = r9");
	insn(o, "r0 ^= r8");
	insn(o, "exit");
	insn(o, "r1 = *(u64 *)(r0 + 0)");
	insn(o, "r2 = r1");
	insn(o, "r2 += %ld", spec->map_n);
	insn(o, "*(u64 *)(r0 + 0) = r2");
	insn(o, "*(u64 *)(r10 - %d) = r1", fr->ws_pos);
}

/* r1 = gen_ws_index(p + j): multiply, xorshift, multiply, modulo W. */
static void emit_ws_index(struct out *o, const struct gen_spec *spec,
			  const struct frame *fr, long j)
{
	long mask = spec->working_set - 1;

	insn(o, "r1 = *(u64 *)(r10 - %d)", fr->ws_pos);
	insn(o, "r1 += %ld", j);
	insn(o, "r1 &= %ld", mask);
	insn(o, "r1 *= %d", GEN_WS_MUL1);
	insn(o, "r1 &= %ld", mask);
	insn(o, "r2 = r1");
	insn(o, "r2 >>= %d", gen_ws_shift(spec));
	insn(o, "r1 ^= r2");
	insn(o, "r1 *= %d", GEN_WS_MUL2);
	insn(o, "r1 &= %ld", mask);
}

static void emit_map_ws(struct out *o, const struct gen_spec *spec,
			const struct frame *fr)
{
	long j;

	emit_map_comment(o, spec);
	emit_ws_prologue(o, spec, fr);
	emit_map_prologue(o, spec, fr);
	for (j = 0; j < spec->map_n; j++) {
		emit_ws_index(o, spec, fr, j);
		emit_map_access(o, spec, fr);
	}
}

/* Instructions of emit_counter_update(). */
static long counter_update_len(const struct gen_spec *spec)
{
	return spec->offload ? 12 : 15;
}

/* xdpgen_counters[0]: loop_iters += the value on the stack, loop_runs += 1. */
static void emit_counter_update(struct out *o, const struct gen_spec *spec,
				const struct frame *fr)
{
	int iters = fr->loop_ctx - 8;
	size_t it = offsetof(struct gen_counters, loop_iters);
	size_t runs = offsetof(struct gen_counters, loop_runs);

	insn(o, "r1 = 0");
	insn(o, "*(u32 *)(r10 - %d) = r1", fr->counter_key);
	insn(o, "r2 = r10");
	insn(o, "r2 += -%d", fr->counter_key);
	ld64(o, "r1 = %%[xdpgen_counters] ll");
	insn(o, "call %d", BPF_FUNC_map_lookup_elem);
	if (spec->offload) {
		jcc(o, "if r0 == 0 goto +4");
		insn(o, "r1 = *(u64 *)(r10 - %d)", iters);
		insn(o, "lock *(u64 *)(r0 + %zu) += r1", it);
		insn(o, "r1 = 1");
		insn(o, "lock *(u64 *)(r0 + %zu) += r1", runs);
		return;
	}
	jcc(o, "if r0 == 0 goto +7");
	insn(o, "r1 = *(u64 *)(r10 - %d)", iters);
	insn(o, "r2 = *(u64 *)(r0 + %zu)", it);
	insn(o, "r2 += r1");
	insn(o, "*(u64 *)(r0 + %zu) = r2", it);
	insn(o, "r2 = *(u64 *)(r0 + %zu)", runs);
	insn(o, "r2 += 1");
	insn(o, "*(u64 *)(r0 + %zu) = r2", runs);
}

/*
 * No counter runs inside the loop. bpf_loop returns the number of
 * iterations it ran, which the counting block adds up; the bounded loop
 * adds its counter N, N-1, ..., 1 to r9, and the counting block adds
 * what r9 gained, N (N + 1) / 2, which no other number of iterations
 * gives (gen_check_counters()).
 */
static void emit_loop(struct out *o, const struct gen_spec *spec,
		      const struct frame *fr)
{
	int iters = fr->loop_ctx - 8;

	text(o, "\t/* --loop %ld --loop-kind %s */\n", spec->loop,
	     gen_loop_kind_name(spec->loop_kind));
	if (spec->loop_kind == GEN_LOOP_BPF_LOOP) {
		insn(o, "*(u64 *)(r10 - %d) = r9", fr->loop_ctx);
		/*
		 * The count is N at run time but unknown to the verifier: with
		 * a constant 0, Linux 6.18 drops the callback as dead code and
		 * then fails ("verifier bug: No program to jit").
		 */
		insn(o, "r1 = *(u32 *)(r6 + 12)");
		insn(o, "r2 = *(u32 *)(r6 + 12)");
		insn(o, "r1 -= r2");
		insn(o, "r1 += %ld", spec->loop);
		ld64(o, "r2 = %%[xdpgen_loop_cb] ll");
		insn(o, "r3 = r10");
		insn(o, "r3 += -%d", fr->loop_ctx);
		insn(o, "r4 = 0");
		insn(o, "call %d", BPF_FUNC_loop);
		insn(o, "r9 = *(u64 *)(r10 - %d)", fr->loop_ctx);
		text(o, "\t/* counting only: r0 = iterations bpf_loop ran */\n");
		emit_count_switch(o, spec, '1', 1 + counter_update_len(spec));
		insn(o, "*(u64 *)(r10 - %d) = r0", iters);
	} else {
		insn(o, "r1 = %ld", spec->loop);
		insn(o, "r3 = r9");
		jcc(o, "if r1 == 0 goto +3");
		insn(o, "r9 += r1");
		insn(o, "r1 += -1");
		insn(o, "goto -4");
		text(o, "\t/* counting only: what r9 gained, N (N + 1) / 2 */\n");
		emit_count_switch(o, spec, '1', 3 + counter_update_len(spec));
		insn(o, "r1 = r9");
		insn(o, "r1 -= r3");
		insn(o, "*(u64 *)(r10 - %d) = r1", iters);
	}
	emit_counter_update(o, spec, fr);
}

/* The bpf_loop callback: ctx->acc += index. */
static void emit_loop_callback(struct out *o)
{
	text(o, "\n/* bpf_loop callback: r1 = index, r2 = { acc } */\n"
		"__attribute__((naked, noinline, used))\n"
		"static long xdpgen_loop_cb(void)\n{\n\tasm volatile(\n");
	insn(o, "r3 = *(u64 *)(r2 + 0)");
	insn(o, "r3 += r1");
	insn(o, "*(u64 *)(r2 + 0) = r3");
	insn(o, "r0 = 0");
	insn(o, "exit");
	text(o, "\t::: \"memory\");\n}\n");
}

static void emit_ext_operands(struct out *o, const struct gen_spec *spec)
{
	const char *sep = "";

	text(o, "\t:\n\t:");
	if (gen_has(spec, GEN_P_MAP)) {
		text(o, " [xdpgen_map] \"i\"(&xdpgen_map)");
		sep = ",";
	}
	if (gen_has(spec, GEN_P_MAP) && spec->working_set)
		text(o, ", [xdpgen_ws] \"i\"(&xdpgen_ws)");
	if (gen_has(spec, GEN_P_LOOP)) {
		text(o, "%s [xdpgen_counters] \"i\"(&xdpgen_counters)", sep);
		if (!spec->offload)
			text(o, ", [xdpgen_count] \"i\"(&xdpgen_count)");
		if (spec->loop_kind == GEN_LOOP_BPF_LOOP)
			text(o, ", [xdpgen_loop_cb] \"i\"(xdpgen_loop_cb)");
	}
	text(o, "\n\t: \"memory\");\n}\n");
}

static void emit_ext(struct out *o, const struct gen_spec *spec)
{
	struct frame fr;

	layout(spec, &fr);
	if (gen_has(spec, GEN_P_LOOP) && spec->loop_kind == GEN_LOOP_BPF_LOOP)
		emit_loop_callback(o);
	text(o, "\n/*\n"
		" * The extension: r1 = IPv4 header (20 B readable), r2 = frame end.\n"
		" * r6 header, r7 end, r8 seed (saddr << 32 | daddr), r9 accumulator;\n"
		" * returns r9 ^ r8, which the forwarder compares with FWD_EXTRA_PASS.\n"
		" */\n"
		"__attribute__((naked, noinline, used))\n"
		"static __u64 xdpgen_ext(void)\n{\n\tasm volatile(\n");
	insn(o, "r6 = r1");
	insn(o, "r7 = r2");
	insn(o, "r8 = *(u32 *)(r6 + 12)");
	insn(o, "r1 = *(u32 *)(r6 + 16)");
	insn(o, "r8 <<= 32");
	insn(o, "r8 |= r1");
	insn(o, "r9 = r8");
	if (gen_has(spec, GEN_P_INSNS))
		emit_insns(o, spec);
	if (gen_has(spec, GEN_P_ALU))
		emit_alu(o, spec);
	if (gen_has(spec, GEN_P_BRANCHES))
		emit_branches(o, spec);
	if (gen_has(spec, GEN_P_PAYLOAD))
		emit_payload(o, spec);
	if (gen_has(spec, GEN_P_MAP) && spec->working_set)
		emit_map_ws(o, spec, &fr);
	else if (gen_has(spec, GEN_P_MAP))
		emit_map(o, spec, &fr);
	if (gen_has(spec, GEN_P_LOOP))
		emit_loop(o, spec, &fr);
	insn(o, "r0 = r9");
	insn(o, "r0 ^= r8");
	insn(o, "exit");
	emit_ext_operands(o, spec);
}

/* Instructions of emit_hop_count(). */
#define HOP_COUNT_INSNS	11

/* xdpgen_counters[0] (key 0 at r10 - 4) field at offset off += 1. */
static void emit_hop_count(struct out *o, size_t off)
{
	insn(o, "r1 = 0");
	insn(o, "*(u32 *)(r10 - 4) = r1");
	insn(o, "r2 = r10");
	insn(o, "r2 += -4");
	ld64(o, "r1 = %%[xdpgen_counters] ll");
	insn(o, "call %d", BPF_FUNC_map_lookup_elem);
	jcc(o, "if r0 == 0 goto +3");
	insn(o, "r1 = *(u64 *)(r0 + %zu)", off);
	insn(o, "r1 += 1");
	insn(o, "*(u64 *)(r0 + %zu) = r1", off);
}

/*
 * Program `name`: count a hop, tail-call slot `next`, count a failure;
 * both counts only when counting (the timed hop reads the switch twice and
 * tail-calls: r1 is still the context).
 */
static void emit_hop(struct out *o, const struct gen_spec *spec,
		     const char *name, int next)
{
	text(o, "\nSEC(\"xdp\")\n__attribute__((naked))\nint %s(void)\n{\n\tasm volatile(\n",
	     name);
	emit_count_switch(o, spec, '2', 2 + HOP_COUNT_INSNS);
	insn(o, "r6 = r1");
	emit_hop_count(o, offsetof(struct gen_counters, tc_hops));
	insn(o, "r1 = r6");
	ld64(o, "r2 = %%[xdpgen_progs] ll");
	insn(o, "r3 = %d", next);
	insn(o, "call %d", BPF_FUNC_tail_call);
	text(o, "\t/* only reached when the tail call fails */\n");
	emit_count_switch(o, spec, '2', HOP_COUNT_INSNS);
	emit_hop_count(o, offsetof(struct gen_counters, tc_fail));
	insn(o, "r0 = %d", XDP_ABORTED);
	insn(o, "exit");
	text(o, "\t:\n\t: [xdpgen_counters] \"i\"(&xdpgen_counters), [xdpgen_progs] \"i\"(&xdpgen_progs),\n"
		"\t  [xdpgen_count] \"i\"(&xdpgen_count)\n"
		"\t: \"memory\");\n}\n");
}

static void emit_maps(struct out *o, const struct gen_spec *spec)
{
	static const char *const bpf_type[GEN_MAP_MAX] = {
		[GEN_MAP_ARRAY] = "BPF_MAP_TYPE_ARRAY",
		[GEN_MAP_PERCPU_ARRAY] = "BPF_MAP_TYPE_PERCPU_ARRAY",
		[GEN_MAP_HASH] = "BPF_MAP_TYPE_HASH",
		[GEN_MAP_PERCPU_HASH] = "BPF_MAP_TYPE_PERCPU_HASH",
		[GEN_MAP_LRU_HASH] = "BPF_MAP_TYPE_LRU_HASH",
		[GEN_MAP_LPM_TRIE] = "BPF_MAP_TYPE_LPM_TRIE",
	};

	if (gen_has(spec, GEN_P_MAP)) {
		text(o, "\n/* Entries 0..%ld are stored by the harness (gen_populate_maps). */\n",
		     spec->map_entries - 1);
		text(o, "struct {\n\t__uint(type, %s);\n\t__uint(max_entries, %ld);\n"
			"\t__uint(key_size, %d);\n\t__uint(value_size, 8);\n",
		     bpf_type[spec->map_type], gen_map_max_entries(spec),
		     spec->key_size);
		if (spec->map_type == GEN_MAP_LPM_TRIE)
			text(o, "\t__uint(map_flags, BPF_F_NO_PREALLOC);\n");
		text(o, "} xdpgen_map SEC(\".maps\");\n");
	}
	if (gen_has(spec, GEN_P_MAP) && spec->working_set)
		text(o, "\n/* The working set's position, per CPU (--working-set) */\n"
			"struct {\n\t__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);\n"
			"\t__uint(max_entries, 1);\n\t__uint(key_size, 4);\n"
			"\t__uint(value_size, 8);\n} xdpgen_ws SEC(\".maps\");\n");
	if (gen_has(spec, GEN_P_LOOP) || gen_has(spec, GEN_P_TAILCALLS))
		text(o, "\n/* struct gen_counters (gen/gen_spec.h) at key 0 */\n"
			"struct {\n\t__uint(type, %s);\n\t__uint(max_entries, 1);\n"
			"\t__uint(key_size, 4);\n\t__uint(value_size, %zu);\n"
			"} xdpgen_counters SEC(\".maps\");\n",
		     spec->offload ? "BPF_MAP_TYPE_ARRAY" : "BPF_MAP_TYPE_PERCPU_ARRAY",
		     sizeof(struct gen_counters));
	if ((gen_has(spec, GEN_P_LOOP) || gen_has(spec, GEN_P_TAILCALLS)) &&
	    !spec->offload)
		text(o, "\n/*\n * 1: the counters above run (validation, wire runs); 0: the verifier\n"
			" * removes them as dead code (timed runs: gen_object_load_clean()).\n */\n"
			"const volatile __u32 xdpgen_count = 1;\n");
	if (gen_has(spec, GEN_P_TAILCALLS))
		text(o, "\n/* Slot i holds xdpgen_tc_i (gen_populate_tailcalls). */\n"
			"struct {\n\t__uint(type, BPF_MAP_TYPE_PROG_ARRAY);\n"
			"\t__uint(max_entries, %d);\n\t__uint(key_size, 4);\n"
			"\t__uint(value_size, 4);\n} xdpgen_progs SEC(\".maps\");\n",
		     spec->tailcalls + 1);
}

static void emit_header(struct out *o, const struct gen_spec *spec,
			const char *args)
{
	text(o, "// SPDX-License-Identifier: GPL-2.0\n"
		"/*\n * Generated by gen/xdpgen%s%s. Do not edit: make regenerates it.\n"
		" * Instructions more than the empty variant: %ld as written, %ld after\n"
		" * the verifier (Linux 6.18), %ld without the counters; conditional\n"
		" * jumps: %ld, %ld, %ld.\n */\n",
	     *args ? " " : "", args, gen_expected_insns(spec),
	     gen_expected_xlated_insns(spec),
	     gen_expected_xlated_insns(spec) - gen_count_xlated_insns(spec),
	     gen_expected_cond_jumps(spec), gen_expected_xlated_cond_jumps(spec),
	     gen_expected_xlated_cond_jumps(spec) -
	     gen_count_xlated_cond_jumps(spec));
	text(o, "#include <linux/bpf.h>\n#include <linux/types.h>\n"
		"#include <bpf/bpf_helpers.h>\n\n"
		"/*\n * The forwarder calls the generated extension here. Everything that\n"
		" * varies is in xdpgen_ext, so the code clang makes of this call site\n"
		" * and of the forwarder is the same in every variant.\n */\n"
		"static __always_inline __u64 xdpgen_call(void *iph, void *data_end)\n"
		"{\n\t__u64 res;\n\n"
		"\tasm volatile(\"r1 = %%[iph]\\n\"\n\t\t     \"r2 = %%[end]\\n\"\n"
		"\t\t     \"call xdpgen_ext\\n\"\n\t\t     \"%%[res] = r0\\n\"\n"
		"\t\t     : [res] \"=r\"(res)\n"
		"\t\t     : [iph] \"r\"(iph), [end] \"r\"(data_end)\n"
		"\t\t     : \"r0\", \"r1\", \"r2\", \"r3\", \"r4\", \"r5\", \"memory\");\n"
		"\treturn res;\n}\n\n"
		"#define XDP_FWD_EXTRA(ctx, data, data_end, iph) xdpgen_call(iph, data_end)\n");
	if (spec->offload)
		text(o, "#define XDP_FWD_OFFLOAD\n");
	text(o, "#include \"xdp_fwd_base.bpf.h\"\n");
}

void gen_emit_program(FILE *f, const struct gen_spec *spec, const char *args,
		      struct gen_emit_counts *c)
{
	struct out ob = { .f = f }, *o = &ob;
	char name[32];
	int i, n = gen_has(spec, GEN_P_TAILCALLS) ? spec->tailcalls : 0;

	emit_header(o, spec, args);
	emit_maps(o, spec);
	o->insns = o->cond_jumps = 0;
	emit_ext(o, spec);
	c->ext_insns = o->insns;
	c->ext_cond_jumps = o->cond_jumps;
	c->hop_insns = gen_hop_insns();
	for (i = 0; i < n; i++) {
		if (i)
			snprintf(name, sizeof(name), "xdpgen_tc_%d", i);
		o->insns = 0;
		emit_hop(o, spec, i ? name : "xdp_gen", i + 1);
		c->hop_insns = o->insns;
	}
	if (n)
		snprintf(name, sizeof(name), "xdpgen_tc_%d", n);
	text(o, "\n/* The forwarding program%s. */\nSEC(\"xdp\")\nint %s(struct xdp_md *ctx)\n"
		"{\n\treturn xdp_fwd_run(ctx);\n}\n\n"
		"char LICENSE[] SEC(\"license\") = \"GPL\";\n",
	     n ? ", last of the tail call chain" : "", n ? name : "xdp_gen");
}

int gen_emit_check(const struct gen_spec *spec,
		   const struct gen_emit_counts *c, char *err, size_t len)
{
	long want = EXT_FIXED_INSNS + gen_expected_insns(spec);

	if (c->ext_insns != want ||
	    c->ext_cond_jumps != gen_expected_cond_jumps(spec) ||
	    c->hop_insns != gen_hop_insns()) {
		snprintf(err, len, "wrote %ld insns (%ld conditional jumps, hops %ld), formulas say %ld (%ld, %ld)",
			 c->ext_insns, c->ext_cond_jumps, c->hop_insns, want,
			 gen_expected_cond_jumps(spec), gen_hop_insns());
		return -1;
	}
	return 0;
}
