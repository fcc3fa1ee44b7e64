// SPDX-License-Identifier: GPL-2.0
/*
 * The command line of test_perf: the option table (the framework's own
 * options below, the modules' from PERF_OPTION(), see test_perf.h), its
 * typed parsers and defaults, --help in sections, and the hooks options
 * register. See test_opts.h.
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

#define HELP_COL	22	/* where the help of an option starts */
#define HELP_WIDTH	79
#define OPT_VAL_BASE	1000	/* getopt's val of the option at index i */

static struct perf_cmdline cmdline;
static int (*finish_hooks[8])(void);
static int nr_finish_hooks;
static int (*start_hooks[8])(void);
static int nr_start_hooks;
static void (*parsed_hooks[8])(void);
static int nr_parsed_hooks;

static const char *const group_titles[PERF_GRP_NR] = {
	[PERF_GRP_SELECTION] = "Selection (as the kernel's test_progs)",
	[PERF_GRP_MEASUREMENT] = "Measurement",
	[PERF_GRP_OUTPUT] = "Output",
	[PERF_GRP_COMPARISON] = "Comparison",
	[PERF_GRP_WIRE] = "Wire (the real data path)",
	[PERF_GRP_USER_OBJ] = "User objects",
};

static void usage(FILE *f);

/* ---- the framework's own options ---- */

static int parse_help(const struct perf_option *o, const char *arg)
{
	usage(stdout);
	exit(0);
}

static int parse_version(const struct perf_option *o, const char *arg)
{
	printf("test_perf (xdp-perf) %s\n", XDP_PERF_GIT_REV);
	exit(0);
}

/* -t, -b (deny), -a, -d (deny): substrings, or globs for -a and -d */
static int parse_select(const struct perf_option *o, const char *arg)
{
	if (select_add(arg, o->key == 'b' || o->key == 'd',
		       o->key == 'a' || o->key == 'd'))
		perf_usage_error("out of memory");
	return 0;
}

static int parse_numbers(const struct perf_option *o, const char *arg)
{
	char bad[64] = "";
	int err = select_numbers(arg, bad, sizeof(bad));

	if (err == -EINVAL)
		perf_usage_error("bad -n entry '%s': want N or N-M, N >= 1",
				 bad);
	if (err)
		perf_usage_error("out of memory");
	return 0;
}

static int parse_prefix(const struct perf_option *o, const char *arg)
{
	struct pkt_prefix *p = o->dest;

	if (pkt_parse_prefix(arg, p))
		perf_usage_error("--%s wants an IPv4 prefix like 198.18.0.0/16, not '%s'",
				 o->name, arg);
	if (!pkt_prefix_contains(&(struct pkt_prefix){ 0xC6120000, 15 },
				 p->addr) || p->len < 15)
		fprintf(stderr, "test_perf: warning: --%s %s is outside 198.18.0.0/15, the range reserved for benchmarks\n",
			o->name, arg);
	return 0;
}

static double last_cpu(void)
{
	return libbpf_num_possible_cpus() - 1;
}

static const struct perf_option core_options[] = {
	{ .key = 't', .arg = "NAME[/SUB]", .group = PERF_GRP_SELECTION,
	  .type = PERF_OPT_CUSTOM, .parse = parse_select,
	  .help = "run tests whose name contains NAME (and their subtests containing SUB); comma list, repeatable" },
	{ .key = 'b', .arg = "NAME[/SUB]", .group = PERF_GRP_SELECTION,
	  .type = PERF_OPT_CUSTOM, .parse = parse_select,
	  .help = "exclude tests or subtests whose name contains NAME" },
	{ .key = 'a', .arg = "GLOB[/GLOB]", .group = PERF_GRP_SELECTION,
	  .type = PERF_OPT_CUSTOM, .parse = parse_select,
	  .help = "run tests matching the glob" },
	{ .key = 'd', .arg = "GLOB[/GLOB]", .group = PERF_GRP_SELECTION,
	  .type = PERF_OPT_CUSTOM, .parse = parse_select,
	  .help = "exclude tests matching the glob" },
	{ .key = 'n', .arg = "N[,N-M]", .group = PERF_GRP_SELECTION,
	  .type = PERF_OPT_CUSTOM, .parse = parse_numbers,
	  .help = "run tests by number" },
	{ .name = "list", .key = 'l', .group = PERF_GRP_SELECTION,
	  .type = PERF_OPT_FLAG, .dest = &cmdline.list_only,
	  .help = "list the tests and exit" },

	{ .name = "reps", .arg = "N", .group = PERF_GRP_MEASUREMENT,
	  .type = PERF_OPT_INT, .dest = &env.reps, .min = 2, .max = 100000,
	  .def = "30", .quick_def = "5",
	  .help = "repetitions per wire point; the microbenchmarks use --rounds and --loops" },
	{ .name = "sizes", .arg = "LIST", .group = PERF_GRP_MEASUREMENT,
	  .type = PERF_OPT_SIZES, .dest = env.sizes, .count = &env.nr_sizes,
	  .min = PKT_MIN_FRAME, .max = PKT_MAX_FRAME,
	  .def = "64,128,256,512,1024,1280,1500", .quick_def = "64,512,1500",
	  .help = "frame sizes in bytes incl. FCS, a comma list" },
	{ .name = "quick", .group = PERF_GRP_MEASUREMENT,
	  .type = PERF_OPT_FLAG, .dest = &env.quick,
	  .help = "CI profile: the --quick defaults, only the quick sweep points, shorter wire trials" },
	{ .name = "target-ms", .arg = "MS", .group = PERF_GRP_MEASUREMENT,
	  .type = PERF_OPT_DOUBLE, .dest = &env.target_ms,
	  .min = 0.1, .max = 10000, .def = "10",
	  .help = "length of one timed loop" },
	{ .name = "cpu", .arg = "N", .group = PERF_GRP_MEASUREMENT,
	  .type = PERF_OPT_INT, .dest = &env.cpu, .min = 0,
	  .max_of = last_cpu,
	  .help = "CPU the measurement (and the wire's DUT) runs on (default: the last one)" },
	{ .name = "seed", .arg = "N", .group = PERF_GRP_MEASUREMENT,
	  .type = PERF_OPT_UINT, .dest = &env.seed, .min = 0, .max = UINT_MAX,
	  .def = "1",
	  .help = "seed of frame addresses and payloads, and of every test's round order" },
	{ .name = "src", .arg = "PREFIX", .group = PERF_GRP_MEASUREMENT,
	  .type = PERF_OPT_CUSTOM, .parse = parse_prefix,
	  .dest = &env.src_prefix, .def = "198.18.0.0/16",
	  .help = "source addresses of the frames; a warning outside 198.18.0.0/15" },
	{ .name = "dst", .arg = "PREFIX", .group = PERF_GRP_MEASUREMENT,
	  .type = PERF_OPT_CUSTOM, .parse = parse_prefix,
	  .dest = &env.dst_prefix, .def = "198.19.0.0/16",
	  .help = "destination addresses of the frames" },

	{ .name = "help", .key = 'h', .group = PERF_GRP_OUTPUT,
	  .type = PERF_OPT_CUSTOM, .parse = parse_help,
	  .help = "print this help and exit" },
	{ .name = "version", .group = PERF_GRP_OUTPUT,
	  .type = PERF_OPT_CUSTOM, .parse = parse_version,
	  .help = "print the git revision and exit" },
	{ .name = "verbose", .key = 'v', .group = PERF_GRP_OUTPUT,
	  .type = PERF_OPT_COUNT, .dest = &env.verbosity,
	  .help = "show diagnostics of passing tests and every measured point (-vv: libbpf's debug output too)" },
	{ .name = "json-summary", .key = 'J', .arg = "FILE",
	  .group = PERF_GRP_OUTPUT, .type = PERF_OPT_STRING,
	  .dest = &cmdline.json_path,
	  .help = "write a JSON summary of the results (test_progs' format)" },
	{ .name = "ktap", .group = PERF_GRP_OUTPUT,
	  .type = PERF_OPT_FLAG, .dest = &env.ktap,
	  .help = "KTAP version 1 output (kselftest)" },
	{ .name = "out", .arg = "DIR", .group = PERF_GRP_OUTPUT,
	  .type = PERF_OPT_STRING, .dest = &env.out_dir,
	  .help = "write every measured point to DIR/data.csv and data.json, and to DIR/journal.jsonl as it is measured; DIR new or empty" },
	{ .name = "force", .group = PERF_GRP_OUTPUT,
	  .type = PERF_OPT_FLAG, .dest = &env.force,
	  .help = "an --out test_perf made: replace its earlier run's files (never a journal.jsonl; other files stay)" },

	{ .name = "obj", .arg = "FILE.o", .group = PERF_GRP_USER_OBJ,
	  .type = PERF_OPT_STRING, .dest = &env.obj_path,
	  .help = "measure the first XDP program of FILE.o at every size" },
	{ .name = "prog", .arg = "NAME", .group = PERF_GRP_USER_OBJ,
	  .type = PERF_OPT_STRING, .dest = &env.obj_prog,
	  .help = "--obj: the program NAME in it instead" },
};

/* ---- the table: the core options, then the modules' ---- */

extern const struct perf_option __start_perf_options[] __attribute__((weak));
extern const struct perf_option __stop_perf_options[] __attribute__((weak));

static const struct perf_option **table;
static bool *given;
static int nr_table;

static int nr_module_options(void)
{
	if ((uintptr_t)__start_perf_options >= (uintptr_t)__stop_perf_options)
		return 0;
	return __stop_perf_options - __start_perf_options;
}

/* "--name" or "-k", for messages */
static const char *opt_label(const struct perf_option *o)
{
	static char buf[64];

	if (o->name)
		snprintf(buf, sizeof(buf), "--%s", o->name);
	else
		snprintf(buf, sizeof(buf), "-%c", o->key);
	return buf;
}

/* A mistake in a declaration is the programmer's: say which, exit 1. */
static void check_entry(const struct perf_option *o, int i)
{
	bool no_arg = o->type == PERF_OPT_FLAG || o->type == PERF_OPT_COUNT;
	const char *bad = NULL;

	if (!o->name && !o->key)
		bad = "neither a name nor a key";
	else if (o->group >= PERF_GRP_NR || !o->help)
		bad = "no group or no help";
	else if (o->type == PERF_OPT_CUSTOM ? !o->parse :
		 !o->dest && !(o->type == PERF_OPT_FLAG && o->on_given))
		bad = "nothing to store the value";
	else if (o->type != PERF_OPT_CUSTOM && no_arg == !!o->arg)
		bad = "an argument name that does not fit its type";
	else if (o->type == PERF_OPT_SIZES && !o->count)
		bad = "a size list without a count";
	for (int j = 0; j < i && !bad; j++)
		if ((o->name && table[j]->name &&
		     !strcmp(o->name, table[j]->name)) ||
		    (o->key && o->key == table[j]->key))
			bad = "a name or key declared twice";
	if (bad) {
		fprintf(stderr, "test_perf: option %s has %s (a bug)\n",
			opt_label(o), bad);
		exit(1);
	}
}

static int by_name(const void *a, const void *b)
{
	const struct perf_option *x = *(const struct perf_option **)a;
	const struct perf_option *y = *(const struct perf_option **)b;

	return strcmp(x->name ?: "", y->name ?: "");
}

static void build_table(void)
{
	int nr_core = ARRAY_SIZE(core_options), n = nr_module_options();

	table = calloc(nr_core + n, sizeof(*table));
	given = calloc(nr_core + n, sizeof(*given));
	if (!table || !given)
		perf_usage_error("out of memory");
	for (int i = 0; i < nr_core + n; i++)
		table[i] = i < nr_core ? &core_options[i] :
			   &__start_perf_options[i - nr_core];
	/* --help shows the modules' options of a group by name */
	qsort(table + nr_core, n, sizeof(*table), by_name);
	for (int i = 0; i < nr_core + n; i++)
		check_entry(table[i], i);
	nr_table = nr_core + n;
}

bool perf_option_given(const char *name)
{
	for (int i = 0; i < nr_table; i++)
		if (table[i]->name && !strcmp(table[i]->name, name))
			return given[i];
	/* a mode or check asking for an option that is not there */
	fprintf(stderr, "test_perf: no option --%s (a bug)\n", name);
	exit(1);
}

/* ---- --help ---- */

static double opt_max(const struct perf_option *o)
{
	return o->max_of ? o->max_of() : o->max;
}

static bool has_bounds(const struct perf_option *o)
{
	return o->type == PERF_OPT_INT || o->type == PERF_OPT_UINT ||
	       o->type == PERF_OPT_DOUBLE || o->type == PERF_OPT_SIZES;
}

/*
 * What the table says beyond the help: "(2 to 100000; default 30, --quick
 * 5)". A bound known only at run time is left to the help text, so that
 * --help reads the same on every machine.
 */
static void table_facts(const struct perf_option *o, char *buf, size_t len)
{
	size_t n = 0;

	buf[0] = '\0';
	if (has_bounds(o) && !o->max_of)
		n += snprintf(buf + n, len - n, "%s%.10g to %.10g",
			      o->type == PERF_OPT_SIZES ? "each " : "",
			      o->min, o->max);
	if (o->def && n < len)
		n += snprintf(buf + n, len - n, "%sdefault %s", n ? "; " : "",
			      o->def);
	if (o->quick_def && n < len)
		snprintf(buf + n, len - n, ", --quick %s", o->quick_def);
}

static void print_word(FILE *f, const char *w, size_t n, int *col)
{
	if (*col > HELP_COL && *col + 1 + (int)n > HELP_WIDTH) {
		fprintf(f, "\n%*s", HELP_COL, "");
		*col = HELP_COL;
	}
	if (*col > HELP_COL)
		fputc(' ', f), (*col)++;
	fwrite(w, 1, n, f);
	*col += n;
}

static void print_wrapped(FILE *f, const char *text, int *col)
{
	while (*text) {
		size_t n = strcspn(text, " ");

		if (n)
			print_word(f, text, n, col);
		text += n + (text[n] == ' ');
	}
}

static void print_option(FILE *f, const struct perf_option *o)
{
	char lhs[64], facts[160], text[512];
	int col;

	if (o->key && o->name)
		snprintf(lhs, sizeof(lhs), "-%c, --%s", o->key, o->name);
	else
		snprintf(lhs, sizeof(lhs), "%s", opt_label(o));
	if (o->arg)
		snprintf(lhs + strlen(lhs), sizeof(lhs) - strlen(lhs), " %s",
			 o->arg);
	col = fprintf(f, "  %s", lhs);
	if (col >= HELP_COL) {
		fputc('\n', f);
		col = 0;
	}
	fprintf(f, "%*s", HELP_COL - col, "");
	col = HELP_COL;
	table_facts(o, facts, sizeof(facts));
	snprintf(text, sizeof(text), facts[0] ? "%s (%s)" : "%s", o->help,
		 facts);
	print_wrapped(f, text, &col);
	fputc('\n', f);
}

/* Each group: the framework's options in their order, the modules' by name. */
static void usage(FILE *f)
{
	fprintf(f, "Usage: test_perf [OPTIONS]\n"
		"Performance tests for XDP programs (xdp-perf).\n");
	for (int g = 0; g < PERF_GRP_NR; g++) {
		fprintf(f, "\n%s:\n", group_titles[g]);
		for (int i = 0; i < nr_table; i++)
			if (table[i]->group == (enum perf_opt_group)g)
				print_option(f, table[i]);
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

/* ---- storing a value ---- */

static void store_number(const struct perf_option *o, const char *arg)
{
	bool integer = o->type != PERF_OPT_DOUBLE;
	double lo = o->min, hi = opt_max(o), v;
	char *end;

	errno = 0;
	v = integer ? (double)strtoll(arg, &end, 10) : strtod(arg, &end);
	/* written so that NaN fails too */
	if (errno || end == arg || *end || !(v >= lo && v <= hi))
		perf_usage_error("%s wants %s in [%.10g, %.10g], not '%s'",
				 opt_label(o), integer ? "an integer" :
				 "a number", lo, hi, arg);
	if (o->type == PERF_OPT_INT)
		*(int *)o->dest = v;
	else if (o->type == PERF_OPT_UINT)
		*(unsigned int *)o->dest = v;
	else
		*(double *)o->dest = v * (o->scale ?: 1);
}

static void store_sizes(const struct perf_option *o, const char *arg)
{
	int *sizes = o->dest, n = 0, i;
	bool ok = !pkt_parse_sizes(arg, sizes, PERF_MAX_SIZES, &n);

	for (i = 0; ok && i < n; i++)
		ok = sizes[i] >= o->min && sizes[i] <= o->max;
	if (!ok)
		perf_usage_error("%s wants a comma list of at most %d distinct frame sizes in [%.10g, %.10g], not '%s'",
				 opt_label(o), PERF_MAX_SIZES, o->min, o->max,
				 arg);
	*o->count = n;
}

static void store(const struct perf_option *o, const char *arg)
{
	switch (o->type) {
	case PERF_OPT_FLAG:
		if (o->dest)	/* else on_given is all it does */
			*(bool *)o->dest = true;
		break;
	case PERF_OPT_COUNT:
		(*(int *)o->dest)++;
		break;
	case PERF_OPT_INT:
	case PERF_OPT_UINT:
	case PERF_OPT_DOUBLE:
		store_number(o, arg);
		break;
	case PERF_OPT_SIZES:
		store_sizes(o, arg);
		break;
	case PERF_OPT_STRING:
		if (!*arg)
			perf_usage_error("%s wants %s, not an empty string",
					 opt_label(o), o->arg);
		*(const char **)o->dest = arg;
		break;
	case PERF_OPT_CUSTOM:
		if (o->parse(o, arg))
			perf_usage_error("bad value for %s: '%s'",
					 opt_label(o), arg ?: "");
		break;
	}
}

static void apply_defaults(void)
{
	for (int i = 0; i < nr_table; i++) {
		const struct perf_option *o = table[i];
		const char *def = env.quick && o->quick_def ? o->quick_def :
				  o->def;

		if (!given[i] && def)
			store(o, def);
	}
}

/* ---- parsing ---- */

static struct option *build_getopt(char *keys, size_t len)
{
	struct option *opts = calloc(nr_table + 1, sizeof(*opts));
	size_t k = 0;
	int n = 0;

	if (!opts)
		perf_usage_error("out of memory");
	keys[k++] = ':';	/* a missing argument returns ':' */
	for (int i = 0; i < nr_table; i++) {
		const struct perf_option *o = table[i];

		if (o->key && k + 3 < len) {
			keys[k++] = o->key;
			if (o->arg)
				keys[k++] = ':';
		}
		if (o->name)
			opts[n++] = (struct option){ o->name,
				o->arg ? required_argument : no_argument,
				NULL, OPT_VAL_BASE + i };
	}
	keys[k] = '\0';
	return opts;
}

/* The table index of what getopt_long() returned, or -1. */
static int option_index(int c)
{
	if (c >= OPT_VAL_BASE && c < OPT_VAL_BASE + nr_table)
		return c - OPT_VAL_BASE;
	for (int i = 0; i < nr_table; i++)
		if (table[i]->key && table[i]->key == c)
			return i;
	return -1;
}

void perf_parse_args(int argc, char **argv, struct perf_cmdline *cl)
{
	struct option *opts;
	char keys[128];
	int c, i;

	build_table();
	opts = build_getopt(keys, sizeof(keys));
	opterr = 0;
	while ((c = getopt_long(argc, argv, keys, opts, NULL)) != -1) {
		if (c == ':')
			perf_usage_error("option '%s' needs an argument",
					 argv[optind - 1]);
		i = option_index(c);
		if (i < 0)
			perf_usage_error("unknown option '%s'",
					 argv[optind - 1]);
		store(table[i], optarg);
		if (!given[i] && table[i]->on_given)
			table[i]->on_given();
		if (table[i]->given)
			*table[i]->given = true;
		given[i] = true;
	}
	free(opts);
	apply_defaults();
	for (i = 0; i < nr_parsed_hooks; i++)
		parsed_hooks[i]();
	cmdline.argc = argc - optind;
	cmdline.argv = argv + optind;
	*cl = cmdline;
}
