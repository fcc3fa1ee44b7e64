// SPDX-License-Identifier: GPL-2.0
/*
 * The test framework of test_perf.h: per-test state, subtests, assertions,
 * diagnostics, and each test's result line (test_progs style or KTAP).
 * main.c runs the selected tests through test_run.h.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <libgen.h>
#include <signal.h>
#include <stdarg.h>

#include "test_perf.h"
#include "test_run.h"
#include "test_select.h"
#include "util.h"

/* The options' defaults are in their table (test_opts.c). */
struct perf_env env = {
	.cpu = -1,		/* no --cpu: the last CPU (main.c) */
};

/* ---- per-test state and output ---- */

static struct test_result *cur;
static struct test_result *results;
static int nr_results;
static volatile sig_atomic_t stop_signal;
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

const char *test_run_state_str(enum test_state s)
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
	       s->name, test_run_state_str(s->state), s->reason ? " " : "",
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
	s = realloc(cur->subs, (cur->nr_subs + 1) * sizeof(*s));
	if (!s) {
		fprintf(stderr, "%s: out of memory, subtest %s not run\n",
			cur->def->name, name);
		return false;
	}
	cur->subs = s;
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

void test_run_one(const struct prog_test_def *def, int num, int ktap_idx)
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
		printf("#%d %s:%s%s%s\n", num, def->name, test_run_state_str(r->state),
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


int test_run_init(int planned)
{
	results = calloc(planned, sizeof(*results));
	return results ? 0 : -ENOMEM;
}

int test_run_count(void)
{
	return nr_results;
}

const struct test_result *test_run_result(int i)
{
	return &results[i];
}

void test_run_stop(int sig)
{
	stop_signal = sig;
}

int test_run_stop_signal(void)
{
	return stop_signal;
}

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

void test_run_set_exe_dir(const char *argv0)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);

	if (n > 0)
		path[n] = '\0';
	else
		snprintf(path, sizeof(path), "%s", argv0);
	snprintf(exe_dir, sizeof(exe_dir), "%s", dirname(path));
}
