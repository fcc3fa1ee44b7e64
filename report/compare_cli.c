// SPDX-License-Identifier: GPL-2.0
/*
 * The command line of the comparison (compare.h): --compare OLD NEW (a
 * main of its own), --baseline OLD (at the end of a run), --gate,
 * --alpha, --min-effect, and what --vs (ab.c) borrows of them.
 */
#include <errno.h>
#include <libgen.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include "test_perf.h"
#include "compare.h"
#include "results.h"

/* ---- options ---- */

static struct cmp_opts opts;	/* the defaults: in the option table */
static bool gate, compare_mode, hooks_set, effect_set, claimed;
static const char *baseline_path;
static struct dataset baseline;
static int baseline_status;	/* --baseline's exit status */

/* Where --compare writes: --out, else beside NEW. */
static void compare_out_dir(const char *new_path, char *dir, size_t len)
{
	struct stat sb;
	char copy[PATH_MAX];

	if (env.out_dir) {
		snprintf(dir, len, "%s", env.out_dir);
		return;
	}
	if (!stat(new_path, &sb) && S_ISDIR(sb.st_mode)) {
		snprintf(dir, len, "%s", new_path);
		return;
	}
	snprintf(copy, sizeof(copy), "%s", new_path);
	snprintf(dir, len, "%s", dirname(copy));
}

void cmp_cli_claim(void)
{
	claimed = true;
}

const struct cmp_opts *cmp_cli_opts(bool *g, bool *eff)
{
	if (g)
		*g = gate;
	if (eff)
		*eff = effect_set;
	return &opts;
}

static int show_result(const struct cmp_result *res, const char *dir)
{
	return cmp_show(res, dir, gate);
}

int cmp_show(const struct cmp_result *res, const char *dir, bool gate)
{
	char err[512];

	cmp_print(stdout, res, env.verbosity > 0);
	if (dir) {
		if (cmp_write(dir, res, err, sizeof(err))) {
			fprintf(stderr, "compare: %s\n", err);
			return -EIO;
		}
		printf("Compare: %s/compare.md and %s/compare.csv\n", dir, dir);
	}
	if (gate && cmp_gate(res))
		printf("Gate: FAIL, %d points slower by %g%% or more (CI beyond the minimum effect)\n",
		       res->count[CMP_SLOWER], res->opts.min_effect * 100);
	else if (gate)
		printf("Gate: PASS\n");
	return 0;
}

int compare_main(int argc, char **argv)
{
	struct dataset old, new;
	struct cmp_result res;
	char err[1024], dir[PATH_MAX];
	int ret;

	if (argc != 2)
		perf_usage_error("--compare wants two operands: OLD NEW (result directories or data.json files)");
	if (ds_load(argv[0], &old, err, sizeof(err)))
		perf_usage_error("--compare: %s", err);
	if (ds_load(argv[1], &new, err, sizeof(err)))
		perf_usage_error("--compare: %s", err);
	ret = cmp_run(&old, &new, &opts, &res, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "test_perf: compare: %s\n", err);
		ret = 2;
		goto out;
	}
	if (!res.nr_rows) {
		fprintf(stderr, "test_perf: compare: no point of %s matches one of %s: nothing to compare\n",
			new.source, old.source);
		ret = 2;
	} else {
		compare_out_dir(argv[1], dir, sizeof(dir));
		ret = show_result(&res, dir) ? 2 : gate ? cmp_gate(&res) : 0;
	}
	cmp_free(&res);
out:
	ds_free(&old);
	ds_free(&new);
	return ret;
}

/* --baseline: this run's points, as --compare would read them. */
static int load_current(struct dataset *cur, char *err, size_t err_len)
{
	char json[PATH_MAX];

	/* what is on disk when there is a result directory, as --compare */
	if (env.out_dir && results_count()) {
		snprintf(json, sizeof(json), "%s/data.json", env.out_dir);
		if (!access(json, R_OK))
			return ds_load(env.out_dir, cur, err, err_len);
	}
	perf_msg(err, err_len, "out of memory");
	return ds_from_results(cur);
}

const struct cmp_result *cmp_baseline(void)
{
	static struct dataset cur;
	static struct cmp_result res;
	static bool done, valid;
	char err[1024];

	if (!baseline_path || done)
		return valid ? &res : NULL;
	done = true;
	if (load_current(&cur, err, sizeof(err))) {
		fprintf(stderr, "compare: cannot read this run's results: %s\n",
			err);
		baseline_status = 1;
		return NULL;
	}
	if (cmp_run(&baseline, &cur, &opts, &res, err, sizeof(err))) {
		fprintf(stderr, "compare: %s\n", err);
		baseline_status = 1;
		return NULL;
	}
	if (!res.nr_rows) {
		fprintf(stderr, "compare: no point of this run matches %s: nothing compared\n",
			baseline.source);
		baseline_status = gate ? 1 : 0;
		return NULL;
	}
	baseline_status = show_result(&res, env.out_dir) ? 1 :
			  gate ? cmp_gate(&res) : 0;
	valid = true;
	return &res;
}

/* The finish hook of --baseline: the report may have run it already. */
static int baseline_finish(void)
{
	cmp_baseline();
	return baseline_status;
}

/* Checked before any test runs: a 30-minute run must not end in a typo. */
static int compare_start(void)
{
	char err[1024];
	const struct perf_environment *e = results_env();

	if (compare_mode && baseline_path)
		perf_usage_error("--compare and --baseline exclude each other");
	if (!compare_mode && !baseline_path && !claimed)
		perf_usage_error("--gate, --alpha and --min-effect need --compare, --baseline or --vs");
	if (!baseline_path)
		return 0;
	if (ds_load(baseline_path, &baseline, err, sizeof(err)))
		perf_usage_error("--baseline: %s", err);
	if (e && !!e->emulated != ds_emulated(&baseline))
		perf_usage_error("--baseline: %s was measured on an %s CPU and this machine's is %s: emulated and native timings cannot be compared",
				 baseline.source,
				 ds_emulated(&baseline) ? "emulated" : "native",
				 e->emulated ? "emulated" : "native");
	perf_at_finish(baseline_finish);
	return 0;
}

static void set_hooks(void)
{
	if (hooks_set)
		return;
	hooks_set = true;
	perf_at_start(compare_start);
}

static int parse_alpha(const struct perf_option *o, const char *arg)
{
	if (cmp_parse_alpha(arg, &opts.alpha))
		perf_usage_error("--alpha wants a significance level in (0, 1), e.g. 0.05, not '%s'",
				 arg);
	return 0;
}

static int parse_min_effect(const struct perf_option *o, const char *arg)
{
	if (cmp_parse_effect(arg, &opts.min_effect))
		perf_usage_error("--min-effect wants a relative change like 5%% or 0.05 (0 to <100%%), not '%s'",
				 arg);
	return 0;
}

PERF_OPTION(compare, .name = "compare", .group = PERF_GRP_COMPARISON,
	    .type = PERF_OPT_FLAG, .dest = &compare_mode, .on_given = set_hooks,
	    .help = "compare two results: --compare OLD NEW (directories or data.json); runs no test");
PERF_OPTION(baseline, .name = "baseline", .arg = "OLD",
	    .group = PERF_GRP_COMPARISON, .type = PERF_OPT_STRING,
	    .dest = &baseline_path, .on_given = set_hooks,
	    .help = "compare this run with OLD (a result directory or data.json)");
PERF_OPTION(gate, .name = "gate", .group = PERF_GRP_COMPARISON,
	    .type = PERF_OPT_FLAG, .dest = &gate, .on_given = set_hooks,
	    .help = "exit 1 when a point is slower: its CI beyond --min-effect");
PERF_OPTION(alpha, .name = "alpha", .arg = "P",
	    .group = PERF_GRP_COMPARISON, .type = PERF_OPT_CUSTOM,
	    .parse = parse_alpha, .def = "0.05", .on_given = set_hooks,
	    .help = "1 - confidence of the comparison's CIs, and its false discovery rate, in (0, 1)");
PERF_OPTION(min_effect, .name = "min-effect", .arg = "X",
	    .group = PERF_GRP_COMPARISON, .type = PERF_OPT_CUSTOM,
	    .parse = parse_min_effect, .def = "5%", .given = &effect_set,
	    .on_given = set_hooks,
	    .help = "smallest relative change judged, as 5% or 0.05, below 100%; --vs has its own default");
