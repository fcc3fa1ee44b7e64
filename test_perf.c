// SPDX-License-Identifier: GPL-2.0
/*
 * test_perf: the xdp-perf test runner.
 *
 * Selection, output and exit codes follow the kernel's test_progs so that
 * whoever knows one knows the other; --ktap gives KTAP version 1 for
 * kselftest. Measurement options set the profile every test reads from env.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <libgen.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>

#include "test_perf.h"
#include "json.h"
#include "test_opts.h"
#include "test_select.h"
#include "results.h"
#include "user_obj.h"
#include "util.h"

#ifdef HAVE_KSELFTEST_H
#include "kselftest.h"
#else
#define KSFT_PASS	0
#define KSFT_FAIL	1
#define KSFT_SKIP	4
#endif

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

#define NR_TESTS ((int)ARRAY_SIZE(test_defs))

struct perf_env env = {
	.reps = 30,
	.target_ms = 10.0,
	.cpu = -1,
	.seed = 1,
};

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
static struct perf_cmdline cmdline;
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

void test__progress(int done, int total)
{
	static double start;
	static int last_total;
	double elapsed, eta;

	if (done == 0 || total != last_total) {
		start = mono_s();
		last_total = total;
	}
	if (!isatty(STDERR_FILENO) || env.ktap)
		return;
	elapsed = mono_s() - start;
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
	if (!select_subtest(cur->def->name, name))
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
	FILE *f = fopen(cmdline.json_path, "w");
	int i, j;

	if (!f) {
		fprintf(stderr, "test_perf: cannot write %s: %s\n", cmdline.json_path,
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
		if (select_test(i + 1, test_defs[i].name))
			printf("%s\n", test_defs[i].name);
}

static int count_selected(void)
{
	int n = 0;

	for (int i = 0; i < NR_TESTS; i++)
		n += select_test(i + 1, test_defs[i].name);
	return n;
}

/* After the tests: cost model, data files, the modules' finish hooks. */
static int finish_run(void)
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
	if (perf_run_finish_hooks())
		err = 1;
	return err;
}

static int run_selected(void)
{
	int pass = 0, sub_pass = 0, skip = 0, fail = 0, idx = 0;
	int planned = count_selected(), i, ret;

	if (!planned) {
		fprintf(stderr, "test_perf: no test matched the selection (see -l)\n");
		return PERF_EXIT_USAGE;
	}
	results = calloc(planned, sizeof(*results));
	if (env.ktap)
		printf("KTAP version 1\n1..%d\n", planned);
	for (i = 0; i < NR_TESTS; i++) {
		if (!select_test(i + 1, test_defs[i].name))
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
	if (finish_run())
		fail++;
	if (cmdline.json_path)
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

int main(int argc, char **argv)
{
	struct sigaction sa = { .sa_handler = on_signal };

	setvbuf(stdout, NULL, _IOLBF, 0);
	find_exe_dir(argv[0]);
	perf_parse_args(argc, argv, &cmdline);
	if (cmdline.list_only) {
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
	if (perf_run_start_hooks())
		return KSFT_FAIL;
	if (cmdline.main)
		return cmdline.main(cmdline.argc, cmdline.argv);
	if (env.obj_path)
		return user_obj_main();
	return run_selected();
}
