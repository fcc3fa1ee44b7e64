// SPDX-License-Identifier: GPL-2.0
/*
 * The command line of test_perf: core options, the options modules add
 * with PERF_OPTION(), --help, the measurement profile they set in env,
 * and the hooks those options register. See test_opts.h.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>

#include "test_perf.h"
#include "test_opts.h"
#include "test_select.h"
#include "util.h"
#include "version.h"

static const int default_sizes[] = { 64, 128, 256, 512, 1024, 1280, 1500 };
static const int quick_sizes[] = { 64, 512, 1500 };

static int (*alt_main)(int argc, char **argv);
static int (*finish_hooks[8])(void);
static int nr_finish_hooks;
static int (*start_hooks[8])(void);
static int nr_start_hooks;
static void (*parsed_hooks[8])(void);
static int nr_parsed_hooks;

/* ---- the option registry ---- */

extern const struct perf_option __start_perf_options[] __attribute__((weak));
extern const struct perf_option __stop_perf_options[] __attribute__((weak));

static bool have_module_options(void)
{
	return (uintptr_t)__start_perf_options < (uintptr_t)__stop_perf_options;
}

#define for_each_module_option(o)					\
	for (o = __start_perf_options;					\
	     have_module_options() &&					\
	     (uintptr_t)o < (uintptr_t)__stop_perf_options; o++)

enum {
	OPT_KTAP = 1000, OPT_REPS, OPT_SIZES, OPT_QUICK, OPT_OUT, OPT_OBJ,
	OPT_PROG, OPT_SEED, OPT_CPU, OPT_SRC, OPT_DST, OPT_TARGET_MS,
	OPT_VERSION, OPT_FORCE, OPT_MODULE,	/* module options follow */
};

static const struct option core_options[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "list", no_argument, NULL, 'l' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "json-summary", required_argument, NULL, 'J' },
	{ "ktap", no_argument, NULL, OPT_KTAP },
	{ "reps", required_argument, NULL, OPT_REPS },
	{ "sizes", required_argument, NULL, OPT_SIZES },
	{ "quick", no_argument, NULL, OPT_QUICK },
	{ "out", required_argument, NULL, OPT_OUT },
	{ "obj", required_argument, NULL, OPT_OBJ },
	{ "prog", required_argument, NULL, OPT_PROG },
	{ "seed", required_argument, NULL, OPT_SEED },
	{ "cpu", required_argument, NULL, OPT_CPU },
	{ "src", required_argument, NULL, OPT_SRC },
	{ "dst", required_argument, NULL, OPT_DST },
	{ "target-ms", required_argument, NULL, OPT_TARGET_MS },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ "force", no_argument, NULL, OPT_FORCE },
};

#define NR_CORE_OPTS ((int)ARRAY_SIZE(core_options))

static void usage(FILE *f)
{
	const struct perf_option *o;

	fprintf(f,
"Usage: test_perf [OPTIONS]\n"
"Performance tests for XDP programs (xdp-perf).\n\n"
"Selection (as test_progs):\n"
"  -t NAME[/SUB]    run tests whose name contains NAME (comma list, repeatable)\n"
"  -b NAME[/SUB]    exclude tests/subtests whose name contains NAME\n"
"  -a GLOB[/GLOB]   run tests matching the glob\n"
"  -d GLOB[/GLOB]   exclude tests matching the glob\n"
"  -n N[,N-M]       run tests by number\n"
"  -l, --list       list tests and exit\n"
"Output:\n"
"  -v, --verbose    show diagnostics of passing tests (-vv: libbpf debug)\n"
"  -J, --json-summary FILE   write a JSON summary of the results\n"
"  --ktap           KTAP version 1 output (kselftest)\n"
"  --out DIR        write every measured point to DIR/data.csv and data.json\n"
"                   (DIR new or empty; as points are measured: DIR/journal.jsonl)\n"
"  --force          write into a non-empty --out (the suite's files there are\n"
"                   replaced), use a --dut-dev/--offload-dev that looks in use\n"
"Measurement:\n"
"  --reps N         repetitions per point (default 30; --quick: 5)\n"
"  --sizes LIST     frame sizes in bytes incl. FCS (default 64,128,256,512,1024,1280,1500)\n"
"  --quick          CI profile: 5 reps, sizes 64,512,1500, short sweeps\n"
"  --target-ms MS   timed loop per repetition (default 10)\n"
"  --cpu N          CPU to measure on (default: the last one)\n"
"  --seed N         seed of packet addresses and payloads (default 1)\n"
"  --src PREFIX     source addresses (default 198.18.0.0/16)\n"
"  --dst PREFIX     destination addresses (default 198.19.0.0/16)\n"
"Your own program:\n"
"  --obj FILE.o     measure the first XDP program of FILE.o at every size\n"
"  --prog NAME      ... or the program NAME in it\n");
	if (have_module_options())
		fprintf(f, "More:\n");
	for_each_module_option(o) {
		char lhs[64];

		snprintf(lhs, sizeof(lhs), "--%s%s%s", o->name,
			 o->arg ? " " : "", o->arg ?: "");
		if (strlen(lhs) > 16)
			fprintf(f, "  %s\n  %-16s %s\n", lhs, "", o->help);
		else
			fprintf(f, "  %-16s %s\n", lhs, o->help);
	}
	fprintf(f,
"\nExit: 0 all passed, 1 a test failed, 2 no test matched or bad usage,\n"
"4 (with --ktap) everything skipped, 128+N stopped by signal N.\n");
}

void perf_msg(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;

	if (!buf || !len)
		return;
	va_start(ap, fmt);
	vsnprintf(buf, len, fmt, ap);
	va_end(ap);
}

void perf_usage_error(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "test_perf: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (see --help)\n");
	exit(PERF_EXIT_USAGE);
}

/* ---- hooks the modules' options set ---- */

void perf_set_main(int (*fn)(int argc, char **argv))
{
	alt_main = fn;
}

void perf_at_finish(int (*fn)(void))
{
	if (nr_finish_hooks < (int)ARRAY_SIZE(finish_hooks))
		finish_hooks[nr_finish_hooks++] = fn;
}

void perf_at_parsed(void (*fn)(void))
{
	if (nr_parsed_hooks < (int)ARRAY_SIZE(parsed_hooks))
		parsed_hooks[nr_parsed_hooks++] = fn;
}

void perf_at_start(int (*fn)(void))
{
	if (nr_start_hooks < (int)ARRAY_SIZE(start_hooks))
		start_hooks[nr_start_hooks++] = fn;
}

int perf_run_start_hooks(void)
{
	for (int i = 0; i < nr_start_hooks; i++)
		if (start_hooks[i]())
			return -1;
	return 0;
}

int perf_run_finish_hooks(void)
{
	int err = 0;

	for (int i = 0; i < nr_finish_hooks; i++)
		if (finish_hooks[i]())
			err = -1;
	return err;
}

/* ---- parsing ---- */

static long parse_long(const char *opt, const char *arg, long min, long max)
{
	char *end;
	long v;

	errno = 0;
	v = strtol(arg, &end, 10);
	if (errno || end == arg || *end || v < min || v > max)
		perf_usage_error("%s wants an integer in [%ld, %ld], not '%s'",
				 opt, min, max, arg);
	return v;
}

static void parse_prefix_opt(const char *opt, const char *arg,
			     struct pkt_prefix *p)
{
	if (pkt_parse_prefix(arg, p))
		perf_usage_error("%s wants an IPv4 prefix like 198.18.0.0/16, not '%s'",
				 opt, arg);
	if (!pkt_prefix_contains(&(struct pkt_prefix){ 0xC6120000, 15 },
				 p->addr) || p->len < 15)
		fprintf(stderr, "test_perf: warning: %s %s is outside 198.18.0.0/15, "
			"the range reserved for benchmarks\n", opt, arg);
}

static bool reps_set, sizes_set;

static void parse_core_opt(int c, const char *arg)
{
	char *end;

	switch (c) {
	case OPT_REPS:
		env.reps = parse_long("--reps", arg, 2, 100000);
		reps_set = true;
		break;
	case OPT_SIZES:
		if (pkt_parse_sizes(arg, env.sizes, PERF_MAX_SIZES,
				    &env.nr_sizes))
			perf_usage_error("--sizes wants a comma list of distinct frame sizes in [%d, %d], not '%s'",
					 PKT_MIN_FRAME, PKT_MAX_FRAME, arg);
		sizes_set = true;
		break;
	case OPT_QUICK:
		env.quick = true;
		break;
	case OPT_OUT:
		env.out_dir = arg;
		break;
	case OPT_OBJ:
		env.obj_path = arg;
		break;
	case OPT_PROG:
		env.obj_prog = arg;
		break;
	case OPT_SEED:
		env.seed = parse_long("--seed", arg, 0, UINT_MAX);
		break;
	case OPT_CPU:
		env.cpu = parse_long("--cpu", arg, 0,
				     libbpf_num_possible_cpus() - 1);
		break;
	case OPT_SRC:
		parse_prefix_opt("--src", arg, &env.src_prefix);
		break;
	case OPT_DST:
		parse_prefix_opt("--dst", arg, &env.dst_prefix);
		break;
	case OPT_FORCE:
		env.force = true;
		break;
	case OPT_TARGET_MS:
		env.target_ms = strtod(arg, &end);
		/* written so that NaN fails too */
		if (*end || end == arg || !(env.target_ms >= 0.1 &&
					     env.target_ms <= 10000))
			perf_usage_error("--target-ms wants a number in [0.1, 10000], not '%s'",
					 arg);
		break;
	}
}

static struct option *build_options(int *nr)
{
	const struct perf_option *o;
	struct option *opts;
	int n = NR_CORE_OPTS, i = 0;

	for_each_module_option(o)
		n++;
	opts = calloc(n + 1, sizeof(*opts));
	memcpy(opts, core_options, sizeof(core_options));
	i = NR_CORE_OPTS;
	for_each_module_option(o) {
		opts[i].name = o->name;
		opts[i].has_arg = o->arg ? required_argument : no_argument;
		opts[i].val = OPT_MODULE + (int)(o - __start_perf_options);
		i++;
	}
	*nr = n;
	return opts;
}

static void apply_profile(void)
{
	if (env.quick && !reps_set)
		env.reps = 5;
	if (!sizes_set) {
		const int *s = env.quick ? quick_sizes : default_sizes;
		int n = env.quick ? ARRAY_SIZE(quick_sizes) :
			ARRAY_SIZE(default_sizes);

		memcpy(env.sizes, s, n * sizeof(*s));
		env.nr_sizes = n;
	}
}

static void add_numbers(const char *list)
{
	char bad[64] = "";
	int err = select_numbers(list, bad, sizeof(bad));

	if (err == -EINVAL)
		perf_usage_error("bad -n entry '%s': want N or N-M, N >= 1",
				 bad);
	if (err)
		perf_usage_error("out of memory");
}

void perf_parse_args(int argc, char **argv, struct perf_cmdline *cl)
{
	struct option *opts;
	int nr, c;

	memset(cl, 0, sizeof(*cl));
	pkt_parse_prefix("198.18.0.0/16", &env.src_prefix);
	pkt_parse_prefix("198.19.0.0/16", &env.dst_prefix);
	opts = build_options(&nr);
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ht:b:a:d:n:lvJ:", opts,
				NULL)) != -1) {
		switch (c) {
		case 'h':
			usage(stdout);
			exit(0);
		case 't':
		case 'b':
		case 'a':
		case 'd':
			if (select_add(optarg, c == 'b' || c == 'd',
				       c == 'a' || c == 'd'))
				perf_usage_error("out of memory");
			break;
		case 'n':
			add_numbers(optarg);
			break;
		case 'l':
			cl->list_only = true;
			break;
		case 'v':
			env.verbosity++;
			break;
		case 'J':
			cl->json_path = optarg;
			break;
		case OPT_KTAP:
			env.ktap = true;
			break;
		case OPT_VERSION:
			printf("test_perf (xdp-perf) %s\n", XDP_PERF_GIT_REV);
			exit(0);
		case ':':
			perf_usage_error("option '%s' needs an argument",
					 argv[optind - 1]);
		case '?':
			perf_usage_error("unknown option '%s'",
					 argv[optind - 1]);
		default:
			if (c >= OPT_MODULE) {
				const struct perf_option *o =
					&__start_perf_options[c - OPT_MODULE];

				if (o->parse(optarg))
					perf_usage_error("bad value for --%s: '%s'",
							 o->name, optarg ?: "");
			} else {
				parse_core_opt(c, optarg);
			}
		}
	}
	free(opts);
	apply_profile();
	if (optind < argc && !alt_main)
		perf_usage_error("unexpected argument '%s'", argv[optind]);
	for (int i = 0; i < nr_parsed_hooks; i++)
		parsed_hooks[i]();
	cl->main = alt_main;
	cl->argc = argc - optind;
	cl->argv = argv + optind;
}
