// SPDX-License-Identifier: GPL-2.0
/*
 * Loaded-program introspection (xlated instructions) and the harness side
 * of generated programs. See xlated.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xlated.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

#ifndef ENOTSUPP
#define ENOTSUPP 524	/* kernel-internal, returned by some map types */
#endif

/* JIT constant blinding uses this register (BPF_REG_AX), never programs. */
#define XLATED_REG_AX 11

/* ---- helper names -------------------------------------------------- */

/* __BPF_FUNC_MAPPER(FN) expands to "FN(name)," per helper, in id order. */
#define XLATED_HELPER_NAME(x) #x
static const char *const helper_names[] = {
	__BPF_FUNC_MAPPER(XLATED_HELPER_NAME)
};

const char *xlated_helper_name(int helper_id)
{
	if (helper_id < 0 || helper_id >= (int)ARRAY_SIZE(helper_names))
		return NULL;
	return helper_names[helper_id];
}

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
	struct ksym *tmp;
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
		if (kallsyms.nr == cap) {
			cap = cap ? 2 * cap : 65536;
			tmp = realloc(kallsyms.syms, cap * sizeof(*tmp));
			if (!tmp)
				break;
			kallsyms.syms = tmp;
		}
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

int xlated_calls_to(const struct xlated_prog *xp, const char *name)
{
	int i;

	for (i = 0; i < xp->nr_targets; i++)
		if (!strcmp(xp->targets[i].name, name))
			return xp->targets[i].calls;
	return 0;
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

void xlated_print(FILE *f, const struct xlated_prog *xp)
{
	const struct xlated_map *m;
	int i;

	fprintf(f, "prog %u %s: %u insns, %d conditional jumps (%d jmp32), %d ja, %d exits, %d calls (%d subprog, %d kfunc, %d tail), %d ld_imm64%s\n",
		xp->id, xp->name, xp->nr_insns, xp->cond_jumps, xp->cond_jumps32,
		xp->jumps, xp->exits, xp->helper_calls, xp->subprog_calls,
		xp->kfunc_calls, xp->tail_calls, xp->ld_imm64,
		xp->blinded ? " (constant blinding on)" : "");
	for (i = 0; i < xp->nr_targets; i++)
		fprintf(f, "  call %s (helper %d%s): %d\n",
			xp->targets[i].name[0] ? xp->targets[i].name : "?",
			xp->targets[i].helper_id,
			xp->targets[i].map_op ? ", map function" : "",
			xp->targets[i].calls);
	for (i = 0; i < xp->nr_maps; i++) {
		m = &xp->maps[i];
		fprintf(f, "  map %u %s (type %u): %d refs, %d value, %d lookup calls, %d inlined lookups, %d update calls, %d tail calls, %d other\n",
			m->id, m->name, m->type, m->refs, m->value_refs,
			m->lookup_calls, m->inlined_lookups, m->update_calls,
			m->tail_calls, m->other_calls);
	}
}

/* ---- generated programs ------------------------------------------- */

struct bpf_object *gen_object_load(const char *dir, const char *name)
{
	struct bpf_object *obj;
	char path[4096];
	int err;

	if (snprintf(path, sizeof(path), "%s/%s.bpf.o", dir, name) >= (int)sizeof(path)) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	obj = bpf_object__open_file(path, NULL);
	if (!obj)
		return NULL;
	err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

/*
 * One lookup of a map of the given type, as raw instructions (no compiler
 * in the way): what the verifier writes in place of the call is the xlated
 * length minus the written one.
 */
/* Map types whose lookups the verifier inlines without any call. */
static bool lookup_without_call[GEN_MAP_MAX] = {
	[GEN_MAP_ARRAY] = true,
	[GEN_MAP_PERCPU_ARRAY] = true,	/* since 6.10; 6.1 calls */
};

static int probe_lookup_inline(enum gen_map_type type, long *insns,
			       long *cond_jumps)
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
	const int nr = sizeof(prog) / sizeof(prog[0]);
	struct xlated_prog xp;
	__u32 key_size = 4;
	int map_fd, prog_fd, err;

	if (type == GEN_MAP_LPM_TRIE) {
		mopts.map_flags = BPF_F_NO_PREALLOC;
		key_size = 8;
	}
	map_fd = bpf_map_create(gen_map_type_bpf(type), "xdpperf_probe",
				key_size, 8, 16, &mopts);
	if (map_fd < 0)
		return -errno;
	prog[3].imm = map_fd;
	prog_fd = bpf_prog_load(BPF_PROG_TYPE_XDP, "xdpperf_probe", "GPL",
				prog, nr, NULL);
	err = prog_fd < 0 ? -errno : xlated_load(prog_fd, &xp);
	if (!err) {
		*insns = (long)xp.nr_insns - nr;
		*cond_jumps = xp.cond_jumps;
		lookup_without_call[type] = xp.helper_calls == 0;
		xlated_free(&xp);
	}
	if (prog_fd >= 0)
		close(prog_fd);
	close(map_fd);
	return err;
}

int xlated_calibrate_inlining(void)
{
	static int done;
	long insns, jumps;
	int t, err;

	if (done)
		return done < 0 ? done : 0;
	for (t = 0; t < GEN_MAP_MAX; t++) {
		err = probe_lookup_inline(t, &insns, &jumps);
		if (err) {
			done = err;
			return err;
		}
		gen_set_lookup_inline(t, insns, jumps);
	}
	done = 1;
	return 0;
}

int gen_load_baseline(const char *dir, bool offload, struct xlated_prog *empty)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	int err;

	memset(empty, 0, sizeof(*empty));
	err = xlated_calibrate_inlining();
	if (err)
		return err;
	obj = gen_object_load(dir, offload ? "empty_offload" : "empty");
	if (!obj)
		return -errno;
	prog = gen_entry_prog(obj);
	err = prog ? xlated_load(bpf_program__fd(prog), empty) : -ENOENT;
	bpf_object__close(obj);
	return err;
}

struct bpf_program *gen_entry_prog(struct bpf_object *obj)
{
	return bpf_object__find_program_by_name(obj, "xdp_gen");
}

struct bpf_program *gen_fwd_prog(struct bpf_object *obj,
				 const struct gen_spec *spec)
{
	char name[32];

	if (!gen_has(spec, GEN_P_TAILCALLS) || !spec->tailcalls)
		return gen_entry_prog(obj);
	snprintf(name, sizeof(name), "xdpgen_tc_%d", spec->tailcalls);
	return bpf_object__find_program_by_name(obj, name);
}

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	if (!map)
		return -ENOENT;
	return bpf_map__fd(map) < 0 ? -EBADF : bpf_map__fd(map);
}

#define GEN_POPULATE_CHUNK 4096

/* Count entries of a hash-like map with batched lookups. */
static int count_entries(int fd, const struct gen_spec *spec, long *count,
			 int nr_cpus)
{
	size_t vsz = 8 * (size_t)nr_cpus;
	void *keys, *vals;
	__u64 in = 0, out = 0;
	__u32 n;
	bool first = true;
	int err = 0;

	*count = 0;
	keys = calloc(GEN_POPULATE_CHUNK, spec->key_size);
	vals = calloc(GEN_POPULATE_CHUNK, vsz);
	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (;;) {
		n = GEN_POPULATE_CHUNK;
		err = bpf_map_lookup_batch(fd, first ? NULL : &in, &out, keys,
					   vals, &n, NULL);
		if (err)
			err = -errno;
		*count += n;
		if (err == -ENOENT) {	/* end of the map */
			err = 0;
			break;
		}
		if (err)
			break;
		in = out;
		first = false;
	}
out:
	free(keys);
	free(vals);
	return err;
}

static bool is_percpu(const struct gen_spec *spec)
{
	return spec->map_type == GEN_MAP_PERCPU_ARRAY ||
	       spec->map_type == GEN_MAP_PERCPU_HASH;
}

/* Store entries [first, first + n) with one batch, or one by one. */
static int store_entries(int fd, const struct gen_spec *spec, long first,
			 __u32 n, void *keys, void *vals, int nr_cpus,
			 bool *batch_ok)
{
	LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = BPF_ANY);
	int cpus = is_percpu(spec) ? nr_cpus : 1, c;
	__u64 *v;
	__u32 i, count = n;
	int err;

	for (i = 0; i < n; i++) {
		gen_map_key(spec, first + i, (char *)keys + (size_t)i * spec->key_size);
		v = (__u64 *)vals + (size_t)i * cpus;
		for (c = 0; c < cpus; c++)
			v[c] = gen_map_value(first + i);
	}
	if (*batch_ok) {
		err = bpf_map_update_batch(fd, keys, vals, &count, &opts);
		if (!err)
			return count == n ? 0 : -EIO;
		if (errno != EINVAL && errno != ENOTSUPP && errno != EOPNOTSUPP)
			return -errno;
		*batch_ok = false;	/* e.g. LPM tries have no batch ops */
	}
	for (i = 0; i < n; i++) {
		err = bpf_map_update_elem(fd, (char *)keys + (size_t)i * spec->key_size,
					  (__u64 *)vals + (size_t)i * cpus, BPF_ANY);
		if (err)
			return -errno;
	}
	return 0;
}

int gen_populate_maps(struct bpf_object *obj, const struct gen_spec *spec)
{
	int fd, nr_cpus, err = 0;
	bool batch_ok = true;
	void *keys, *vals;
	long i, count;
	__u32 n;

	if (!gen_has(spec, GEN_P_MAP))
		return 0;
	fd = map_fd(obj, "xdpgen_map");
	if (fd < 0)
		return fd;
	nr_cpus = libbpf_num_possible_cpus();
	if (nr_cpus < 1)
		return nr_cpus ? nr_cpus : -EINVAL;
	keys = calloc(GEN_POPULATE_CHUNK, spec->key_size);
	vals = calloc(GEN_POPULATE_CHUNK, 8 * (size_t)nr_cpus);
	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < spec->map_entries && !err; i += n) {
		n = spec->map_entries - i < GEN_POPULATE_CHUNK ?
		    spec->map_entries - i : GEN_POPULATE_CHUNK;
		err = store_entries(fd, spec, i, n, keys, vals, nr_cpus, &batch_ok);
	}
	/* Only an LRU map can drop what was stored: count what it holds. */
	if (!err && spec->map_type == GEN_MAP_LRU_HASH) {
		err = count_entries(fd, spec, &count, nr_cpus);
		if (!err && count != spec->map_entries)
			err = -ENOSPC;
	}
out:
	free(keys);
	free(vals);
	return err;
}

int gen_populate_tailcalls(struct bpf_object *obj, const struct gen_spec *spec)
{
	struct bpf_program *prog;
	char name[32];
	__u32 key;
	int fd, pfd, i;

	if (!gen_has(spec, GEN_P_TAILCALLS))
		return 0;
	fd = map_fd(obj, "xdpgen_progs");
	if (fd < 0)
		return fd;
	for (i = 1; i <= spec->tailcalls; i++) {
		snprintf(name, sizeof(name), "xdpgen_tc_%d", i);
		prog = bpf_object__find_program_by_name(obj, name);
		if (!prog)
			return -ENOENT;
		pfd = bpf_program__fd(prog);
		key = i;
		if (pfd < 0 || bpf_map_update_elem(fd, &key, &pfd, BPF_ANY))
			return pfd < 0 ? -EBADF : -errno;
	}
	return 0;
}

int gen_prepare(struct bpf_object *obj, const struct gen_spec *spec)
{
	int err = gen_populate_maps(obj, spec);

	return err ?: gen_populate_tailcalls(obj, spec);
}

/*
 * xdpgen_counters: its fd and a zeroed buffer for one value per CPU (one
 * value in offload builds, a plain ARRAY). Free *vals when 0 is returned.
 */
static int counters_map(struct bpf_object *obj, int *fd,
			struct gen_counters **vals, int *nr)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, "xdpgen_counters");

	if (!map)
		return -ENOENT;
	*fd = bpf_map__fd(map);
	*nr = bpf_map__type(map) == BPF_MAP_TYPE_PERCPU_ARRAY ?
	      libbpf_num_possible_cpus() : 1;
	if (*fd < 0 || *nr < 1)
		return -EBADF;
	*vals = calloc(*nr, sizeof(**vals));
	return *vals ? 0 : -ENOMEM;
}

int gen_read_counters(struct bpf_object *obj, struct gen_counters *sum)
{
	struct gen_counters *vals;
	int nr, i, fd, err;
	__u32 key = 0;

	memset(sum, 0, sizeof(*sum));
	err = counters_map(obj, &fd, &vals, &nr);
	if (err)
		return err;
	if (bpf_map_lookup_elem(fd, &key, vals)) {
		free(vals);
		return -errno;
	}
	for (i = 0; i < nr; i++) {
		sum->tc_hops += vals[i].tc_hops;
		sum->tc_fail += vals[i].tc_fail;
		sum->loop_iters += vals[i].loop_iters;
		sum->loop_runs += vals[i].loop_runs;
	}
	free(vals);
	return 0;
}

int gen_reset_counters(struct bpf_object *obj)
{
	struct gen_counters *vals;
	int nr, fd, err;
	__u32 key = 0;

	err = counters_map(obj, &fd, &vals, &nr);
	if (err)
		return err;
	if (bpf_map_update_elem(fd, &key, vals, BPF_ANY))
		err = -errno;
	free(vals);
	return err;
}

/* ---- checks -------------------------------------------------------- */

static int why_fail(char *why, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int why_fail(char *why, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (why && len) {
		va_start(ap, fmt);
		vsnprintf(why, len, fmt, ap);
		va_end(ap);
	}
	return -1;
}

static int check_alu(const struct gen_spec *spec, const struct xlated_prog *xp,
		     const struct xlated_prog *empty, char *why, size_t len)
{
	__u8 op = gen_alu_op_bpf(spec->alu_op);
	int width = spec->alu64 ? 64 : 32;
	long got = xlated_alu(xp, op, width) - xlated_alu(empty, op, width);

	if (got != spec->alu_n)
		return why_fail(why, len, "%s%d: %ld operations in the loaded program, expected %ld",
				gen_alu_op_name(spec->alu_op), width, got,
				spec->alu_n);
	return 0;
}

/* Blocks "if r4 == r5" (taken) and "if r4 != r5" (not taken), by pattern. */
static int check_branches(const struct gen_spec *spec,
			  const struct xlated_prog *xp,
			  const struct xlated_prog *empty, char *why, size_t len)
{
	long taken = spec->pattern == GEN_PAT_TAKEN ? spec->branches :
		     spec->pattern == GEN_PAT_ALTERNATE ? spec->branches / 2 : 0;
	long jeq = xp->cond_jumps_reg[BPF_JEQ >> 4] - empty->cond_jumps_reg[BPF_JEQ >> 4];
	long jne = xp->cond_jumps_reg[BPF_JNE >> 4] - empty->cond_jumps_reg[BPF_JNE >> 4];

	if (jeq != taken || jne != spec->branches - taken)
		return why_fail(why, len, "%s: %ld taken and %ld not-taken blocks, expected %ld and %ld",
				gen_pattern_name(spec->pattern), jeq, jne, taken,
				spec->branches - taken);
	return 0;
}

/* Lookups the verifier inlines without any call (map_gen_lookup). */
static bool lookup_fully_inlined(const struct gen_spec *spec)
{
	return lookup_without_call[spec->map_type];
}

static int check_map(const struct gen_spec *spec, const struct xlated_prog *xp,
		     char *why, size_t len)
{
	const struct xlated_map *m = xlated_map(xp, "xdpgen_map");
	long refs = m ? m->refs : 0, ops;
	const char *what;

	if (refs != spec->map_n)
		return why_fail(why, len, "xdpgen_map referenced %ld times, expected %ld",
				refs, spec->map_n);
	if (!spec->map_n)
		return 0;
	if (m->type != gen_map_type_bpf(spec->map_type))
		return why_fail(why, len, "xdpgen_map has type %u, expected %u",
				m->type, gen_map_type_bpf(spec->map_type));
	if (spec->map_op == GEN_OP_UPDATE) {
		ops = m->update_calls;
		what = "update calls";
	} else if (lookup_fully_inlined(spec)) {
		ops = m->inlined_lookups;
		what = "inlined lookups";
	} else {
		ops = m->lookup_calls;
		what = "lookup calls";
	}
	if (ops != spec->map_n)
		return why_fail(why, len, "xdpgen_map: %ld %s, expected %ld",
				ops, what, spec->map_n);
	return 0;
}

static int check_hop(struct bpf_program *prog, char *why, size_t len)
{
	const struct xlated_map *m;
	struct xlated_prog hop;
	int err;

	err = xlated_load(bpf_program__fd(prog), &hop);
	if (err)
		return why_fail(why, len, "%s: reading xlated code: %s",
				bpf_program__name(prog), strerror(-err));
	m = xlated_map(&hop, "xdpgen_progs");
	if (hop.nr_insns != gen_hop_xlated_insns())
		err = why_fail(why, len, "%s: %u insns, expected %ld",
			       bpf_program__name(prog), hop.nr_insns,
			       gen_hop_xlated_insns());
	else if (hop.tail_calls != 1 || !m || m->tail_calls != 1)
		err = why_fail(why, len, "%s: %d tail calls (%d through xdpgen_progs), expected 1",
			       bpf_program__name(prog), hop.tail_calls,
			       m ? m->tail_calls : 0);
	xlated_free(&hop);
	return err;
}

/*
 * One counter update; bpf_loop called, or inlined by the verifier into a
 * loop that calls the callback subprogram directly (one more BPF call).
 */
static int check_loop(const struct gen_spec *spec, const struct xlated_prog *xp,
		      const struct xlated_prog *empty, char *why, size_t len)
{
	const struct xlated_map *m = xlated_map(xp, "xdpgen_counters");
	int helper = xlated_helper_calls(xp, BPF_FUNC_loop);
	int direct = xp->subprog_calls - empty->subprog_calls;

	if (!m || m->refs != 1)
		return why_fail(why, len, "xdpgen_counters referenced %d times, expected 1",
				m ? m->refs : 0);
	if (spec->loop_kind == GEN_LOOP_BPF_LOOP &&
	    !(helper == 1 && direct == 0) && !(helper == 0 && direct == 1))
		return why_fail(why, len, "bpf_loop: %d helper calls and %d extra BPF calls, expected one of them",
				helper, direct);
	if (spec->loop_kind == GEN_LOOP_BOUNDED && (helper || direct))
		return why_fail(why, len, "bounded loop: %d bpf_loop calls, %d extra BPF calls",
				helper, direct);
	return 0;
}

/* Hops xdp_gen, xdpgen_tc_1..N-1 and slot i of xdpgen_progs = xdpgen_tc_i. */
static int check_chain(struct bpf_object *obj, const struct gen_spec *spec,
		       char *why, size_t len)
{
	struct bpf_prog_info info;
	struct bpf_program *prog;
	__u32 key, id, ilen;
	char name[32];
	int i, fd;

	fd = map_fd(obj, "xdpgen_progs");
	if (fd < 0)
		return why_fail(why, len, "no xdpgen_progs map");
	for (i = 0; i <= spec->tailcalls; i++) {
		snprintf(name, sizeof(name), i ? "xdpgen_tc_%d" : "xdp_gen", i);
		prog = bpf_object__find_program_by_name(obj, name);
		if (!prog)
			return why_fail(why, len, "no program %s", name);
		if (i < spec->tailcalls && check_hop(prog, why, len))
			return -1;
		if (!i)
			continue;
		memset(&info, 0, sizeof(info));
		ilen = sizeof(info);
		key = i;
		if (bpf_map_lookup_elem(fd, &key, &id) ||
		    bpf_obj_get_info_by_fd(bpf_program__fd(prog), &info, &ilen) ||
		    id != info.id)
			return why_fail(why, len, "xdpgen_progs[%d] does not hold %s",
					i, name);
	}
	return 0;
}

int gen_check_loaded(struct bpf_object *obj, const struct gen_spec *spec,
		     const struct xlated_prog *empty, char *why, size_t len)
{
	struct bpf_program *prog = gen_fwd_prog(obj, spec);
	struct xlated_prog xp;
	long want;
	int err;

	if (!prog)
		return why_fail(why, len, "no forwarding program in the object");
	err = xlated_load(bpf_program__fd(prog), &xp);
	if (err)
		return why_fail(why, len, "reading xlated code: %s", strerror(-err));
	want = empty->nr_insns + gen_expected_xlated_insns(spec);
	if (xp.blinded)
		err = why_fail(why, len, "constant blinding is on (net.core.bpf_jit_harden): counts do not apply");
	else if (xp.nr_insns != want)
		err = why_fail(why, len, "%u xlated insns, expected %u + %ld = %ld",
			       xp.nr_insns, empty->nr_insns,
			       gen_expected_xlated_insns(spec), want);
	else if (xp.cond_jumps != empty->cond_jumps + gen_expected_xlated_cond_jumps(spec))
		err = why_fail(why, len, "%d conditional jumps, expected %d + %ld",
			       xp.cond_jumps, empty->cond_jumps,
			       gen_expected_xlated_cond_jumps(spec));
	else if (gen_has(spec, GEN_P_ALU))
		err = check_alu(spec, &xp, empty, why, len);
	if (!err && gen_has(spec, GEN_P_BRANCHES))
		err = check_branches(spec, &xp, empty, why, len);
	if (!err && gen_has(spec, GEN_P_MAP))
		err = check_map(spec, &xp, why, len);
	if (!err && gen_has(spec, GEN_P_LOOP))
		err = check_loop(spec, &xp, empty, why, len);
	if (!err && gen_has(spec, GEN_P_TAILCALLS))
		err = check_chain(obj, spec, why, len);
	xlated_free(&xp);
	return err;
}

int gen_check_counters(const struct gen_spec *spec,
		       const struct gen_counters *before,
		       const struct gen_counters *after, __u64 runs,
		       char *why, size_t len)
{
	__u64 hops = after->tc_hops - before->tc_hops;
	__u64 fails = after->tc_fail - before->tc_fail;
	__u64 iters = after->loop_iters - before->loop_iters;
	__u64 loops = after->loop_runs - before->loop_runs;

	if (gen_has(spec, GEN_P_TAILCALLS)) {
		if (fails)
			return why_fail(why, len, "%llu tail calls failed",
					(unsigned long long)fails);
		if (hops != (__u64)spec->tailcalls * runs)
			return why_fail(why, len, "%llu tail calls in %llu runs, expected %d per run",
					(unsigned long long)hops,
					(unsigned long long)runs, spec->tailcalls);
	}
	if (gen_has(spec, GEN_P_LOOP)) {
		if (loops != runs)
			return why_fail(why, len, "the loop ran in %llu of %llu runs",
					(unsigned long long)loops,
					(unsigned long long)runs);
		if (iters != (__u64)spec->loop * runs)
			return why_fail(why, len, "%llu loop iterations in %llu runs, expected %ld per run",
					(unsigned long long)iters,
					(unsigned long long)runs, spec->loop);
	}
	return 0;
}

int gen_count_runs(void *ctx, __u64 *value)
{
	const struct gen_run_counter *rc = ctx;
	const struct gen_spec *spec = rc->spec;
	struct gen_counters c;
	__u64 runs = 0;
	int err;

	err = gen_read_counters(rc->obj, &c);
	if (err)
		return err;
	if (gen_has(spec, GEN_P_LOOP)) {
		if (c.loop_iters != (__u64)spec->loop * c.loop_runs)
			return -EIO;
		runs = c.loop_runs;
	}
	if (gen_has(spec, GEN_P_TAILCALLS) && spec->tailcalls) {
		if (c.tc_fail || c.tc_hops % spec->tailcalls ||
		    (gen_has(spec, GEN_P_LOOP) && c.tc_hops / spec->tailcalls != runs))
			return -EIO;
		runs = c.tc_hops / spec->tailcalls;
	}
	*value = runs;
	return 0;
}
