// SPDX-License-Identifier: GPL-2.0
/*
 * hostile_data: data files crafted to make the readers (--compare,
 * --baseline, --report-from) crash, take unbounded memory or time, or
 * write escape sequences to a terminal, and a run killed half way
 * through a round-based test. Each subtest checks what must hold instead:
 * one line on stderr and exit 2, no signal, nothing sent raw, and the
 * killed run's finished rounds kept and rendered.
 *
 * Inputs are just above each limit, never far beyond: the sanitizer build
 * runs them too.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "test_perf.h"
#include "json.h"
#include "report/dataset.h"
#include "report/report_fig.h"
#include "results.h"
#include "signals.h"
#include "stats.h"
#include "testing_helpers.h"
#include "util.h"

static const struct self_opts reader = { .timeout_ms = 120000 };

/* ---- helpers ---- */

/* One line on stderr, nothing a terminal would act on, exit 2. */
static bool refused(const struct self_run *run, const char *what)
{
	const char *err = run->err;
	size_t len = strlen(err);
	bool clean = true;

	for (size_t i = 0; i + 1 < len; i++)
		clean &= (unsigned char)err[i] >= 0x20 && err[i] != 0x7f;
	return ASSERT_EQ(run->status, 2, what) &&
	       ASSERT_TRUE(len && err[len - 1] == '\n' && clean,
			   "one line on stderr, no control character");
}

/* A point of data.json with n round values; its key told by variant. */
static void put_point(FILE *f, const char *variant, int n, bool last)
{
	fprintf(f, "{\"test\": \"t\", \"subtest\": \"\", \"property\": \"base\", \"n\": 0, \"variant\": \"%s\", \"op\": \"\", \"frame_size\": 64, \"mode\": \"test_run\", \"metric\": \"ns_per_pkt\", \"unit\": \"ns\", \"reps\": %d, \"mean\": 10, \"median\": 10, \"stddev\": 0.1, \"ci95_low\": 9.9, \"ci95_high\": 10.1, \"min\": 9, \"max\": 11, \"outliers\": 0, \"rounds\": %d, \"loops\": 1, \"within_sd\": null, \"seed\": 1, \"flagged\": 0, \"marks\": \"\", \"round_values\": [",
		variant, n, n < RESULTS_MAX_ROUNDS ? n : RESULTS_MAX_ROUNDS);
	for (int i = 0; i < n; i++)
		fprintf(f, "%s%g", i ? ", " : "", 10 + (i % 7) * 0.01);
	fprintf(f, "]}%s", last ? "" : ", ");
}

/* dir/name: a data.json of one point with n round values, then extra. */
static bool put_data(const char *dir, const char *name, int n,
		     const char *extra)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (!ASSERT_OK_PTR(f, path))
		return false;
	fprintf(f, "{\"format\": \"xdp-perf-data/1\", \"environment\": {\"kernel\": \"k\", \"cpu_model\": \"c\"}, \"points\": [");
	put_point(f, "v", n, true);
	fprintf(f, "]%s}\n", extra ?: "");
	return ASSERT_OK(fclose(f), "written");
}

/* dir/a and dir/b compared, the comparison into dir/cmp (new). */
static int compare(struct self_run *run, const char *dir, const char *a,
		   const char *b)
{
	char old[PATH_MAX], new[PATH_MAX], out[PATH_MAX];

	snprintf(old, sizeof(old), "%s/%s", dir, a);
	snprintf(new, sizeof(new), "%s/%s", dir, b);
	snprintf(out, sizeof(out), "%s/cmp", dir);
	return run_self(run, &reader, "--compare", old, new, "--out", out);
}

/* ---- 3: round values that would size a heap block ---- */

static int hl_shift_huge(void *ctx)
{
	/* 65536 * 65537 wraps an int to 65536 */
	int nx = 65536, ny = 65537;
	double *x = calloc(nx, sizeof(*x)), *y = calloc(ny, sizeof(*y));
	double est, lo, hi;

	if (!x || !y)
		return 3;
	return stats_hl_shift(x, nx, y, ny, 0.95, &est, &lo, &hi) == -E2BIG ?
	       0 : 1;
}

static void test_round_values(void)
{
	struct self_run run = {};
	char dir[64], big[32], csv[PATH_MAX];
	bool ok = false;
	FILE *f;

	ASSERT_EQ(run_in_child(hl_shift_huge, NULL, 60000), 0,
		  "stats_hl_shift(): pairs beyond an int refused, no overflow");
	if (!make_tmp(dir, sizeof(dir)) ||
	    !put_data(dir, "old.json", RESULTS_MAX_ROUNDS, NULL) ||
	    !put_data(dir, "new.json", RESULTS_MAX_ROUNDS + 1, NULL))
		goto out;
	snprintf(big, sizeof(big), "%d round values", RESULTS_MAX_ROUNDS + 1);
	compare(&run, dir, "old.json", "new.json");
	if (!refused(&run, "--compare: a point with too many round values") ||
	    !ASSERT_TRUE(strstr(run.err, big), "the count named"))
		goto out;
	/* the same in data.csv's round_values cell */
	snprintf(csv, sizeof(csv), "%s/new.csv", dir);
	f = fopen(csv, "we");
	if (!ASSERT_OK_PTR(f, "new.csv"))
		goto out;
	fprintf(f, "test,subtest,property,n,variant,op,frame_size,mode,metric,unit,reps,mean,median,stddev,ci95_low,ci95_high,min,max,outliers,rounds,loops,within_sd,seed,flagged,marks,round_values\n");
	fprintf(f, "t,,base,0,v,,64,test_run,ns_per_pkt,ns,3,10,10,0.1,9.9,10.1,9,11,0,3,1,nan,1,0,,");
	for (int i = 0; i <= RESULTS_MAX_ROUNDS; i++)
		fprintf(f, "%s10", i ? " " : "");
	fprintf(f, "\n");
	if (!ASSERT_OK(fclose(f), "new.csv written"))
		goto out;
	compare(&run, dir, "old.json", "new.csv");
	ok = refused(&run, "--compare: a data.csv row with too many round values");
out:
	if (!ok)
		log_output("stderr", run.err, true);
	self_run_free(&run);
	drop_tmp(dir, ok);
}

/* ---- 4: the stack: round values on it, and a crash path that needs one ---- */

static int crash_pipe = -1;

static void crash_path_ran(void)
{
	char c = 'k';

	if (write(crash_pipe, &c, 1) < 0)
		return;
}

/* Frames of 4 KiB until the stack ends; the addition keeps them apart. */
static int overflow(volatile char *prev, int depth)
{
	volatile char frame[4096];

	frame[0] = (char)depth;
	frame[sizeof(frame) - 1] = prev ? prev[0] : 0;
	if (depth == INT_MAX)
		return frame[0];
	return overflow(frame, depth + 1) + frame[sizeof(frame) - 1];
}

static int stack_overflow(void *ctx)
{
	/* the sanitizers' report of the overflow is expected: not shown */
	if (!freopen("/dev/null", "w", stderr))
		return 3;
	signals_at_kill(crash_path_ran);
	return overflow(NULL, 0);
}

static void test_stack(void)
{
	char dir[64], cmp[PATH_MAX], c = 0;
	struct self_run run = {};
	bool ok = false;
	int fds[2], ret;

	/* the crash path of a stack overflow runs on a stack of its own */
	if (!ASSERT_OK(pipe2(fds, O_CLOEXEC), "pipe"))
		return;
	crash_pipe = fds[1];
	ret = run_in_child(stack_overflow, NULL, 60000);
	close(fds[1]);
	ASSERT_TRUE(ret == 128 + SIGSEGV || ret == 128 + SIGABRT,
		    "the overflow ended the child with its signal");
	ASSERT_EQ(read(fds[0], &c, 1), 1, "the kill path ran on the overflow");
	close(fds[0]);
	/* round values at the limit on both sides: compared, on the heap */
	if (!make_tmp(dir, sizeof(dir)) ||
	    !put_data(dir, "old.json", RESULTS_MAX_ROUNDS, NULL) ||
	    !put_data(dir, "new.json", RESULTS_MAX_ROUNDS, NULL))
		goto out;
	compare(&run, dir, "old.json", "new.json");
	snprintf(cmp, sizeof(cmp), "%s/cmp", dir);
	ok = ASSERT_EQ(run.status, 0, "--compare at the limit") &&
	     ASSERT_TRUE(file_contains(cmp, "compare.csv", "mann_whitney"),
			 "ranks of all the round values");
out:
	if (!ok)
		log_output("stderr", run.err, true);
	self_run_free(&run);
	drop_tmp(dir, ok);
}

/* ---- 9: escape sequences in a file's strings ---- */

static void test_escapes(void)
{
	static const char *const extra[] = {
		", \"profile\": {\"\\u001b]0;owned\\u0007\": {\"a\": 1}}",
		", \"profile\": {\"\\u001b[2J\\u009b\": [[1]]}",
	};
	struct self_run run = {};
	bool ok = false;
	char dir[64];

	if (!make_tmp(dir, sizeof(dir)) ||
	    !put_data(dir, "old.json", 3, NULL))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(extra); i++) {
		if (!put_data(dir, "new.json", 3, extra[i]))
			goto out;
		compare(&run, dir, "old.json", "new.json");
		if (!refused(&run, "--compare: a key that is no scalar") ||
		    !ASSERT_FALSE(strchr(run.err, '\033'), "no raw ESC") ||
		    !ASSERT_TRUE(strstr(run.err, "\\e"),
				 "the key shown escaped"))
			goto out;
	}
	ok = true;
out:
	if (!ok)
		log_output("stderr", run.err, true);
	self_run_free(&run);
	drop_tmp(dir, ok);
}

/* ---- 12: memory and time a file can make a reader take ---- */

/* A data.json whose extra array of zeros needs more than JSON_MAX_MEM. */
static bool put_many_values(const char *dir)
{
	/* an array grows by doubling: one element past half the limit */
	size_t n = JSON_MAX_MEM / (2 * sizeof(struct json_value)) + 1;
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/new.json", dir);
	f = fopen(path, "we");
	if (!ASSERT_OK_PTR(f, "new.json"))
		return false;
	fprintf(f, "{\"format\": \"xdp-perf-data/1\", \"environment\": {\"kernel\": \"k\"}, \"points\": [");
	put_point(f, "v", 3, true);
	fprintf(f, "], \"unused\": [0");
	for (size_t i = 1; i < n; i++)
		fputs(",0", f);
	fprintf(f, "]}\n");
	return ASSERT_OK(fclose(f), "new.json written");
}

/*
 * Figures of points that each compare with every other in a quadratic
 * pass: n distinct properties (mark_sweeps()), then one sweep of n frame
 * sizes (prop_frame_size()). Sorted, both take a second; pairwise, hours.
 */
static int figures_of_many(void *ctx)
{
	int n = 400000, ret;
	struct dataset ds = {};
	struct fig_set fs;
	char *names = malloc(n * 12);

	ds.pts = calloc(n, sizeof(*ds.pts));
	if (!names || !ds.pts)
		return 3;
	ds.nr_pts = ds.cap_pts = n;
	for (int i = 0; i < n; i++) {
		struct ds_point *p = &ds.pts[i];

		snprintf(names + 12 * i, 12, "p%d", i);
		p->id.test = p->id.subtest = p->id.variant = p->id.op = "";
		p->id.property = names + 12 * i;
		p->id.mode = "test_run";
		p->id.metric = "ns_per_pkt";
		p->id.unit = "ns";
		p->id.n = i;
	}
	ret = fig_build(&fs, &ds);
	fig_free(&fs);
	for (int i = 0; i < n && !ret; i++) {
		ds.pts[i].id.property = "insns";
		ds.pts[i].id.frame_size = 64 + i % 60000;
	}
	ret = ret ?: fig_build(&fs, &ds);
	/* the child ends here: its memory goes with it */
	return ret ? 1 : 0;
}

static void test_limits(void)
{
	char word[64], dir[64];
	struct self_run run = {};
	bool ok = false;

	/* marks: word by word, a long word is one word */
	memset(word, 'a', 31);
	snprintf(word + 31, sizeof(word) - 31, "drift");
	ASSERT_EQ(results_marks_parse(word), 0, "a long word is no mark");
	ASSERT_EQ(results_marks_parse("\tdrift  bimodal\npartial "),
		  ROUND_MARK_DRIFT | ROUND_MARK_BIMODAL | ROUND_MARK_PARTIAL,
		  "marks between any blanks");
	/* a hang detector, not a timing: sorted it takes seconds */
	ASSERT_EQ(run_in_child(figures_of_many, NULL, 100000), 0,
		  "figures of 400000 points: in n log n");
	if (!make_tmp(dir, sizeof(dir)) ||
	    !put_data(dir, "old.json", 3, NULL) || !put_many_values(dir))
		goto out;
	compare(&run, dir, "old.json", "new.json");
	ok = refused(&run, "--compare: a file beyond the reader's memory") &&
	     ASSERT_TRUE(strstr(run.err, JSON_MAX_MEM_STR), "the limit named");
out:
	if (!ok)
		log_output("stderr", run.err, true);
	self_run_free(&run);
	drop_tmp(dir, ok);
}

/* ---- 7: a round-based test killed half way ---- */

struct kill_ctx {
	char journal[PATH_MAX];
	int rounds;		/* round lines to wait for */
};

static int count_round_lines(const char *path)
{
	char *text = file_read(path, NULL), *p;
	int n = 0;

	for (p = text; p && (p = strstr(p, "\"round\": ")); p++)
		n++;
	free(text);
	return n;
}

static bool enough_rounds(pid_t pid, const char *out, void *ctx)
{
	struct kill_ctx *k = ctx;

	return count_round_lines(k->journal) >= k->rounds;
}

static void test_killed_run(void)
{
	struct kill_ctx k = { .rounds = 8 };
	struct self_opts kill9 = {
		.timeout_ms = 120000, .signal = SIGKILL,
		.signal_when = enough_rounds, .ctx = &k,
	};
	struct self_run run = {};
	char dir[64], out[128];
	bool ok = false;

	if (!test__need_bpf())
		return;
	if (!make_tmp(dir, sizeof(dir)))
		return;
	snprintf(out, sizeof(out), "%s/run", dir);
	snprintf(k.journal, sizeof(k.journal), "%s/journal.jsonl", out);
	/* 40 rounds: seconds of rounds, killed after the first few */
	run_self(&run, &kill9, "-t", "xdp_fwd/perf", "--quick", "--rounds",
		 "40", "--out", out);
	if (!ASSERT_EQ(run.status, 128 + SIGKILL, "killed half way") ||
	    !ASSERT_TRUE(run.signalled, "by the test") ||
	    !ASSERT_GE(count_round_lines(k.journal), k.rounds,
		       "the finished rounds are in the journal") ||
	    !ASSERT_FALSE(file_contains(out, "journal.jsonl", "\"metric\": "),
			  "no point recorded yet"))
		goto out;
	run_self(&run, &reader, "--report-from", out);
	ok = ASSERT_EQ(run.status, 0, "--report-from the killed run") &&
	     ASSERT_TRUE(file_contains(out, "report.md", "base N=0 redirect"),
			 "the point of its rounds rendered") &&
	     ASSERT_TRUE(file_contains(out, "report.md", " of 40 rounds"),
			 "marked partial, with the rounds planned");
out:
	if (!ok)
		log_output("stderr", run.err, true);
	self_run_free(&run);
	drop_tmp(dir, ok);
}

void test_hostile_data(void)
{
	if (test__start_subtest("round_values"))
		test_round_values();
	if (test__start_subtest("stack"))
		test_stack();
	if (test__start_subtest("escapes"))
		test_escapes();
	if (test__start_subtest("limits"))
		test_limits();
	if (test__start_subtest("killed_run"))
		test_killed_run();
}
