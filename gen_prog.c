// SPDX-License-Identifier: GPL-2.0
/*
 * The harness side of generated programs (gen/xdpgen): load them, fill
 * their maps and prog array, read their runtime counters, and check a
 * loaded one against the formulas of gen/gen_spec.h. See gen_prog.h.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "gen_prog.h"

#ifndef ENOTSUPP
#define ENOTSUPP 524	/* kernel-internal, returned by some map types */
#endif

/* ---- loading ------------------------------------------------------- */

/*
 * The read-only constant xdpgen_count of an object: its map (.rodata) and
 * offset there (BTF of the data section). NULL when the object has none
 * (no counters, or an offload variant).
 */
static struct bpf_map *count_switch(struct bpf_object *obj, size_t *off)
{
	struct btf *btf = bpf_object__btf(obj);
	const struct btf_var_secinfo *vs;
	const struct btf_type *sec;
	struct bpf_map *map;
	size_t size;

	bpf_object__for_each_map(map, obj) {
		const char *name = bpf_map__name(map);
		int id;

		if (!bpf_map__is_internal(map) || !strstr(name, ".rodata") || !btf)
			continue;
		id = btf__find_by_name_kind(btf, strchr(name, '.'),
					    BTF_KIND_DATASEC);
		sec = id > 0 ? btf__type_by_id(btf, id) : NULL;
		if (!sec || !bpf_map__initial_value(map, &size))
			continue;
		vs = btf_var_secinfos(sec);
		for (int i = 0; i < btf_vlen(sec); i++, vs++) {
			const struct btf_type *v = btf__type_by_id(btf, vs->type);

			if (!strcmp(btf__name_by_offset(btf, v->name_off),
				    "xdpgen_count") &&
			    vs->offset + sizeof(__u32) <= size) {
				*off = vs->offset;
				return map;
			}
		}
	}
	return NULL;
}

/* Before load: xdpgen_count = value, when the object has one. */
static int set_counting(struct bpf_object *obj, __u32 value)
{
	struct bpf_map *map;
	size_t off, size;
	const void *cur;
	char *data;
	int err;

	map = count_switch(obj, &off);
	if (!map)
		return 0;
	cur = bpf_map__initial_value(map, &size);
	data = malloc(size);
	if (!data)
		return -ENOMEM;
	memcpy(data, cur, size);
	memcpy(data + off, &value, sizeof(value));
	err = bpf_map__set_initial_value(map, data, size);
	free(data);
	return err;
}

static struct bpf_object *load_mode(const char *dir, const char *name,
				    bool counting)
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
	err = set_counting(obj, counting);
	if (!err)
		err = bpf_object__load(obj);
	if (err) {
		bpf_object__close(obj);
		errno = -err;
		return NULL;
	}
	return obj;
}

struct bpf_object *gen_object_load(const char *dir, const char *name)
{
	return load_mode(dir, name, true);
}


struct bpf_object *gen_object_load_clean(const char *dir, const char *name)
{
	return load_mode(dir, name, false);
}

bool gen_object_counting(struct bpf_object *obj)
{
	struct bpf_map *map;
	const char *data;
	size_t off, size;
	__u32 v;

	map = count_switch(obj, &off);
	data = map ? bpf_map__initial_value(map, &size) : NULL;
	if (!data)
		return false;
	memcpy(&v, data + off, sizeof(v));
	return v;
}

/* Map types whose lookups the verifier inlines without any call. */
static bool lookup_without_call[GEN_MAP_MAX] = {
	[GEN_MAP_ARRAY] = true,
	[GEN_MAP_PERCPU_ARRAY] = true,	/* since 6.10; 6.1 calls */
};

/*
 * Measure what the running kernel's verifier writes in place of a lookup
 * call for each map type and give it to the formulas of gen_spec.h. Once
 * per process.
 */
static int calibrate_inlining(void)
{
	static int done;
	struct xlated_lookup li;
	int t, err;

	if (done)
		return done < 0 ? done : 0;
	for (t = 0; t < GEN_MAP_MAX; t++) {
		err = xlated_probe_lookup(gen_map_type_bpf(t), &li);
		if (err) {
			done = err;
			return err;
		}
		gen_set_lookup_inline(t, li.insns, li.cond_jumps);
		lookup_without_call[t] = !li.calls;
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
	err = calibrate_inlining();
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

/* The program that forwards and runs the extension (last of the chain). */
static struct bpf_program *fwd_prog(struct bpf_object *obj,
				    const struct gen_spec *spec)
{
	char name[32];

	if (!gen_has(spec, GEN_P_TAILCALLS) || !spec->tailcalls)
		return gen_entry_prog(obj);
	snprintf(name, sizeof(name), "xdpgen_tc_%d", spec->tailcalls);
	return bpf_object__find_program_by_name(obj, name);
}

/* ---- maps and prog array ------------------------------------------ */

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

static int gen_populate_maps(struct bpf_object *obj,
			     const struct gen_spec *spec)
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

static int gen_populate_tailcalls(struct bpf_object *obj,
				  const struct gen_spec *spec)
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

/* ---- counters ------------------------------------------------------ */

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

/* One lookup of the working set's position: inlined, or a call. */
static int check_ws(const struct xlated_prog *xp, char *why, size_t len)
{
	const struct xlated_map *m = xlated_map(xp, "xdpgen_ws");
	int lookups = m ? m->inlined_lookups + m->lookup_calls : 0;

	if (!m || m->refs != 1 || lookups != 1)
		return why_fail(why, len, "xdpgen_ws: %d references, %d lookups, expected 1 and 1",
				m ? m->refs : 0, lookups);
	return 0;
}

static int check_hop(struct bpf_program *prog, bool counting, char *why,
		     size_t len)
{
	long want = counting ? gen_hop_xlated_insns() :
			       gen_hop_clean_xlated_insns();
	const struct xlated_map *m, *c;
	struct xlated_prog hop;
	int err;

	err = xlated_load(bpf_program__fd(prog), &hop);
	if (err)
		return why_fail(why, len, "%s: reading xlated code: %s",
				bpf_program__name(prog), strerror(-err));
	m = xlated_map(&hop, "xdpgen_progs");
	c = xlated_map(&hop, "xdpgen_counters");
	if (hop.nr_insns != want)
		err = why_fail(why, len, "%s: %u insns, expected %ld",
			       bpf_program__name(prog), hop.nr_insns, want);
	else if ((c ? c->refs : 0) != (counting ? 2 : 0))
		err = why_fail(why, len, "%s: xdpgen_counters referenced %d times, expected %d",
			       bpf_program__name(prog), c ? c->refs : 0,
			       counting ? 2 : 0);
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
		      const struct xlated_prog *empty, bool counting,
		      char *why, size_t len)
{
	const struct xlated_map *m = xlated_map(xp, "xdpgen_counters");
	int helper = xlated_helper_calls(xp, BPF_FUNC_loop);
	int direct = xp->subprog_calls - empty->subprog_calls;

	if ((m ? m->refs : 0) != counting)
		return why_fail(why, len, "xdpgen_counters referenced %d times, expected %d",
				m ? m->refs : 0, counting);
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
		       bool counting, char *why, size_t len)
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
		if (i < spec->tailcalls && check_hop(prog, counting, why, len))
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
	struct bpf_program *prog = fwd_prog(obj, spec);
	/* offload variants always count; others as xdpgen_count says */
	bool counting = spec->offload || gen_object_counting(obj);
	long clean = counting ? 0 : gen_count_xlated_insns(spec);
	long clean_jumps = counting ? 0 : gen_count_xlated_cond_jumps(spec);
	struct xlated_prog xp;
	long want;
	int err;

	if (!prog)
		return why_fail(why, len, "no forwarding program in the object");
	err = xlated_load(bpf_program__fd(prog), &xp);
	if (err)
		return why_fail(why, len, "reading xlated code: %s", strerror(-err));
	want = empty->nr_insns + gen_expected_xlated_insns(spec) - clean;
	if (xp.blinded)
		err = why_fail(why, len, "constant blinding is on (net.core.bpf_jit_harden): counts do not apply");
	else if (xp.nr_insns != want)
		err = why_fail(why, len, "%u xlated insns, expected %u + %ld = %ld%s",
			       xp.nr_insns, empty->nr_insns,
			       gen_expected_xlated_insns(spec) - clean, want,
			       counting ? "" : " (counters removed)");
	else if (xp.cond_jumps != empty->cond_jumps +
		 gen_expected_xlated_cond_jumps(spec) - clean_jumps)
		err = why_fail(why, len, "%d conditional jumps, expected %d + %ld",
			       xp.cond_jumps, empty->cond_jumps,
			       gen_expected_xlated_cond_jumps(spec) - clean_jumps);
	else if (gen_has(spec, GEN_P_ALU))
		err = check_alu(spec, &xp, empty, why, len);
	if (!err && gen_has(spec, GEN_P_BRANCHES))
		err = check_branches(spec, &xp, empty, why, len);
	if (!err && gen_has(spec, GEN_P_MAP))
		err = check_map(spec, &xp, why, len);
	if (!err && gen_has(spec, GEN_P_MAP) && spec->working_set)
		err = check_ws(&xp, why, len);
	if (!err && gen_has(spec, GEN_P_LOOP))
		err = check_loop(spec, &xp, empty, counting, why, len);
	if (!err && gen_has(spec, GEN_P_TAILCALLS))
		err = check_chain(obj, spec, counting, why, len);
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
		/* a bounded loop counts what its body added: N (N + 1) / 2 */
		__u64 per_run = spec->loop_kind == GEN_LOOP_BOUNDED ?
				(__u64)spec->loop * (spec->loop + 1) / 2 :
				(__u64)spec->loop;

		if (iters != per_run * runs)
			return why_fail(why, len, "%llu counted in %llu runs of the loop, expected %llu per run (%ld iterations)",
					(unsigned long long)iters,
					(unsigned long long)runs,
					(unsigned long long)per_run, spec->loop);
	}
	return 0;
}

int gen_read_ws_pos(struct bpf_object *obj, __u64 *pos)
{
	int nr = libbpf_num_possible_cpus(), fd = map_fd(obj, "xdpgen_ws");
	__u64 *vals;
	__u32 key = 0;
	int err = 0;

	*pos = 0;
	if (fd < 0)
		return fd;
	if (nr < 1)
		return -EINVAL;
	vals = calloc(nr, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, vals))
		err = -errno;
	for (int i = 0; !err && i < nr; i++)
		*pos += vals[i];
	free(vals);
	return err;
}

int gen_check_ws(const struct gen_spec *spec, __u64 before, __u64 after,
		 __u64 runs, __u64 *distinct, char *why, size_t len)
{
	__u64 accesses = (__u64)spec->map_n * runs;

	*distinct = 0;
	if (after - before != accesses)
		return why_fail(why, len, "the working set advanced by %llu in %llu runs, expected %ld per run",
				(unsigned long long)(after - before),
				(unsigned long long)runs, spec->map_n);
	/* consecutive positions: a permutation of the W entries */
	*distinct = accesses < (__u64)spec->working_set ? accesses :
		    (__u64)spec->working_set;
	return 0;
}
