// SPDX-License-Identifier: GPL-2.0
/*
 * test_perf: the xdp-perf test runner.
 *
 * Selection, output and exit codes follow the kernel's test_progs so that
 * whoever knows one knows the other; --ktap gives KTAP version 1 for
 * kselftest. Measurement options set the profile every test reads from env.
 */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdarg.h>

#include "test_perf.h"
#include "json.h"
#include "netns.h"
#include "nsim.h"
#include "outdir.h"
#include "report/compare.h"
#include "report/report.h"
#include "results.h"
#include "signals.h"
#include "test_opts.h"
#include "test_run.h"
#include "test_select.h"
#include "obj/user_obj.h"
#include "util.h"
#include "xdpnl.h"

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

#define DEFINE_TEST(tname) { .name = #tname, .run = test_##tname },
static const struct prog_test_def test_defs[] = {
#include "tests.h"
};
#undef DEFINE_TEST

#define NR_TESTS ((int)ARRAY_SIZE(test_defs))

static struct perf_cmdline cmdline;

/*
 * Modes: an option that makes test_perf do something else than run the
 * tests, with the operands that follow the options. At most one per run.
 */
struct run_mode {
	const char *option;		/* its option, without "--" */
	int (*main)(int argc, char **argv);
};

static const struct run_mode run_modes[] = {
	{ "compare", compare_main },
	{ "report-from", report_from_main },
	{ "vs", vs_main },
};

static const struct run_mode *mode;

/* The mode the command line asks for, or NULL: run the tests. */
static const struct run_mode *choose_mode(void)
{
	const struct run_mode *m = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(run_modes); i++) {
		if (!perf_option_given(run_modes[i].option))
			continue;
		if (m)
			perf_usage_error("--%s and --%s exclude each other",
					 m->option, run_modes[i].option);
		m = &run_modes[i];
	}
	if (!m && cmdline.argc)
		perf_usage_error("unexpected argument '%s'", cmdline.argv[0]);
	return m;
}

static int write_json_summary(int pass, int sub_pass, int skip, int fail)
{
	struct outfile of;
	char why[512];
	FILE *f;
	int i, j, err;

	err = outfile_open_path(&of, cmdline.json_path, why, sizeof(why));
	if (err) {
		fprintf(stderr, "test_perf: -J %s: %s\n", cmdline.json_path, why);
		return err;
	}
	f = of.f;
	fprintf(f, "{\"success\": %d, \"success_subtest\": %d, "
		"\"skipped\": %d, \"failed\": %d, \"results\": [", pass,
		sub_pass, skip, fail);
	for (i = 0; i < test_run_count(); i++) {
		const struct test_result *r = test_run_result(i);

		fprintf(f, "%s\n {\"name\": ", i ? "," : "");
		json_write_string(f, r->def->name);
		fprintf(f, ", \"number\": %d, \"result\": \"%s\", "
			"\"failed\": %s, \"message\": ", r->num,
			test_run_state_str(r->state),
			r->state == ST_FAIL ? "true" : "false");
		json_write_string(f, r->reason);
		fprintf(f, ", \"subtests\": [");
		for (j = 0; j < r->nr_subs; j++) {
			const struct subtest_result *s = &r->subs[j];

			fprintf(f, "%s{\"name\": ", j ? ", " : "");
			json_write_string(f, s->name);
			fprintf(f, ", \"number\": %d, \"result\": \"%s\", "
				"\"failed\": %s, \"message\": ", s->num,
				test_run_state_str(s->state),
				s->state == ST_FAIL ? "true" : "false");
			json_write_string(f, s->reason);
			fputc('}', f);
		}
		fprintf(f, "]}");
	}
	fprintf(f, "\n]}\n");
	err = outfile_commit(&of);
	if (err)
		fprintf(stderr, "test_perf: cannot write %s: %s\n",
			cmdline.json_path, strerror(-err));
	return err;
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

/* ---- main ---- */

static void list_tests(void)
{
	for (int i = 0; i < NR_TESTS; i++)
		if (select_test(i + 1, test_defs[i].name))
			printf("%s\n", test_defs[i].name);
}

static int count_selected(void)
{
	int n = 0;

	if (env.obj_path)	/* --obj: its own test, instead of the suite's */
		return 1;
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
	if (test_run_init(planned))
		return KSFT_FAIL;
	if (env.ktap)
		printf("KTAP version 1\n1..%d\n", planned);
	if (env.obj_path)
		test_run_one(&user_obj_test, 1, ++idx);
	for (i = 0; i < NR_TESTS && !env.obj_path; i++) {
		if (!select_test(i + 1, test_defs[i].name))
			continue;
		if (test__stopping())
			break;
		test_run_one(&test_defs[i], i + 1, ++idx);
	}
	for (i = 0; i < test_run_count(); i++) {
		const struct test_result *r = test_run_result(i);

		pass += r->state == ST_OK;
		skip += r->state == ST_SKIP;
		fail += r->state == ST_FAIL;
		for (int j = 0; j < r->nr_subs; j++)
			sub_pass += r->subs[j].state == ST_OK;
	}
	if (finish_run())
		fail++;
	if (cmdline.json_path && write_json_summary(pass, sub_pass, skip, fail))
		fail++;		/* a run whose results are lost did not pass */
	if (env.ktap)
		printf("# Totals: pass:%d fail:%d xfail:0 xpass:0 skip:%d error:0\n",
		       pass, fail, skip);
	else
		printf("Summary: %d/%d PASSED, %d SKIPPED, %d FAILED\n", pass,
		       sub_pass, skip, fail);
	if (test_run_stop_signal()) {
		fprintf(stderr, "test_perf: interrupted, kept %d measured points\n",
			results_count());
		return 128 + test_run_stop_signal();
	}
	if (fail)
		ret = KSFT_FAIL;
	else if (env.ktap && !pass)
		ret = KSFT_SKIP;
	else
		ret = KSFT_PASS;
	return ret;
}

/*
 * Where this run writes, checked before anything is measured (outdir.h):
 * -J's directory, and --out: created when missing; claimed (new or empty,
 * or made by test_perf and --force) with its journal started when tests
 * will measure into it. In a mode: --compare rewrites its files,
 * --report-from claims its --out itself (it may be the directory it reads).
 */
static void prepare_outputs(void)
{
	char why[512];
	int fd, err;

	if (cmdline.json_path) {
		fd = outdir_open_parent(cmdline.json_path, why, sizeof(why));
		if (fd < 0)
			perf_usage_error("-J %s: %s", cmdline.json_path, why);
		close(fd);
	}
	if (!env.out_dir)
		return;
	if (mode) {
		fd = outdir_open(env.out_dir, true, why, sizeof(why));
		if (fd < 0)
			perf_usage_error("--out: %s", why);
		close(fd);
		return;
	}
	err = outdir_claim(env.out_dir, env.force, why, sizeof(why));
	if (err)
		perf_usage_error("--out: %s", why);
	err = results_journal_start(env.out_dir);
	if (err)
		perf_usage_error("--out: cannot start %s/%s: %s", env.out_dir,
				 OUTDIR_JOURNAL, strerror(-err));
}

/*
 * What runs killed hard (SIGKILL, a crash of the kernel's making) left,
 * removed before anything is created: only runs proven dead (runlock.h).
 */
static void remove_stale(void)
{
	int xdp = xdpnl_cleanup_stale(), dev = nsim_cleanup_stale();
	int ns = netns_cleanup_stale();

	if (xdp > 0 || dev > 0 || ns > 0)
		test__info("removed what killed runs left: %d XDP attachments, %d netdevsim devices, %d namespaces",
			   xdp > 0 ? xdp : 0, dev > 0 ? dev : 0, ns > 0 ? ns : 0);
}

int main(int argc, char **argv)
{
	int ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	test_run_set_exe_dir(argv[0]);
	perf_parse_args(argc, argv, &cmdline);
	mode = choose_mode();
	if (cmdline.list_only) {
		list_tests();
		return 0;
	}
	signals_install();
	libbpf_set_print(libbpf_print);
	probe_bpf();
	results_probe_env(NULL);
	if (env.can_bpf) {
		pin_cpu();
		remove_stale();
	}
	if (perf_run_start_hooks())
		return KSFT_FAIL;
	prepare_outputs();
	if (mode)
		return mode->main(cmdline.argc, cmdline.argv);
	ret = user_obj_prepare();
	if (ret)
		return ret;
	return run_selected();
}
