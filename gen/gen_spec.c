// SPDX-License-Identifier: GPL-2.0
/*
 * Property specifications of generated programs: names, parsing and the
 * canonical form (see gen_spec.h). Shared by gen/xdpgen and test_perf;
 * plain C, no libbpf.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/bpf.h>

#include "gen_spec.h"

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static const char *const prop_names[GEN_P_MAX] = {
	[GEN_P_INSNS] = "insns",
	[GEN_P_ALU] = "alu",
	[GEN_P_BRANCHES] = "branches",
	[GEN_P_PAYLOAD] = "payload",
	[GEN_P_MAP] = "map",
	[GEN_P_LOOP] = "loop",
	[GEN_P_TAILCALLS] = "tailcalls",
};

static const char *const pattern_names[GEN_PAT_MAX] = {
	[GEN_PAT_NOT_TAKEN] = "not-taken",
	[GEN_PAT_TAKEN] = "taken",
	[GEN_PAT_ALTERNATE] = "alternate",
};

static const char *const map_type_names[GEN_MAP_MAX] = {
	[GEN_MAP_ARRAY] = "array",
	[GEN_MAP_PERCPU_ARRAY] = "percpu_array",
	[GEN_MAP_HASH] = "hash",
	[GEN_MAP_PERCPU_HASH] = "percpu_hash",
	[GEN_MAP_LRU_HASH] = "lru_hash",
	[GEN_MAP_LPM_TRIE] = "lpm_trie",
};

static const __u32 map_type_bpf[GEN_MAP_MAX] = {
	[GEN_MAP_ARRAY] = BPF_MAP_TYPE_ARRAY,
	[GEN_MAP_PERCPU_ARRAY] = BPF_MAP_TYPE_PERCPU_ARRAY,
	[GEN_MAP_HASH] = BPF_MAP_TYPE_HASH,
	[GEN_MAP_PERCPU_HASH] = BPF_MAP_TYPE_PERCPU_HASH,
	[GEN_MAP_LRU_HASH] = BPF_MAP_TYPE_LRU_HASH,
	[GEN_MAP_LPM_TRIE] = BPF_MAP_TYPE_LPM_TRIE,
};

static const char *const map_op_names[GEN_OP_MAX] = {
	[GEN_OP_LOOKUP] = "lookup",
	[GEN_OP_UPDATE] = "update",
};

static const char *const loop_kind_names[GEN_LOOP_MAX] = {
	[GEN_LOOP_BPF_LOOP] = "bpf_loop",
	[GEN_LOOP_BOUNDED] = "bounded",
};

static const char *const alu_op_names[GEN_ALU_MAX] = {
	[GEN_ALU_ADD] = "add",
	[GEN_ALU_SUB] = "sub",
	[GEN_ALU_MUL] = "mul",
	[GEN_ALU_DIV] = "div",
	[GEN_ALU_MOD] = "mod",
	[GEN_ALU_AND] = "and",
	[GEN_ALU_OR] = "or",
	[GEN_ALU_XOR] = "xor",
	[GEN_ALU_LSH] = "lsh",
	[GEN_ALU_RSH] = "rsh",
	[GEN_ALU_ARSH] = "arsh",
	[GEN_ALU_NEG] = "neg",
	[GEN_ALU_BSWAP] = "bswap",
};

static const __u8 alu_op_bpf[GEN_ALU_MAX] = {
	[GEN_ALU_ADD] = BPF_ADD,
	[GEN_ALU_SUB] = BPF_SUB,
	[GEN_ALU_MUL] = BPF_MUL,
	[GEN_ALU_DIV] = BPF_DIV,
	[GEN_ALU_MOD] = BPF_MOD,
	[GEN_ALU_AND] = BPF_AND,
	[GEN_ALU_OR] = BPF_OR,
	[GEN_ALU_XOR] = BPF_XOR,
	[GEN_ALU_LSH] = BPF_LSH,
	[GEN_ALU_RSH] = BPF_RSH,
	[GEN_ALU_ARSH] = BPF_ARSH,
	[GEN_ALU_NEG] = BPF_NEG,
	[GEN_ALU_BSWAP] = BPF_END,
};

const char *gen_prop_name(enum gen_prop prop)
{
	return (unsigned int)prop < GEN_P_MAX ? prop_names[prop] : "?";
}

const char *gen_pattern_name(enum gen_pattern pattern)
{
	return (unsigned int)pattern < GEN_PAT_MAX ? pattern_names[pattern] : "?";
}

const char *gen_map_type_name(enum gen_map_type type)
{
	return (unsigned int)type < GEN_MAP_MAX ? map_type_names[type] : "?";
}

const char *gen_map_op_name(enum gen_map_op op)
{
	return (unsigned int)op < GEN_OP_MAX ? map_op_names[op] : "?";
}

const char *gen_loop_kind_name(enum gen_loop_kind kind)
{
	return (unsigned int)kind < GEN_LOOP_MAX ? loop_kind_names[kind] : "?";
}

const char *gen_alu_op_name(enum gen_alu_op op)
{
	return (unsigned int)op < GEN_ALU_MAX ? alu_op_names[op] : "?";
}

__u32 gen_map_type_bpf(enum gen_map_type type)
{
	return (unsigned int)type < GEN_MAP_MAX ? map_type_bpf[type] : 0;
}

__u8 gen_alu_op_bpf(enum gen_alu_op op)
{
	return (unsigned int)op < GEN_ALU_MAX ? alu_op_bpf[op] : 0;
}

/* ---- parsing ------------------------------------------------------- */

struct parse_ctx {
	char *err;
	size_t err_len;
	unsigned int seen;	/* bit per option, to refuse duplicates */
};

static int fail(struct parse_ctx *pc, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(struct parse_ctx *pc, const char *fmt, ...)
{
	va_list ap;

	if (pc->err && pc->err_len) {
		va_start(ap, fmt);
		vsnprintf(pc->err, pc->err_len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Option text for messages: printable, bounded, whatever argv holds. */
static const char *shown(const char *s, char *buf, size_t len)
{
	size_t i;

	for (i = 0; s[i] && i + 4 < len; i++)
		buf[i] = isprint((unsigned char)s[i]) ? s[i] : '?';
	buf[i] = '\0';
	if (s[i])
		snprintf(buf + i, len - i, "...");
	return buf;
}

/* Decimal without sign, at most max; 0 or -EINVAL with the message set. */
static int parse_num(struct parse_ctx *pc, const char *opt, const char *s,
		     long min, long max, long *out)
{
	unsigned long long v = 0;
	bool too_big = false;
	char buf[40];
	const char *p;

	if (!*s)
		return fail(pc, "%s: empty value, expected a number in %ld..%ld",
			    opt, min, max);
	for (p = s; *p; p++) {
		if (!isdigit((unsigned char)*p))
			return fail(pc, "%s: '%s' is not a decimal number (%ld..%ld)",
				    opt, shown(s, buf, sizeof(buf)), min, max);
		/* Stop accumulating once above max: no overflow, any length. */
		if (v > (unsigned long long)max)
			too_big = true;
		else
			v = v * 10 + (unsigned long long)(*p - '0');
	}
	if (too_big || v > (unsigned long long)max || (long long)v < min)
		return fail(pc, "%s: %s is out of range %ld..%ld",
			    opt, shown(s, buf, sizeof(buf)), min, max);
	*out = (long)v;
	return 0;
}

static int parse_name(struct parse_ctx *pc, const char *opt, const char *s,
		      const char *const *names, int nr, int *out)
{
	char buf[40], list[160] = "";
	int i;

	for (i = 0; i < nr; i++)
		if (!strcmp(s, names[i])) {
			*out = i;
			return 0;
		}
	for (i = 0; i < nr; i++)
		snprintf(list + strlen(list), sizeof(list) - strlen(list),
			 "%s%s", i ? ", " : "", names[i]);
	return fail(pc, "%s: unknown value '%s' (one of: %s)", opt,
		    shown(s, buf, sizeof(buf)), list);
}

/* "TYPE:N" -> the part before ':' in name (bounded) and N. */
static int split_colon(struct parse_ctx *pc, const char *opt, const char *s,
		       char *name, size_t name_len, const char **num)
{
	const char *colon = strchr(s, ':');
	char buf[40];

	if (!colon || (size_t)(colon - s) >= name_len)
		return fail(pc, "%s: '%s' is not of the form NAME:N", opt,
			    shown(s, buf, sizeof(buf)));
	memcpy(name, s, colon - s);
	name[colon - s] = '\0';
	*num = colon + 1;
	return 0;
}

enum opt_id {
	OPT_INSNS, OPT_BRANCHES, OPT_PATTERN, OPT_MAP, OPT_MAP_OP,
	OPT_MAP_ENTRIES, OPT_KEY_SIZE, OPT_MISS, OPT_PAYLOAD, OPT_TAILCALLS,
	OPT_LOOP, OPT_LOOP_KIND, OPT_ALU, OPT_OFFLOAD, OPT_WORKING_SET, OPT_MAX
};

static const struct {
	const char *name;
	bool has_arg;
} options[OPT_MAX] = {
	[OPT_INSNS] = { "--insns", true },
	[OPT_BRANCHES] = { "--branches", true },
	[OPT_PATTERN] = { "--pattern", true },
	[OPT_MAP] = { "--map", true },
	[OPT_MAP_OP] = { "--map-op", true },
	[OPT_MAP_ENTRIES] = { "--map-entries", true },
	[OPT_KEY_SIZE] = { "--key-size", true },
	[OPT_MISS] = { "--miss", false },
	[OPT_PAYLOAD] = { "--payload", true },
	[OPT_TAILCALLS] = { "--tailcalls", true },
	[OPT_LOOP] = { "--loop", true },
	[OPT_LOOP_KIND] = { "--loop-kind", true },
	[OPT_ALU] = { "--alu", true },
	[OPT_OFFLOAD] = { "--offload", false },
	[OPT_WORKING_SET] = { "--working-set", true },
};

static int parse_alu(struct parse_ctx *pc, struct gen_spec *spec,
		     const char *arg)
{
	char name[16], buf[40];
	const char *num;
	size_t len;
	int op, err;

	err = split_colon(pc, "--alu", arg, name, sizeof(name), &num);
	if (err)
		return err;
	len = strlen(name);
	if (len < 3 || (strcmp(name + len - 2, "32") && strcmp(name + len - 2, "64")))
		return fail(pc, "--alu: '%s' needs a width suffix, e.g. mul64 or add32",
			    shown(name, buf, sizeof(buf)));
	spec->alu64 = name[len - 2] == '6';
	name[len - 2] = '\0';
	err = parse_name(pc, "--alu", name, alu_op_names, GEN_ALU_MAX, &op);
	if (err)
		return err;
	spec->alu_op = op;
	return parse_num(pc, "--alu", num, 0, GEN_ALU_N_MAX, &spec->alu_n);
}

static int parse_map(struct parse_ctx *pc, struct gen_spec *spec,
		     const char *arg)
{
	char name[16];
	const char *num;
	int type, err;

	err = split_colon(pc, "--map", arg, name, sizeof(name), &num);
	if (err)
		return err;
	err = parse_name(pc, "--map", name, map_type_names, GEN_MAP_MAX, &type);
	if (err)
		return err;
	spec->map_type = type;
	return parse_num(pc, "--map", num, 0, GEN_MAP_N_MAX, &spec->map_n);
}

static int parse_working_set(struct parse_ctx *pc, struct gen_spec *spec,
			     const char *arg)
{
	long v;
	int err = parse_num(pc, "--working-set", arg, 1, GEN_MAP_ENTRIES_MAX, &v);

	if (err)
		return err;
	if (v & (v - 1))
		return fail(pc, "--working-set: %ld is not a power of two", v);
	spec->working_set = v;
	return 0;
}

static int parse_option(struct parse_ctx *pc, struct gen_spec *spec,
			enum opt_id id, const char *arg)
{
	long v = 0;
	int i = 0, err;

	switch (id) {
	case OPT_INSNS:
		spec->props |= 1u << GEN_P_INSNS;
		return parse_num(pc, "--insns", arg, 0, GEN_INSNS_MAX, &spec->insns);
	case OPT_BRANCHES:
		spec->props |= 1u << GEN_P_BRANCHES;
		return parse_num(pc, "--branches", arg, 0, GEN_BRANCHES_MAX,
				 &spec->branches);
	case OPT_PATTERN:
		err = parse_name(pc, "--pattern", arg, pattern_names, GEN_PAT_MAX, &i);
		spec->pattern = i;
		return err;
	case OPT_MAP:
		spec->props |= 1u << GEN_P_MAP;
		return parse_map(pc, spec, arg);
	case OPT_MAP_OP:
		err = parse_name(pc, "--map-op", arg, map_op_names, GEN_OP_MAX, &i);
		spec->map_op = i;
		return err;
	case OPT_MAP_ENTRIES:
		err = parse_num(pc, "--map-entries", arg, 1, GEN_MAP_ENTRIES_MAX, &v);
		if (err)
			return err;
		if (v & (v - 1))
			return fail(pc, "--map-entries: %ld is not a power of two", v);
		spec->map_entries = v;
		return 0;
	case OPT_KEY_SIZE:
		err = parse_num(pc, "--key-size", arg, 1, GEN_KEY_SIZE_MAX, &v);
		spec->key_size = (int)v;
		return err;
	case OPT_MISS:
		spec->miss = true;
		return 0;
	case OPT_PAYLOAD:
		spec->props |= 1u << GEN_P_PAYLOAD;
		err = parse_num(pc, "--payload", arg, 0, GEN_PAYLOAD_MAX, &spec->payload);
		if (!err && spec->payload % 8)
			return fail(pc, "--payload: %ld is not a multiple of 8",
				    spec->payload);
		return err;
	case OPT_TAILCALLS:
		spec->props |= 1u << GEN_P_TAILCALLS;
		err = parse_num(pc, "--tailcalls", arg, 0, GEN_TAILCALLS_MAX, &v);
		spec->tailcalls = (int)v;
		return err;
	case OPT_LOOP:
		spec->props |= 1u << GEN_P_LOOP;
		return parse_num(pc, "--loop", arg, 0, GEN_BPF_LOOP_MAX, &spec->loop);
	case OPT_LOOP_KIND:
		err = parse_name(pc, "--loop-kind", arg, loop_kind_names,
				 GEN_LOOP_MAX, &i);
		spec->loop_kind = i;
		return err;
	case OPT_ALU:
		spec->props |= 1u << GEN_P_ALU;
		return parse_alu(pc, spec, arg);
	case OPT_OFFLOAD:
		spec->offload = true;
		return 0;
	case OPT_WORKING_SET:
		return parse_working_set(pc, spec, arg);
	case OPT_MAX:
		break;
	}
	return fail(pc, "internal error: option %d", id);
}

/* Sub-options need their property; defaults that depend on the type. */
static int check_dependencies(struct parse_ctx *pc, struct gen_spec *spec)
{
	static const struct {
		enum opt_id opt;
		enum gen_prop needs;
	} deps[] = {
		{ OPT_PATTERN, GEN_P_BRANCHES },
		{ OPT_MAP_OP, GEN_P_MAP },
		{ OPT_MAP_ENTRIES, GEN_P_MAP },
		{ OPT_KEY_SIZE, GEN_P_MAP },
		{ OPT_MISS, GEN_P_MAP },
		{ OPT_WORKING_SET, GEN_P_MAP },
		{ OPT_LOOP_KIND, GEN_P_LOOP },
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(deps); i++)
		if ((pc->seen & (1u << deps[i].opt)) && !gen_has(spec, deps[i].needs))
			return fail(pc, "%s needs --%s", options[deps[i].opt].name,
				    prop_names[deps[i].needs]);
	if (gen_has(spec, GEN_P_MAP) && !(pc->seen & (1u << OPT_KEY_SIZE)))
		spec->key_size = spec->map_type == GEN_MAP_LPM_TRIE ?
				 GEN_DEF_LPM_KEY_SIZE : GEN_DEF_KEY_SIZE;
	/* a working set of W entries needs a map of W entries, by default */
	if (spec->working_set && !(pc->seen & (1u << OPT_MAP_ENTRIES)))
		spec->map_entries = spec->working_set;
	return 0;
}

static int check_map(struct parse_ctx *pc, const struct gen_spec *spec)
{
	const char *type = map_type_names[spec->map_type];
	long keys;
	int width;

	switch (spec->map_type) {
	case GEN_MAP_ARRAY:
	case GEN_MAP_PERCPU_ARRAY:
		if (spec->key_size != 4)
			return fail(pc, "--key-size: %s keys are 4 bytes, not %d",
				    type, spec->key_size);
		break;
	case GEN_MAP_LPM_TRIE:
		if (spec->key_size < 5)
			return fail(pc, "--key-size: lpm_trie keys are a 4 B prefix length plus 1..%d data bytes, so 5..%d, not %d",
				    GEN_KEY_SIZE_MAX - 4, GEN_KEY_SIZE_MAX,
				    spec->key_size);
		break;
	default:
		break;
	}
	width = gen_key_index_width(spec);
	keys = width >= 4 ? 1L << 32 : 1L << (8 * width);
	if (spec->working_set > spec->map_entries)
		return fail(pc, "--working-set: %ld entries do not fit a map of %ld (--map-entries)",
			    spec->working_set, spec->map_entries);
	if (spec->map_entries > keys / (spec->miss ? 2 : 1))
		return fail(pc, "--map-entries: %ld %s keys do not fit a %d-byte key index%s (at most %ld)",
			    spec->map_entries, spec->miss ? "missing" : "distinct",
			    width, spec->miss ? " beside the present ones" : "",
			    keys / (spec->miss ? 2 : 1));
	return 0;
}

static int check_offload(struct parse_ctx *pc, const struct gen_spec *spec)
{
	if (gen_has(spec, GEN_P_TAILCALLS))
		return fail(pc, "--offload: tail calls cannot be offloaded to nfp");
	if (gen_has(spec, GEN_P_LOOP) && spec->loop_kind == GEN_LOOP_BPF_LOOP)
		return fail(pc, "--offload: bpf_loop cannot be offloaded to nfp (the helper is not supported; use --loop-kind bounded)");
	if (gen_has(spec, GEN_P_MAP) && spec->map_type != GEN_MAP_ARRAY &&
	    spec->map_type != GEN_MAP_HASH)
		return fail(pc, "--offload: %s maps cannot be offloaded to nfp (ARRAY and HASH only)",
			    map_type_names[spec->map_type]);
	if (spec->working_set)
		return fail(pc, "--offload: working sets keep their position in a PERCPU_ARRAY, which nfp cannot offload");
	if (gen_has(spec, GEN_P_MAP) && spec->key_size > GEN_OFFLOAD_KEY_SIZE_MAX)
		return fail(pc, "--offload: a %d-byte key is too large for nfp firmware (xdpgen allows up to %d)",
			    spec->key_size, GEN_OFFLOAD_KEY_SIZE_MAX);
	if (!gen_has(spec, GEN_P_ALU))
		return 0;
	if (spec->alu_op == GEN_ALU_MUL && spec->alu64)
		return fail(pc, "--offload: 64-bit multiply cannot be offloaded to nfp (32-bit only: use mul32)");
	if (spec->alu_op == GEN_ALU_DIV && spec->alu64)
		return fail(pc, "--offload: 64-bit division cannot be offloaded to nfp (32-bit division by a constant only: use div32)");
	if (spec->alu_op == GEN_ALU_MOD)
		return fail(pc, "--offload: modulo cannot be offloaded to nfp (it divides by a constant only)");
	return 0;
}

static int check_spec(struct parse_ctx *pc, struct gen_spec *spec)
{
	long total;
	int err;

	err = check_dependencies(pc, spec);
	if (err)
		return err;
	if (gen_has(spec, GEN_P_MAP)) {
		err = check_map(pc, spec);
		if (err)
			return err;
	}
	if (gen_has(spec, GEN_P_LOOP) && spec->loop_kind == GEN_LOOP_BOUNDED &&
	    spec->loop > GEN_BOUNDED_LOOP_MAX)
		return fail(pc, "--loop: %ld is out of range 0..%d for a bounded loop (the verifier walks every iteration)",
			    spec->loop, GEN_BOUNDED_LOOP_MAX);
	if (spec->offload) {
		err = check_offload(pc, spec);
		if (err)
			return err;
	}
	total = gen_expected_insns(spec);
	if (total > GEN_EXT_INSNS_MAX)
		return fail(pc, "%ld extra instructions in all, above %d: the verifier walks them twice within its budget of 1000000",
			    total, GEN_EXT_INSNS_MAX);
	total = gen_expected_cond_jumps(spec);
	if (total > GEN_COND_JUMPS_MAX)
		return fail(pc, "%ld extra conditional jumps in all, above the %d the verifier can keep pending",
			    total, GEN_COND_JUMPS_MAX);
	return 0;
}

static int find_option(const char *arg, const char **value)
{
	size_t len;
	int i;

	*value = NULL;
	for (i = 0; i < OPT_MAX; i++) {
		len = strlen(options[i].name);
		if (strncmp(arg, options[i].name, len))
			continue;
		if (!arg[len])
			return i;
		if (arg[len] == '=' && options[i].has_arg) {
			*value = arg + len + 1;
			return i;
		}
	}
	return -1;
}

int gen_spec_parse(struct gen_spec *spec, int argc, char *const argv[],
		   char *err, size_t err_len)
{
	struct parse_ctx pc = { .err = err, .err_len = err_len };
	const char *value;
	char buf[40];
	int i, id, ret;

	memset(spec, 0, sizeof(*spec));
	spec->map_entries = GEN_DEF_MAP_ENTRIES;
	if (err && err_len)
		err[0] = '\0';
	for (i = 0; i < argc; i++) {
		if (!argv[i])
			return fail(&pc, "argument %d is missing", i);
		id = find_option(argv[i], &value);
		if (id < 0)
			return fail(&pc, "unknown option '%s' (see --help)",
				    shown(argv[i], buf, sizeof(buf)));
		if (pc.seen & (1u << id))
			return fail(&pc, "%s given twice", options[id].name);
		pc.seen |= 1u << id;
		if (options[id].has_arg && !value) {
			if (i + 1 >= argc || !argv[i + 1])
				return fail(&pc, "%s needs a value", options[id].name);
			value = argv[++i];
		}
		ret = parse_option(&pc, spec, id, value ? value : "");
		if (ret)
			return ret;
	}
	return check_spec(&pc, spec);
}

#define GEN_MAX_TOKENS 64

int gen_spec_parse_str(struct gen_spec *spec, const char *args,
		       char *err, size_t err_len)
{
	char *copy, *tok, *save = NULL, *argv[GEN_MAX_TOKENS];
	int argc = 0, ret;

	copy = strdup(args ? args : "");
	if (!copy) {
		if (err && err_len)
			snprintf(err, err_len, "out of memory");
		return -ENOMEM;
	}
	for (tok = strtok_r(copy, " \t\r\n", &save); tok;
	     tok = strtok_r(NULL, " \t\r\n", &save)) {
		if (argc == GEN_MAX_TOKENS) {
			free(copy);
			if (err && err_len)
				snprintf(err, err_len, "more than %d arguments",
					 GEN_MAX_TOKENS);
			return -EINVAL;
		}
		argv[argc++] = tok;
	}
	ret = gen_spec_parse(spec, argc, argv, err, err_len);
	free(copy);
	return ret;
}

static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void append(char *buf, size_t len, size_t *pos, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*pos >= len)
		return;
	va_start(ap, fmt);
	n = vsnprintf(buf + *pos, len - *pos, fmt, ap);
	va_end(ap);
	if (n > 0)
		*pos += (size_t)n;
}

int gen_spec_format(const struct gen_spec *spec, char *buf, size_t len)
{
	size_t pos = 0;

	if (!len)
		return -EINVAL;
	buf[0] = '\0';
	if (gen_has(spec, GEN_P_INSNS))
		append(buf, len, &pos, " --insns %ld", spec->insns);
	if (gen_has(spec, GEN_P_ALU))
		append(buf, len, &pos, " --alu %s%d:%ld", alu_op_names[spec->alu_op],
		       spec->alu64 ? 64 : 32, spec->alu_n);
	if (gen_has(spec, GEN_P_BRANCHES))
		append(buf, len, &pos, " --branches %ld --pattern %s",
		       spec->branches, pattern_names[spec->pattern]);
	if (gen_has(spec, GEN_P_PAYLOAD))
		append(buf, len, &pos, " --payload %ld", spec->payload);
	if (gen_has(spec, GEN_P_MAP))
		append(buf, len, &pos, " --map %s:%ld --map-op %s --map-entries %ld --key-size %d%s",
		       map_type_names[spec->map_type], spec->map_n,
		       map_op_names[spec->map_op], spec->map_entries,
		       spec->key_size, spec->miss ? " --miss" : "");
	if (spec->working_set)
		append(buf, len, &pos, " --working-set %ld", spec->working_set);
	if (gen_has(spec, GEN_P_LOOP))
		append(buf, len, &pos, " --loop %ld --loop-kind %s", spec->loop,
		       loop_kind_names[spec->loop_kind]);
	if (gen_has(spec, GEN_P_TAILCALLS))
		append(buf, len, &pos, " --tailcalls %d", spec->tailcalls);
	if (spec->offload)
		append(buf, len, &pos, " --offload");
	if (pos >= len)
		return -ENOSPC;
	if (pos)
		memmove(buf, buf + 1, pos);	/* drop the leading space */
	return 0;
}
