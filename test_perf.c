// SPDX-License-Identifier: GPL-2.0
/*
 * test_perf: the xdp-perf test runner.
 *
 * Selection, output and exit codes follow the kernel's test_progs so that
 * whoever knows one knows the other; --ktap gives KTAP version 1 for
 * kselftest. Measurement options set the profile every test reads from env.
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <getopt.h>
#include <limits.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include "test_perf.h"
#include "json.h"
#include "results.h"
#include "version.h"

#ifdef HAVE_KSELFTEST_H
#include "kselftest.h"
#else
#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4
#endif

#define EXIT_NO_TEST	2

#define DEFINE_TEST(tname) extern void test_##tname(void);
#include "tests.h"
#undef DEFINE_TEST

struct prog_test_def {
	const char *name;
	void (*run)(void);
};

#define DEFINE_TEST(tname) { .name = #tname, .run = test_##tname },
static const struct prog_test_def test_defs[] = {
#include "tests.h"
};
#undef DEFINE_TEST

#define NR_TESTS ((int)(sizeof(test_defs) / sizeof(test_defs[0])))

static const int default_sizes[] = { 64, 128, 256, 512, 1024, 1280, 1500 };
static const int quick_sizes[] = { 64, 512, 1500 };

struct perf_env env = {
	.reps = 30,
	.target_ms = 10.0,
	.cpu = -1,
	.seed = 1,
};

/* ---- selection (-t/-b/-a/-d/-n) ---- */

struct test_filter {
	char *test;
	char *sub;		/* NULL: every subtest */
	bool glob;		/* -a/-d: fnmatch; -t/-b: substring */
};

struct filter_set {
	struct test_filter *f;
	int cnt;
};

static struct filter_set allow, deny;
static bool *num_allowed;	/* -n, indexed by test number - 1 */

static void filter_add(struct filter_set *set, const char *list, bool glob)
{
	char *copy = strdup(list), *save = NULL, *tok;

	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		struct test_filter *f;
		char *slash;

		set->f = realloc(set->f, (set->cnt + 1) * sizeof(*set->f));
		if (!set->f)
			perf_usage_error("out of memory");
		f = &set->f[set->cnt++];
		slash = strchr(tok, '/');
		if (slash)
			*slash = '\0';
		f->test = strdup(tok);
		f->sub = slash ? strdup(slash + 1) : NULL;
		f->glob = glob;
	}
	free(copy);
}

static bool name_match(const char *pattern, const char *name, bool glob)
{
	if (glob)
		return !fnmatch(pattern, name, 0);
	return strstr(name, pattern) != NULL;
}

static void parse_numbers(const char *list)
{
	char *copy = strdup(list), *save = NULL, *tok, *end;

	num_allowed = calloc(NR_TESTS, sizeof(*num_allowed));
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		long lo, hi;

		lo = strtol(tok, &end, 10);
		hi = lo;
		if (*end == '-')
			hi = strtol(end + 1, &end, 10);
		if (*end || lo < 1 || hi < lo)
			perf_usage_error("bad -n entry '%s': want N or N-M, N >= 1",
					 tok);
		for (long i = lo; i <= hi && i <= NR_TESTS; i++)
			num_allowed[i - 1] = true;
	}
	free(copy);
}

static bool test_selected(int num, const char *name)
{
	bool ok = !allow.cnt;
	int i;

	if (num_allowed && !num_allowed[num - 1])
		return false;
	for (i = 0; i < allow.cnt; i++)
		if (name_match(allow.f[i].test, name, allow.f[i].glob))
			ok = true;
	for (i = 0; i < deny.cnt; i++)
		if (!deny.f[i].sub &&
		    name_match(deny.f[i].test, name, deny.f[i].glob))
			ok = false;
	return ok;
}

static bool subtest_selected(const char *test, const char *sub)
{
	bool ok = !allow.cnt;
	int i;

	for (i = 0; i < allow.cnt; i++) {
		const struct test_filter *f = &allow.f[i];

		if (!name_match(f->test, test, f->glob))
			continue;
		if (!f->sub || name_match(f->sub, sub, f->glob))
			ok = true;
	}
	for (i = 0; i < deny.cnt; i++) {
		const struct test_filter *f = &deny.f[i];

		if (f->sub && name_match(f->test, test, f->glob) &&
		    name_match(f->sub, sub, f->glob))
			ok = false;
	}
	return ok;
}

/* ---- per-test state and output ---- */

enum test_state { ST_OK, ST_SKIP, ST_FAIL };

struct subtest_result {
	char *name;
	int num;
	enum test_state state;
	char *reason;
};

struct test_result {
	const struct prog_test_def *def;
	int num;
	enum test_state state;
	char *reason;
	struct subtest_result *subs;
	int nr_subs;		/* subtests that ran */
	int subtest_num;	/* subtests seen, selected or not */
	bool in_subtest;
	bool sub_failed, sub_skipped;
	char *sub_reason;
	char *log;		/* buffered diagnostics */
	size_t log_len;
	FILE *log_f;
};

static struct test_result *cur;
static struct test_result *results;
static int nr_results;
static volatile sig_atomic_t stop_signal;
static int (*alt_main)(int argc, char **argv);
static int (*finish_hooks[8])(void);
static int nr_finish_hooks;
static int (*start_hooks[8])(void);
static int nr_start_hooks;
static const char *json_path;
static bool list_only;
static char exe_dir[PATH_MAX];
static bool progress_shown;

static void progress_clear(void)
{
	if (progress_shown) {
		fprintf(stderr, "\r\033[K");
		progress_shown = false;
	}
}

/* Diagnostics go straight out with -v, else into the test's buffer. */
static void test__vlog(bool always, const char *fmt, va_list ap)
{
	FILE *f;

	if (!cur || env.verbosity > 0) {
		if (!always && env.verbosity == 0)
			return;
		progress_clear();
		f = stdout;
		if (env.ktap)
			fputs("# ", f);
		vfprintf(f, fmt, ap);
		fputc('\n', f);
		fflush(f);
		return;
	}
	if (!always)
		return;
	vfprintf(cur->log_f, fmt, ap);
	fputc('\n', cur->log_f);
}

void test__log(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	test__vlog(true, fmt, ap);
	va_end(ap);
}

void test__info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	test__vlog(false, fmt, ap);
	va_end(ap);
}

bool test__assert_fail(const char *file, int line, const char *name,
		       const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	/* after Ctrl-C, failures are the interruption's doing */
	if (test__stopping()) {
		test__skip("interrupted");
		return false;
	}
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	test__log("%s:%d: %s:FAIL: %s", basename((char *)file), line,
		  env.subtest_name ?: env.test_name ?: "", msg);
	test__fail();
	return false;
}

void test__fail(void)
{
	if (!cur)
		return;
	if (cur->in_subtest)
		cur->sub_failed = true;
	else
		cur->state = ST_FAIL;
}

void test__skip(const char *fmt, ...)
{
	char reason[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	if (!cur)
		return;
	if (cur->in_subtest) {
		cur->sub_skipped = true;
		free(cur->sub_reason);
		cur->sub_reason = strdup(reason);
	} else {
		if (cur->state == ST_OK)
			cur->state = ST_SKIP;
		free(cur->reason);
		cur->reason = strdup(reason);
	}
}

bool test__need_bpf(void)
{
	if (env.can_bpf)
		return true;
	test__skip("%s", env.no_bpf_reason);
	return false;
}

bool test__stopping(void)
{
	return stop_signal != 0;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void test__progress(int done, int total)
{
	static double start;
	static int last_total;
	double elapsed, eta;

	if (done == 0 || total != last_total) {
		start = now_s();
		last_total = total;
	}
	if (!isatty(STDERR_FILENO) || env.ktap)
		return;
	elapsed = now_s() - start;
	eta = done ? elapsed / done * (total - done) : 0;
	fprintf(stderr, "\r\033[K  %s%s%s: point %d/%d, %.0fs elapsed, ETA %.0fs",
		env.test_name ?: "", env.subtest_name ? "/" : "",
		env.subtest_name ?: "", done, total, elapsed, eta);
	progress_shown = true;
	if (done == total)
		progress_clear();
}

static const char *state_str(enum test_state s)
{
	return s == ST_OK ? "OK" : s == ST_SKIP ? "SKIP" : "FAIL";
}

static void dump_log(FILE *out, const char *indent)
{
	char *line, *save = NULL;

	fflush(cur->log_f);
	if (!cur->log_len)
		return;
	for (line = strtok_r(cur->log, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save))
		fprintf(out, "%s%s\n", indent, line);
	/* the buffer was consumed: start a new one */
	fclose(cur->log_f);
	free(cur->log);
	cur->log = NULL;
	cur->log_len = 0;
	cur->log_f = open_memstream(&cur->log, &cur->log_len);
}

static void end_subtest(void)
{
	struct subtest_result *s;

	if (!cur->in_subtest)
		return;
	s = &cur->subs[cur->nr_subs - 1];
	s->state = cur->sub_failed ? ST_FAIL :
		   cur->sub_skipped ? ST_SKIP : ST_OK;
	s->reason = cur->sub_reason;
	cur->sub_reason = NULL;
	if (s->state == ST_FAIL)
		cur->state = ST_FAIL;
	cur->in_subtest = false;
	env.subtest_name = NULL;
	progress_clear();

	if (env.ktap)
		return;		/* printed nested when the test ends */
	if (s->state == ST_FAIL)
		dump_log(stdout, "");
	printf("#%d/%d %s/%s:%s%s%s\n", cur->num, s->num, cur->def->name,
	       s->name, state_str(s->state), s->reason ? " " : "",
	       s->reason ?: "");
	fflush(stdout);
}

bool test__start_subtest(const char *name)
{
	struct subtest_result *s;

	if (!cur)
		return false;
	end_subtest();
	cur->subtest_num++;
	if (test__stopping())
		return false;
	if (!subtest_selected(cur->def->name, name))
		return false;
	cur->subs = realloc(cur->subs, (cur->nr_subs + 1) * sizeof(*s));
	s = &cur->subs[cur->nr_subs++];
	memset(s, 0, sizeof(*s));
	s->name = strdup(name);
	s->num = cur->subtest_num;
	cur->in_subtest = true;
	cur->sub_failed = cur->sub_skipped = false;
	env.subtest_name = s->name;
	return true;
}

/* ---- KTAP ---- */

static void ktap_result(FILE *out, const char *indent, bool ok, int num,
			const char *name, enum test_state st,
			const char *reason)
{
	fprintf(out, "%s%s %d %s", indent, ok ? "ok" : "not ok", num, name);
	if (st == ST_SKIP)
		fprintf(out, " # SKIP %s", reason ?: "");
	fputc('\n', out);
}

static void ktap_print_test(int idx)
{
	int i;

	if (cur->nr_subs) {
		printf("    KTAP version 1\n    1..%d\n", cur->nr_subs);
		for (i = 0; i < cur->nr_subs; i++) {
			const struct subtest_result *s = &cur->subs[i];

			ktap_result(stdout, "    ", s->state != ST_FAIL, i + 1,
				    s->name, s->state, s->reason);
		}
	}
	if (cur->state == ST_FAIL)
		dump_log(stdout, "# ");
	ktap_result(stdout, "", cur->state != ST_FAIL, idx, cur->def->name,
		    cur->state, cur->reason);
	fflush(stdout);
}

/* ---- running ---- */

static void run_test(const struct prog_test_def *def, int num, int ktap_idx)
{
	struct test_result *r = &results[nr_results++];

	memset(r, 0, sizeof(*r));
	r->def = def;
	r->num = num;
	r->log_f = open_memstream(&r->log, &r->log_len);
	cur = r;
	env.test_name = def->name;
	env.subtest_name = NULL;

	def->run();
	end_subtest();

	/* a test whose every subtest was filtered out ran nothing */
	if (r->state == ST_OK && r->subtest_num && !r->nr_subs) {
		r->state = ST_SKIP;
		r->reason = strdup("no subtest selected");
	}
	/* a test whose subtests were all skipped is skipped */
	if (r->state == ST_OK && r->nr_subs) {
		bool all_skip = true;

		for (int i = 0; i < r->nr_subs; i++)
			all_skip &= r->subs[i].state == ST_SKIP;
		if (all_skip) {
			r->state = ST_SKIP;
			if (!r->reason && r->subs[0].reason)
				r->reason = strdup(r->subs[0].reason);
		}
	}
	if (test__stopping() && r->state == ST_OK) {
		r->state = ST_SKIP;
		r->reason = strdup("interrupted");
	}

	if (env.ktap) {
		ktap_print_test(ktap_idx);
	} else {
		if (r->state == ST_FAIL || env.verbosity)
			dump_log(stdout, "");
		printf("#%d %s:%s%s%s\n", num, def->name, state_str(r->state),
		       r->reason ? " " : "", r->reason ?: "");
		fflush(stdout);
	}
	fclose(r->log_f);
	free(r->log);
	r->log_f = NULL;
	r->log = NULL;
	cur = NULL;
	env.test_name = NULL;
}

static int write_json_summary(int pass, int sub_pass, int skip, int fail)
{
	FILE *f = fopen(json_path, "w");
	int i, j;

	if (!f) {
		fprintf(stderr, "test_perf: cannot write %s: %s\n", json_path,
			strerror(errno));
		return -errno;
	}
	fprintf(f, "{\"success\": %d, \"success_subtest\": %d, "
		"\"skipped\": %d, \"failed\": %d, \"results\": [", pass,
		sub_pass, skip, fail);
	for (i = 0; i < nr_results; i++) {
		const struct test_result *r = &results[i];

		fprintf(f, "%s\n {\"name\": ", i ? "," : "");
		json_write_string(f, r->def->name);
		fprintf(f, ", \"number\": %d, \"result\": \"%s\", "
			"\"failed\": %s, \"message\": ", r->num,
			state_str(r->state),
			r->state == ST_FAIL ? "true" : "false");
		json_write_string(f, r->reason);
		fprintf(f, ", \"subtests\": [");
		for (j = 0; j < r->nr_subs; j++) {
			const struct subtest_result *s = &r->subs[j];

			fprintf(f, "%s{\"name\": ", j ? ", " : "");
			json_write_string(f, s->name);
			fprintf(f, ", \"number\": %d, \"result\": \"%s\", "
				"\"failed\": %s, \"message\": ", s->num,
				state_str(s->state),
				s->state == ST_FAIL ? "true" : "false");
			json_write_string(f, s->reason);
			fputc('}', f);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "\n]}\n");
	return fclose(f) ? -errno : 0;
}

/* ---- environment probing ---- */

static int libbpf_print(enum libbpf_print_level level, const char *fmt,
			va_list ap)
{
	char buf[1024];
	size_t len;

	if (level == LIBBPF_DEBUG && env.verbosity < 2)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	len = strlen(buf);
	if (len && buf[len - 1] == '\n')
		buf[len - 1] = '\0';
	if (level == LIBBPF_INFO && env.verbosity < 1)
		return 0;
	test__log("libbpf: %s", buf);
	return 0;
}

static void probe_bpf(void)
{
	int ret;

	if (geteuid() != 0) {
		snprintf(env.no_bpf_reason, sizeof(env.no_bpf_reason),
			 "needs root (CAP_BPF, CAP_NET_ADMIN, CAP_PERFMON): run as root");
		return;
	}
	ret = libbpf_probe_bpf_prog_type(BPF_PROG_TYPE_XDP, NULL);
	if (ret != 1) {
		snprintf(env.no_bpf_reason, sizeof(env.no_bpf_reason),
			 "kernel cannot load XDP programs (%s): needs CONFIG_BPF_SYSCALL and XDP",
			 ret < 0 ? strerror(-ret) : "not supported");
		return;
	}
	env.can_bpf = true;
}

static void pin_cpu(void)
{
	cpu_set_t set;
	int n = libbpf_num_possible_cpus();

	if (env.cpu < 0)	/* default: the last CPU, away from CPU 0's IRQs */
		env.cpu = n > 1 ? n - 1 : 0;
	CPU_ZERO(&set);
	CPU_SET(env.cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		perf_usage_error("cannot pin to CPU %d: %s (see --cpu)",
				 env.cpu, strerror(errno));
}

static void on_signal(int sig)
{
	if (stop_signal) {	/* second one: the user means it */
		signal(sig, SIG_DFL);
		raise(sig);
	}
	stop_signal = sig;
}

/* ---- options ---- */

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
	OPT_VERSION, OPT_MODULE,	/* module options follow */
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
};

#define NR_CORE_OPTS ((int)(sizeof(core_options) / sizeof(core_options[0])))

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
	exit(EXIT_NO_TEST);
}

void perf_set_main(int (*fn)(int argc, char **argv))
{
	alt_main = fn;
}

void perf_at_finish(int (*fn)(void))
{
	if (nr_finish_hooks < (int)(sizeof(finish_hooks) / sizeof(fn)))
		finish_hooks[nr_finish_hooks++] = fn;
}

void perf_at_start(int (*fn)(void))
{
	if (nr_start_hooks < (int)(sizeof(start_hooks) / sizeof(fn)))
		start_hooks[nr_start_hooks++] = fn;
}

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
	case OPT_TARGET_MS:
		env.target_ms = strtod(arg, &end);
		if (*end || end == arg || env.target_ms < 0.1 ||
		    env.target_ms > 10000)
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
		int n = env.quick ? 3 : 7;

		memcpy(env.sizes, s, n * sizeof(*s));
		env.nr_sizes = n;
	}
}

static void parse_args(int argc, char **argv)
{
	struct option *opts;
	int nr, c;

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
			filter_add(&allow, optarg, false);
			break;
		case 'b':
			filter_add(&deny, optarg, false);
			break;
		case 'a':
			filter_add(&allow, optarg, true);
			break;
		case 'd':
			filter_add(&deny, optarg, true);
			break;
		case 'n':
			parse_numbers(optarg);
			break;
		case 'l':
			list_only = true;
			break;
		case 'v':
			env.verbosity++;
			break;
		case 'J':
			json_path = optarg;
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
}

/* ---- main ---- */

const char *test__exe_dir(void)
{
	return exe_dir;
}

int test__path(char *buf, size_t len, const char *rel)
{
	int n = snprintf(buf, len, "%s/%s", exe_dir, rel);

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	return access(buf, R_OK) ? -errno : 0;
}

static void find_exe_dir(const char *argv0)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n > 0) {
		path[n] = '\0';
	} else {
		snprintf(path, sizeof(path), "%s", argv0);
	}
	snprintf(exe_dir, sizeof(exe_dir), "%s", dirname(path));
}

static void list_tests(void)
{
	for (int i = 0; i < NR_TESTS; i++)
		if (test_selected(i + 1, test_defs[i].name))
			printf("%s\n", test_defs[i].name);
}

static int count_selected(void)
{
	int n = 0;

	for (int i = 0; i < NR_TESTS; i++)
		n += test_selected(i + 1, test_defs[i].name);
	return n;
}

static int run_finish_hooks(void)
{
	int err = 0;

	if (!env.ktap)
		results_print_cost_model(stdout);
	if (env.out_dir && results_count()) {
		if (results_write(env.out_dir))
			err = 1;
		else if (!env.ktap)
			printf("Results: %d points in %s/data.csv and data.json\n",
			       results_count(), env.out_dir);
	}
	for (int i = 0; i < nr_finish_hooks; i++)
		if (finish_hooks[i]())
			err = 1;
	return err;
}

static int run_selected(void)
{
	int pass = 0, sub_pass = 0, skip = 0, fail = 0, idx = 0;
	int planned = count_selected(), i, ret;

	if (!planned) {
		fprintf(stderr, "test_perf: no test matched the selection (see -l)\n");
		return EXIT_NO_TEST;
	}
	results = calloc(planned, sizeof(*results));
	if (env.ktap)
		printf("KTAP version 1\n1..%d\n", planned);
	for (i = 0; i < NR_TESTS; i++) {
		if (!test_selected(i + 1, test_defs[i].name))
			continue;
		if (test__stopping())
			break;
		run_test(&test_defs[i], i + 1, ++idx);
	}
	for (i = 0; i < nr_results; i++) {
		const struct test_result *r = &results[i];

		pass += r->state == ST_OK;
		skip += r->state == ST_SKIP;
		fail += r->state == ST_FAIL;
		for (int j = 0; j < r->nr_subs; j++)
			sub_pass += r->subs[j].state == ST_OK;
	}
	if (run_finish_hooks())
		fail++;
	if (json_path)
		write_json_summary(pass, sub_pass, skip, fail);
	if (env.ktap)
		printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
		       pass, fail, skip);
	else
		printf("Summary: %d/%d PASSED, %d SKIPPED, %d FAILED\n", pass,
		       sub_pass, skip, fail);
	if (stop_signal) {
		fprintf(stderr, "test_perf: interrupted, kept %d measured points\n",
			results_count());
		return 128 + stop_signal;
	}
	if (fail)
		ret = KSFT_FAIL;
	else if (env.ktap && !pass)
		ret = KSFT_SKIP;
	else
		ret = KSFT_PASS;
	return ret;
}

int user_obj_main(void);

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };

	setvbuf(stdout, NULL, _IOLBF, 0);
	find_exe_dir(argv[0]);
	parse_args(argc, argv);
	if (list_only) {
		list_tests();
		return 0;
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	libbpf_set_print(libbpf_print);
	probe_bpf();
	results_probe_env(NULL);
	if (env.can_bpf)
		pin_cpu();
	for (int i = 0; i < nr_start_hooks; i++)
		if (start_hooks[i]())
			return KSFT_FAIL;
	if (alt_main)
		return alt_main(argc - optind, argv + optind);
	if (env.obj_path)
		return user_obj_main();
	return run_selected();
}
