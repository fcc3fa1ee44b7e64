// SPDX-License-Identifier: GPL-2.0
/*
 * Loaded-program introspection: the xlated instructions of a program,
 * classified, with kernel symbols for its calls. See xlated.h.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xlated.h"
#include "util.h"

/* JIT constant blinding uses this register (BPF_REG_AX), never programs. */
#define XLATED_REG_AX 11

/* ---- helper names -------------------------------------------------- */

/* __BPF_FUNC_MAPPER(FN) expands to "FN(name)," per helper, in id order. */
#define XLATED_HELPER_NAME(x) #x
static const char *const helper_names[] = {
	__BPF_FUNC_MAPPER(XLATED_HELPER_NAME)
};

/* Kernel functions whose name is not "bpf_" + the helper's name. */
static const struct {
	const char *sym;
	int id;
} helper_aliases[] = {
	{ "bpf_xdp_redirect_map", BPF_FUNC_redirect_map },
	{ "bpf_xdp_redirect", BPF_FUNC_redirect },
	{ "bpf_user_rnd_u32", BPF_FUNC_get_prandom_u32 },
	{ "bpf_get_raw_cpu_id", BPF_FUNC_get_smp_processor_id },
};

/*
 * The verifier calls a map's own function instead of the map helpers
 * (htab_map_lookup_elem for bpf_map_lookup_elem on a hash, dev_map_redirect
 * for bpf_redirect_map, ...): their names end like this.
 */
static const struct {
	const char *suffix;
	int id;
} map_op_suffixes[] = {
	{ "_lookup_elem", BPF_FUNC_map_lookup_elem },
	{ "_update_elem", BPF_FUNC_map_update_elem },
	{ "_delete_elem", BPF_FUNC_map_delete_elem },
	{ "_push_elem", BPF_FUNC_map_push_elem },
	{ "_pop_elem", BPF_FUNC_map_pop_elem },
	{ "_peek_elem", BPF_FUNC_map_peek_elem },
	{ "_map_redirect", BPF_FUNC_redirect_map },
	{ "_for_each_callback", BPF_FUNC_for_each_map_elem },
};

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);

	return n >= m && !strcmp(s + n - m, suffix);
}

static int helper_id_of(const char *sym, bool *map_op)
{
	size_t i;

	*map_op = false;
	for (i = 0; i < ARRAY_SIZE(helper_aliases); i++)
		if (!strcmp(sym, helper_aliases[i].sym))
			return helper_aliases[i].id;
	if (!strncmp(sym, "bpf_", 4))
		for (i = 1; i < ARRAY_SIZE(helper_names); i++)
			if (!strcmp(sym + 4, helper_names[i]))
				return (int)i;
	for (i = 0; i < ARRAY_SIZE(map_op_suffixes); i++)
		if (ends_with(sym, map_op_suffixes[i].suffix)) {
			*map_op = true;
			return map_op_suffixes[i].id;
		}
	return -1;
}

/* ---- kernel symbols ------------------------------------------------ */

struct ksym {
	__u64 addr;
	char *name;
};

static struct {
	bool loaded;
	__u64 call_base;	/* __bpf_call_base; 0 when unknown */
	struct ksym *syms;	/* sorted by address */
	size_t nr;
} kallsyms;

static int ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Text symbols of /proc/kallsyms, once per process. */
static void kallsyms_load(void)
{
	char line[512], name[256], type;
	unsigned long long addr;
	size_t cap = 0;
	FILE *f;

	if (kallsyms.loaded)
		return;
	kallsyms.loaded = true;
	f = fopen("/proc/kallsyms", "r");
	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 || !addr)
			continue;
		if (!strcmp(name, "__bpf_call_base"))
			kallsyms.call_base = addr;
		if (type != 't' && type != 'T')
			continue;
		if (grow_array(&kallsyms.syms, &cap, kallsyms.nr + 1,
			       sizeof(*kallsyms.syms)))
			break;
		kallsyms.syms[kallsyms.nr].addr = addr;
		kallsyms.syms[kallsyms.nr].name = strdup(name);
		if (kallsyms.syms[kallsyms.nr].name)
			kallsyms.nr++;
	}
	fclose(f);
	qsort(kallsyms.syms, kallsyms.nr, sizeof(*kallsyms.syms), ksym_cmp);
}

static const char *ksym_name(__u64 addr)
{
	struct ksym key = { .addr = addr }, *s;

	s = bsearch(&key, kallsyms.syms, kallsyms.nr, sizeof(key), ksym_cmp);
	return s ? s->name : NULL;
}

/* ---- classification ------------------------------------------------ */

static bool is_jmp_class(__u8 code)
{
	return BPF_CLASS(code) == BPF_JMP || BPF_CLASS(code) == BPF_JMP32;
}

static bool is_helper_call(const struct bpf_insn *insn)
{
	return insn->code == (BPF_JMP | BPF_CALL) && insn->src_reg == 0;
}

/*
 * The dump turns a tail call back into "call 12" (bpf_insn_prepare_dump);
 * no helper lives 12 bytes from __bpf_call_base.
 */
static bool is_tail_call(const struct bpf_insn *insn)
{
	return is_helper_call(insn) && insn->imm == BPF_FUNC_tail_call;
}

static struct xlated_target *target_of(struct xlated_prog *xp, __s32 imm)
{
	struct xlated_target *t;
	const char *name;
	int i;

	for (i = 0; i < xp->nr_targets; i++)
		if (xp->targets[i].imm == imm)
			return &xp->targets[i];
	if (xp->nr_targets == XLATED_MAX_TARGETS)
		return NULL;
	t = &xp->targets[xp->nr_targets++];
	memset(t, 0, sizeof(*t));
	t->imm = imm;
	t->helper_id = -1;
	if (imm == BPF_FUNC_tail_call) {
		t->helper_id = BPF_FUNC_tail_call;
		snprintf(t->name, sizeof(t->name), "bpf_tail_call");
		return t;
	}
	if (!kallsyms.call_base || !imm)
		return t;
	t->addr = kallsyms.call_base + (__s64)imm;
	name = ksym_name(t->addr);
	if (name) {
		snprintf(t->name, sizeof(t->name), "%s", name);
		t->helper_id = helper_id_of(name, &t->map_op);
	}
	return t;
}

static void count_alu(struct xlated_prog *xp, const struct bpf_insn *insn)
{
	bool is64 = BPF_CLASS(insn->code) == BPF_ALU64;

	if (BPF_OP(insn->code) != BPF_END) {
		xp->alu[is64][BPF_OP(insn->code) >> 4]++;
		return;
	}
	/* On a little-endian host, to_le is a truncation, not a swap. */
	if (!is64 && BPF_SRC(insn->code) == BPF_TO_LE)
		return;
	if (insn->imm == 16)
		xp->bswap[0]++;
	else if (insn->imm == 32)
		xp->bswap[1]++;
	else if (insn->imm == 64)
		xp->bswap[2]++;
}

static void count_insn(struct xlated_prog *xp, const struct bpf_insn *insn)
{
	__u8 code = insn->code, cls = BPF_CLASS(code);
	struct xlated_target *t;

	if (insn->dst_reg == XLATED_REG_AX || insn->src_reg == XLATED_REG_AX)
		xp->blinded++;
	if (cls == BPF_ALU || cls == BPF_ALU64) {
		count_alu(xp, insn);
	} else if (cls == BPF_LDX) {
		xp->loads++;
	} else if (cls == BPF_ST || cls == BPF_STX) {
		if (BPF_MODE(code) == BPF_ATOMIC)
			xp->atomics++;
		else
			xp->stores++;
	} else if (is_jmp_class(code)) {
		switch (BPF_OP(code)) {
		case BPF_JA:
			xp->jumps++;
			break;
		case BPF_EXIT:
			xp->exits++;
			break;
		case BPF_CALL:
			if (insn->src_reg == BPF_PSEUDO_CALL) {
				xp->subprog_calls++;
			} else if (insn->src_reg == BPF_PSEUDO_KFUNC_CALL) {
				xp->kfunc_calls++;
			} else if (is_tail_call(insn)) {
				xp->tail_calls++;
			} else {
				xp->helper_calls++;
				t = target_of(xp, insn->imm);
				if (t)
					t->calls++;
			}
			break;
		default:
			xp->cond_jumps++;
			if (BPF_CLASS(code) == BPF_JMP32)
				xp->cond_jumps32++;
			if (BPF_SRC(code) == BPF_X)
				xp->cond_jumps_reg[BPF_OP(code) >> 4]++;
		}
	}
}

static struct xlated_map *map_of(struct xlated_prog *xp, __u32 id)
{
	struct bpf_map_info info = {};
	__u32 len = sizeof(info);
	struct xlated_map *m;
	int i, fd;

	for (i = 0; i < xp->nr_maps; i++)
		if (xp->maps[i].id == id)
			return &xp->maps[i];
	if (xp->nr_maps == XLATED_MAX_MAPS)
		return NULL;
	m = &xp->maps[xp->nr_maps++];
	memset(m, 0, sizeof(*m));
	m->id = id;
	fd = bpf_map_get_fd_by_id(id);
	if (fd >= 0) {
		if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
			m->type = info.type;
			memcpy(m->name, info.name, sizeof(m->name));
		}
		close(fd);
	}
	return m;
}

/*
 * What follows a map pointer load at insn i: the first call (lookup,
 * update, tail call, other) or an inlined lookup, recognised by its
 * bounds check "if r0 >= max_entries" before any call.
 */
static void classify_map_ref(struct xlated_prog *xp, struct xlated_map *m,
			     __u32 i)
{
	const struct bpf_insn *insn;
	const struct xlated_target *t;
	__u32 j;

	for (j = i + 2; j < xp->nr_insns && j < i + 24; j++) {
		insn = &xp->insns[j];
		if (!is_jmp_class(insn->code))
			continue;
		if (is_tail_call(insn)) {
			m->tail_calls++;
		} else if (is_helper_call(insn)) {
			t = target_of(xp, insn->imm);
			if (t && t->helper_id == BPF_FUNC_map_lookup_elem)
				m->lookup_calls++;
			else if (t && t->helper_id == BPF_FUNC_map_update_elem)
				m->update_calls++;
			else
				m->other_calls++;
		} else if (BPF_OP(insn->code) == BPF_JGE &&
			   BPF_SRC(insn->code) == BPF_K &&
			   insn->dst_reg == BPF_REG_0) {
			m->inlined_lookups++;
		}
		return;
	}
}

static void count_map_refs(struct xlated_prog *xp)
{
	const struct bpf_insn *insn;
	struct xlated_map *m;
	__u32 i;

	for (i = 0; i + 1 < xp->nr_insns; i++) {
		insn = &xp->insns[i];
		if (insn->code != (BPF_LD | BPF_IMM | BPF_DW))
			continue;
		xp->ld_imm64++;
		if (insn->src_reg == BPF_PSEUDO_MAP_FD ||
		    insn->src_reg == BPF_PSEUDO_MAP_VALUE) {
			/* the dump puts the map id in imm */
			m = map_of(xp, (__u32)insn->imm);
			if (m) {
				m->refs++;
				if (insn->src_reg == BPF_PSEUDO_MAP_VALUE)
					m->value_refs++;
				else
					classify_map_ref(xp, m, i);
			}
		}
		i++;	/* second half of the 16-byte instruction */
	}
}

int xlated_load(int prog_fd, struct xlated_prog *xp)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info), i;
	int err;

	memset(xp, 0, sizeof(*xp));
	err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	if (err)
		return -errno;
	xp->id = info.id;
	memcpy(xp->name, info.name, sizeof(xp->name));
	xp->nr_insns = info.xlated_prog_len / sizeof(struct bpf_insn);
	if (!xp->nr_insns)
		return -EPERM;	/* the kernel hides them from us */
	xp->insns = calloc(xp->nr_insns, sizeof(*xp->insns));
	if (!xp->insns)
		return -ENOMEM;
	memset(&info, 0, sizeof(info));
	info.xlated_prog_len = xp->nr_insns * sizeof(struct bpf_insn);
	info.xlated_prog_insns = (__u64)(unsigned long)xp->insns;
	len = sizeof(info);
	err = bpf_obj_get_info_by_fd(prog_fd, &info, &len);
	if (err) {
		err = -errno;
		xlated_free(xp);
		return err;
	}
	kallsyms_load();
	for (i = 0; i < xp->nr_insns; i++) {
		count_insn(xp, &xp->insns[i]);
		if (xp->insns[i].code == (BPF_LD | BPF_IMM | BPF_DW))
			i++;
	}
	count_map_refs(xp);
	return 0;
}

void xlated_free(struct xlated_prog *xp)
{
	free(xp->insns);
	xp->insns = NULL;
	xp->nr_insns = 0;
}

int xlated_alu(const struct xlated_prog *xp, __u8 op, int width)
{
	if (op == BPF_END)
		return width == 16 ? xp->bswap[0] : width == 32 ? xp->bswap[1] :
		       width == 64 ? xp->bswap[2] : 0;
	if (width != 32 && width != 64)
		return 0;
	return xp->alu[width == 64][(op >> 4) & 0xf];
}

int xlated_helper_calls(const struct xlated_prog *xp, int helper_id)
{
	int i, n = 0;

	if (helper_id == BPF_FUNC_tail_call)
		return xp->tail_calls;
	for (i = 0; i < xp->nr_targets; i++)
		if (xp->targets[i].helper_id == helper_id)
			n += xp->targets[i].calls;
	return n;
}

const struct xlated_map *xlated_map(const struct xlated_prog *xp,
				    const char *name)
{
	int i;

	for (i = 0; i < xp->nr_maps; i++)
		if (!strcmp(xp->maps[i].name, name))
			return &xp->maps[i];
	return NULL;
}

/*
 * One lookup of a map of the given type, as raw instructions (no compiler
 * in the way): what the verifier writes in place of the call is the xlated
 * length minus the written one.
 */
int xlated_probe_lookup(__u32 map_type, struct xlated_lookup *res)
{
	LIBBPF_OPTS(bpf_map_create_opts, mopts);
	struct bpf_insn prog[] = {
		{ .code = BPF_ST | BPF_MEM | BPF_DW, .dst_reg = BPF_REG_10,
		  .off = -8, .imm = 0 },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_X, .dst_reg = BPF_REG_2,
		  .src_reg = BPF_REG_10 },
		{ .code = BPF_ALU64 | BPF_ADD | BPF_K, .dst_reg = BPF_REG_2,
		  .imm = -8 },
		{ .code = BPF_LD | BPF_DW | BPF_IMM, .dst_reg = BPF_REG_1,
		  .src_reg = BPF_PSEUDO_MAP_FD },
		{ 0 },
		{ .code = BPF_JMP | BPF_CALL, .imm = BPF_FUNC_map_lookup_elem },
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	const int nr = ARRAY_SIZE(prog);
	struct xlated_prog xp;
	__u32 key_size = 4;
	int map_fd, prog_fd, err;

	if (map_type == BPF_MAP_TYPE_LPM_TRIE) {
		mopts.map_flags = BPF_F_NO_PREALLOC;
		key_size = 8;
	}
	map_fd = bpf_map_create(map_type, "xdpperf_probe", key_size, 8, 16,
				&mopts);
	if (map_fd < 0)
		return -errno;
	prog[3].imm = map_fd;
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "xdpperf_probe", "GPL",
				prog, nr, NULL);
	err = prog_fd < 0 ? -errno : xlated_load(prog_fd, &xp);
	if (!err) {
		res->insns = (long)xp.nr_insns - nr;
		res->cond_jumps = xp.cond_jumps;
		res->calls = xp.helper_calls > 0;
		xlated_free(&xp);
	}
	if (prog_fd >= 0)
		close(prog_fd);
	close(map_fd);
	return err;
}
