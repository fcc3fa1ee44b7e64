// SPDX-License-Identifier: GPL-2.0
/*
 * xdpgen: write the BPF C source of a variant of the base forwarder
 * (progs/xdp_fwd_base.bpf.h) with properties given on the command line.
 *
 * Everything that varies with the properties is BPF inline assembly in a
 * naked subprogram (xdpgen_ext) called from one fixed call site, so that the
 * instruction counts are exact whatever clang does with the C part. The
 * emitter (gen_emit.c) counts what it writes and xdpgen refuses to write a
 * program whose counts differ from the formulas of gen_formula.c: the
 * formulas the tests check on the loaded program are the ones the
 * generator obeys. This file: the command line, --help, the output file.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "gen_spec.h"
#include "gen_emit.h"

#define EXIT_USAGE 2

/* --help: every property, its range and its formula (from gen_formula.c). */
static void usage(void)
{
	struct gen_spec helper = { .props = 1u << GEN_P_LOOP,
				   .loop_kind = GEN_LOOP_BPF_LOOP, .loop = 1 };
	struct gen_spec bounded = { .props = 1u << GEN_P_LOOP,
				    .loop_kind = GEN_LOOP_BOUNDED, .loop = 1 };
	struct gen_spec map = { .map_op = GEN_OP_LOOKUP };
	int t;

	printf(
"Usage: xdpgen [PROPERTY...] [--offload] [-o FILE]\n"
"       xdpgen --conf SWEEP --point NAME [-o FILE]\n"
"       xdpgen [PROPERTY...] --counts\n"
"\n"
"Writes the BPF C source of the base IPv4 forwarder (progs/xdp_fwd_base.bpf.h)\n"
"extended with the given properties, all on the per-packet path of every\n"
"forwarded frame. Compile it like progs/*.bpf.c (clang -O2 -target bpf\n"
"-mcpu=v3 -I progs). With no property: the \"empty\" variant, the baseline\n"
"of every formula below (sweep points empty and empty_offload).\n"
"\n"
"insns = the exact number of BPF instructions the variant has more than the\n"
"empty variant, as written; the same number after the verifier (the xlated\n"
"count of bpf_prog_info) unless an \"xlated\" note gives what Linux 6.18\n"
"x86_64 changes. Likewise for conditional jumps. \"seed\" is 64 bits loaded\n"
"from the frame: IPv4 source address << 32 | destination address (each a\n"
"little-endian u32). Results of every chain go into the value the forwarder\n"
"consumes, so nothing can be dropped.\n"
"\n"
"Properties (any combination, each at most once; together at most %d\n"
"extra instructions and %d conditional jumps, the verifier's budget):\n",
	       GEN_EXT_INSNS_MAX, GEN_COND_JUMPS_MAX);
	printf(
"  --insns N          N dependent register ALU instructions alternating\n"
"                     r9 ^= seed and r9 += seed. N in 0..%d.\n"
"                     insns = N\n"
"  --branches N       N conditional blocks 'if a OP b goto +1; r9 += seed',\n"
"                     a and b two loads of the same packet word: the outcome\n"
"                     is fixed but unknown to the verifier. N in 0..%d.\n"
"                     insns = 2 + 2N, conditional jumps = N\n"
"    --pattern P      not-taken (default: OP is !=, the body runs), taken\n"
"                     (OP is ==, the jump skips the body), alternate (block\n"
"                     j taken when j is odd)\n",
	       GEN_INSNS_MAX, GEN_BRANCHES_MAX);
	printf(
"  --map TYPE:N       N accesses per frame to map xdpgen_map of TYPE: array,\n"
"                     percpu_array, hash, percpu_hash, lru_hash, lpm_trie.\n"
"                     N in 0..%d (lookups: 0..%d, the conditional jump\n"
"                     budget). Access j uses entry index (seed + j) & (E - 1)\n"
"                     (with --miss: | E), stored in the key.\n"
"                     insns = P + N * A with\n"
"                       P = 1 + ceil(K / 8) (+2 lpm_trie) (+1 update)\n"
"                       A = 12 lookup, 13 update (+1 with --miss)\n"
"                     conditional jumps = N for lookups (value NULL?)\n"
"                     xlated: the verifier inlines lookups, per access\n"
"                     insns +",
	       GEN_MAP_N_MAX, GEN_COND_JUMPS_MAX);
	for (t = 0; t < GEN_MAP_MAX; t++) {
		map.map_type = t;
		printf("%s%s %ld", !t ? " " : t == 3 ? ",\n                     " : ", ",
		       gen_map_type_name(t), gen_map_access_xlated_delta(&map));
	}
	printf(
",\n"
"                     and conditional jumps +1 (lru_hash +2, lpm_trie 0)\n"
"    --map-op OP      lookup (default: the value is loaded and summed) or\n"
"                     update (flag BPF_EXIST, so it never inserts)\n"
"    --map-entries E  entries present, a power of two in 1..%ld (default\n"
"                     %d). The harness stores entries 0..E-1\n"
"                     (gen_populate_maps); lru_hash maps get room for E +\n"
"                     8192 so that nothing is evicted\n"
"    --key-size K     key bytes: 4 for arrays, 1..%d for hashes (default 4),\n"
"                     5..%d for lpm_trie (4 B prefix length + data, default\n"
"                     8). Index i is stored little-endian in the first\n"
"                     min(K, 4) bytes (lpm_trie: of the data, every entry a\n"
"                     full-length prefix), 2 bytes when that is 3; the rest\n"
"                     is zero\n"
"    --miss           use indexes E..2E-1, absent from the map (arrays: out\n"
"                     of bounds): lookups return NULL, updates fail\n"
"    --working-set W  the key changes on every run, over W entries (a power\n"
"                     of two, default E = W): a per-CPU position p in\n"
"                     PERCPU_ARRAY xdpgen_ws advances by N per run, access\n"
"                     j uses index perm(p + j), a permutation of 0..W-1\n"
"                     (multiply, xorshift, multiply, modulo W).\n"
"                     insns: P + 18, A + 7; conditional jumps + 1;\n"
"                     xlated: + one inlined per-CPU array lookup\n",
	       GEN_MAP_ENTRIES_MAX, GEN_DEF_MAP_ENTRIES, GEN_KEY_SIZE_MAX,
	       GEN_KEY_SIZE_MAX);
	printf(
"  --payload N        read N bytes of the frame after the IPv4 and UDP\n"
"                     headers (from the IPv4 header + %d) as 64-bit words and\n"
"                     sum them. Each word is bounds-checked against the frame\n"
"                     end: a frame shorter than headers + N is read only up\n"
"                     to its last whole word, so the cost follows\n"
"                     min(N, payload of the frame). N a multiple of 8 in\n"
"                     0..%d.\n"
"                     insns = 2 + 4 * N/8, conditional jumps = N/8\n"
"  --tailcalls N      a chain of N tail calls through PROG_ARRAY xdpgen_progs:\n"
"                     xdp_gen tail-calls slot 1 (program xdpgen_tc_1), which\n"
"                     calls slot 2, ...; xdpgen_tc_N forwards and has the\n"
"                     other properties. N in 0..%d (MAX_TAIL_CALL_CNT). Each\n"
"                     hop adds 1 to xdpgen_counters.tc_hops before its tail\n"
"                     call (tc_fail when the call returns) when the constant\n"
"                     xdpgen_count is 1 (the default; timed runs load with 0\n"
"                     and the verifier removes the counting). The harness\n"
"                     fills the array (gen_populate_tailcalls).\n"
"                     insns = 0 in the forwarding program; each hop program\n"
"                     has %ld instructions (xlated %ld: two inlined lookups;\n"
"                     %ld with xdpgen_count 0)\n",
	       GEN_PAYLOAD_OFFSET, GEN_PAYLOAD_MAX, GEN_TAILCALLS_MAX,
	       gen_hop_insns(), gen_hop_xlated_insns(),
	       gen_hop_clean_xlated_insns());
	printf(
"  --loop N           a loop of N iterations per frame; with xdpgen_count 1\n"
"                     (the default) xdpgen_counters gets loop_runs += 1 and\n"
"                     loop_iters += the iterations bpf_loop reports, or for\n"
"                     a bounded loop what its body added, N (N + 1) / 2;\n"
"                     nothing counts inside the loop. bpf_loop: N in\n"
"                     0..%ld; bounded: N in 0..%d (the verifier walks every\n"
"                     iteration).\n"
"                     insns = %ld bpf_loop (call site 12, callback 5, switch\n"
"                     4, counting 16), %ld bounded (loop 6, switch 4,\n"
"                     counting 18); conditional jumps = %ld bpf_loop, %ld\n"
"                     bounded\n"
"                     xlated: insns +%ld bpf_loop (inlined, and the counter\n"
"                     lookup), +%ld bounded (counter lookup), 4 fewer for a\n"
"                     bounded loop of 0 iterations (the verifier removes the\n"
"                     dead body); conditional jumps +%ld, +%ld, 1 fewer.\n"
"                     With xdpgen_count 0 the counting block, its switch's\n"
"                     jump and the counter lookup are removed\n"
"    --loop-kind K    bpf_loop (default: the helper, with a callback\n"
"                     subprogram adding the index to an accumulator) or\n"
"                     bounded (an 'r9 += counter' loop the verifier unrolls)\n",
	       GEN_BPF_LOOP_MAX, GEN_BOUNDED_LOOP_MAX, gen_loop_insns(&helper),
	       gen_loop_insns(&bounded), gen_expected_cond_jumps(&helper),
	       gen_expected_cond_jumps(&bounded),
	       gen_expected_xlated_insns(&helper) - gen_expected_insns(&helper),
	       gen_expected_xlated_insns(&bounded) - gen_expected_insns(&bounded),
	       gen_expected_xlated_cond_jumps(&helper) - gen_expected_cond_jumps(&helper),
	       gen_expected_xlated_cond_jumps(&bounded) - gen_expected_cond_jumps(&bounded));
	printf(
"  --alu OPW:N        N dependent operations r9 OP= operand, W = 32 or 64,\n"
"                     OP one of add sub mul div mod and or xor lsh rsh arsh\n"
"                     neg bswap (e.g. mul64:128, bswap32:64). N in 0..%d.\n"
"                     Operands come from the seed, never immediates: the seed\n"
"                     for add sub and or xor, seed | 1 for mul, (seed & 7) | 1\n"
"                     for shifts; div and mod divide by a value that cannot\n"
"                     be 0 (64: seed >> 32 | 1; 32: bits 16..31 | 1) and OR\n"
"                     the top bit back into the dividend after each one.\n"
"                     insns = P + N * k, k = 2 for div and mod, else 1;\n"
"                     P = 2 mul, 6 div64/mod64, 5 div32/mod32, 3 shifts,\n"
"                     0 otherwise\n"
"                     xlated: the verifier guards division by a register,\n"
"                     +3 insns per div and mod32, +1 per mod64, and one\n"
"                     conditional jump per div or mod\n"
"  --offload          variant for Netronome nfp offload: XDP_TX only, counters\n"
"                     in an ARRAY with atomic adds, ARRAY and HASH maps with\n"
"                     keys up to %d B, mul32 (not mul64), div32 by the\n"
"                     constant %d (P = 2, no verifier guard), no mod, no\n"
"                     tail calls, no bpf_loop. Anything else is refused with\n"
"                     the reason.\n"
"\n"
"Other options:\n"
"  -o FILE            write to FILE (left untouched when identical; default\n"
"                     stdout)\n"
"  --conf SWEEP --point NAME\n"
"                     take the properties from line NAME of a sweep file\n"
"                     (\"name profile arguments\" per line, see gen/README.md)\n"
"  --counts           print the expected counts instead of the program\n"
"  -h, --help         this text\n"
"\n"
"Exit status: 0 done, 2 bad arguments, spec or output file (one line on\n"
"stderr), 1 internal error.\n",
	       GEN_ALU_N_MAX, GEN_OFFLOAD_KEY_SIZE_MAX, GEN_OFFLOAD_DIVISOR);
}

static void die_usage(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

static void die_usage(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "xdpgen: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	exit(EXIT_USAGE);
}


/* Write buf to path unless it already holds exactly that (keeps mtime). */
static int write_if_changed(const char *path, const char *buf, size_t len)
{
	char tmp[4096], *old;
	size_t old_len;
	FILE *f;
	int same = 0;

	f = fopen(path, "r");
	if (f) {
		old = malloc(len + 1);
		if (old) {
			old_len = fread(old, 1, len + 1, f);
			same = old_len == len && !memcmp(old, buf, len);
			free(old);
		}
		fclose(f);
		if (same)
			return 0;
	}
	if (snprintf(tmp, sizeof(tmp), "%s.tmp.%d", path, (int)getpid()) >= (int)sizeof(tmp))
		die_usage("-o: path too long");
	f = fopen(tmp, "w");
	if (!f)
		die_usage("cannot write '%s': %s", tmp, strerror(errno));
	if (fwrite(buf, 1, len, f) != len || fclose(f)) {
		fprintf(stderr, "xdpgen: writing '%s' failed: %s\n", tmp, strerror(errno));
		unlink(tmp);
		return -1;
	}
	if (rename(tmp, path)) {
		int e = errno;

		unlink(tmp);
		die_usage("cannot write '%s': %s", path, strerror(e));
	}
	return 0;
}

static void print_counts(const struct gen_spec *spec)
{
	printf("insns %ld\ncond_jumps %ld\nxlated_insns %ld\nxlated_cond_jumps %ld\n",
	       gen_expected_insns(spec), gen_expected_cond_jumps(spec),
	       gen_expected_xlated_insns(spec), gen_expected_xlated_cond_jumps(spec));
	printf("clean_xlated_insns %ld\nclean_xlated_cond_jumps %ld\n",
	       gen_expected_xlated_insns(spec) - gen_count_xlated_insns(spec),
	       gen_expected_xlated_cond_jumps(spec) -
	       gen_count_xlated_cond_jumps(spec));
	if (gen_has(spec, GEN_P_TAILCALLS))
		printf("hop_programs %d\nhop_insns %ld\nhop_xlated_insns %ld\nhop_clean_xlated_insns %ld\n",
		       spec->tailcalls, gen_hop_insns(), gen_hop_xlated_insns(),
		       gen_hop_clean_xlated_insns());
}

struct cmdline {
	const char *out, *conf, *point;
	bool counts;
	char **rest;		/* property arguments */
	int nr_rest;
};

static const char *take_value(int argc, char **argv, int *i)
{
	if (*i + 1 >= argc)
		die_usage("%s needs a value", argv[*i]);
	return argv[++*i];
}

static void parse_cmdline(int argc, char **argv, struct cmdline *cl)
{
	int i;

	memset(cl, 0, sizeof(*cl));
	cl->rest = calloc(argc + 1, sizeof(*cl->rest));
	if (!cl->rest)
		die_usage("out of memory");
	for (i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			usage();
			exit(0);
		} else if (!strcmp(argv[i], "-o")) {
			if (cl->out)
				die_usage("-o given twice");
			cl->out = take_value(argc, argv, &i);
			if (!*cl->out)
				die_usage("-o: empty file name");
		} else if (!strcmp(argv[i], "--conf")) {
			if (cl->conf)
				die_usage("--conf given twice");
			cl->conf = take_value(argc, argv, &i);
		} else if (!strcmp(argv[i], "--point")) {
			if (cl->point)
				die_usage("--point given twice");
			cl->point = take_value(argc, argv, &i);
		} else if (!strcmp(argv[i], "--counts")) {
			cl->counts = true;
		} else {
			cl->rest[cl->nr_rest++] = argv[i];
		}
	}
	if (!cl->conf != !cl->point)
		die_usage("--conf and --point go together");
	if (cl->conf && cl->nr_rest)
		die_usage("--point takes its properties from the sweep file, not from '%.40s'",
			  cl->rest[0]);
}

static void spec_from_conf(const struct cmdline *cl, struct gen_spec *spec,
			   char *args, size_t len)
{
	struct gen_point *points;
	const struct gen_point *pt;
	char err[400];
	int nr;

	if (gen_sweep_read(cl->conf, &points, &nr, err, sizeof(err)))
		die_usage("%s", err);
	pt = gen_sweep_find(points, nr, cl->point);
	if (!pt) {
		free(points);
		die_usage("%s: no point named '%.64s'", cl->conf, cl->point);
	}
	*spec = pt->spec;
	snprintf(args, len, "%s", pt->args);
	free(points);
}

int main(int argc, char **argv)
{
	struct gen_emit_counts c;
	struct cmdline cl;
	struct gen_spec spec;
	FILE *f;
	char err[400], args[512];
	char *buf = NULL;
	size_t len = 0;
	int ret = 0;

	parse_cmdline(argc, argv, &cl);
	if (cl.conf) {
		spec_from_conf(&cl, &spec, args, sizeof(args));
	} else {
		if (gen_spec_parse(&spec, cl.nr_rest, cl.rest, err, sizeof(err)))
			die_usage("%s", err);
	}
	free(cl.rest);
	if (gen_spec_format(&spec, args, sizeof(args)))
		die_usage("specification too long");
	if (cl.counts) {
		print_counts(&spec);
		return 0;
	}
	f = open_memstream(&buf, &len);
	if (!f) {
		perror("xdpgen: open_memstream");
		return 1;
	}
	gen_emit_program(f, &spec, args, &c);
	if (fclose(f)) {
		perror("xdpgen: out of memory");
		free(buf);
		return 1;
	}
	/* The emitter and the formulas must agree: the tests rely on both. */
	if (gen_emit_check(&spec, &c, err, sizeof(err))) {
		fprintf(stderr, "xdpgen: internal error: %s\n", err);
		ret = 1;
	}
	else if (cl.out)
		ret = write_if_changed(cl.out, buf, len) ? 1 : 0;
	else if (fwrite(buf, 1, len, stdout) != len || fflush(stdout))
		ret = 1;
	free(buf);
	return ret;
}
