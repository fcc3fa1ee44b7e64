// SPDX-License-Identifier: GPL-2.0
/*
 * safe_output: what --force, --force-dev and repeated host-interface
 * options may do. --force replaces an output directory's files only when
 * test_perf made it (its marker, outdir.h) and never a journal.jsonl;
 * --force-dev, not --force, overrides the host-interface check; and that
 * check covers the interfaces the run will use, the last value of each
 * option, however often it is given.
 */
#define _GNU_SOURCE
#include <limits.h>
#include <sys/stat.h>

#include "test_perf.h"
#include "netns.h"
#include "outdir.h"
#include "testing_helpers.h"
#include "util.h"

#define RUN_TIMEOUT_MS	60000

static const struct self_opts quick = { .timeout_ms = RUN_TIMEOUT_MS };

/* What a user keeps in a directory, with the names the suite writes. */
static const char *const user_files[][2] = {
	{ "data.csv", "their data\n" },
	{ "report.md", "their report\n" },
	{ "plots/their.png", "their plot\n" },
	{ OUTDIR_JOURNAL, "{\"their\": \"points\"}\n" },
	{ "notes.txt", "their notes\n" },
};

static bool put_user_files(const char *dir, size_t nr)
{
	char plots[PATH_MAX];
	bool ok = true;

	snprintf(plots, sizeof(plots), "%s/plots", dir);
	mkdir(plots, 0755);
	for (size_t i = 0; i < nr; i++)
		ok &= ASSERT_OK(file_put(dir, user_files[i][0],
					 user_files[i][1]), user_files[i][0]);
	return ok;
}

static bool user_files_kept(const char *dir, size_t nr)
{
	bool ok = true;

	for (size_t i = 0; i < nr; i++)
		ok &= ASSERT_TRUE(file_contains(dir, user_files[i][0],
						user_files[i][1]),
				  user_files[i][0]);
	return ok;
}

/* --force is for directories, --force-dev for host interfaces. */
static void test_force_split(void)
{
	struct self_run run = {};

	run_self(&run, &quick, "--offload-dev", "lo", "--force", "-l");
	if (self_refused(&run, "lo is in use", "--offload-dev lo --force"))
		ASSERT_OK_PTR(strstr(run.err, "--force-dev"),
			      "the refusal names --force-dev");
	run_self(&run, &quick, "--offload-dev", "lo", "--force-dev", "-l");
	if (!ASSERT_EQ(run.status, 0, "--offload-dev lo --force-dev"))
		log_output("stderr", run.err, true);
	self_run_free(&run);
}

/* A directory test_perf did not make: refused, --force or not, untouched. */
static void test_foreign_dir(void)
{
	struct self_run run = {};
	char dir[64];
	bool ok;

	if (!make_tmp(dir, sizeof(dir)))
		return;
	ok = put_user_files(dir, ARRAY_SIZE(user_files));
	run_self(&run, &quick, "-t", "packets", "--out", dir, "--force");
	ok &= self_refused(&run, "test_perf did not make it", "--out theirs --force") &&
	      ASSERT_FALSE(strstr(run.err, "--force"), "no hint to use --force");
	run_self(&run, &quick, "-t", "packets", "--out", dir);
	ok &= self_refused(&run, "test_perf did not make it", "--out theirs") &&
	      ASSERT_FALSE(strstr(run.err, "--force"), "no hint to use --force");
	ok &= user_files_kept(dir, ARRAY_SIZE(user_files)) &&
	      ASSERT_FALSE(file_exists(dir, OUTDIR_MARKER), "not marked");
	self_run_free(&run);
	drop_tmp(dir, ok);
}

/* One the suite made: --force replaces its files, never a journal. */
static void test_suite_dir(void)
{
	char dir[64], out[PATH_MAX], why[512];
	struct self_run run = {};
	bool ok;

	if (!make_tmp(dir, sizeof(dir)))
		return;
	snprintf(out, sizeof(out), "%s/run", dir);
	ok = ASSERT_OK(outdir_claim(out, false, why, sizeof(why)), "a new --out") &&
	     ASSERT_TRUE(file_exists(out, OUTDIR_MARKER), "marked") &&
	     ASSERT_OK(outdir_claim(out, false, why, sizeof(why)),
		       "only the marker in it: empty");
	/* the earlier run's files (all but the journal), and the user's */
	ok &= put_user_files(out, ARRAY_SIZE(user_files) - 2) &&
	      ASSERT_OK(file_put(out, "notes.txt", "their notes\n"), "notes");
	ok &= ASSERT_EQ(outdir_claim(out, false, why, sizeof(why)), -ENOTEMPTY,
			"without --force");
	ok &= ASSERT_OK(outdir_claim(out, true, why, sizeof(why)), "--force") &&
	      ASSERT_FALSE(file_exists(out, "data.csv"), "data.csv replaced") &&
	      ASSERT_FALSE(file_exists(out, "plots"), "plots/ replaced") &&
	      ASSERT_TRUE(file_contains(out, "notes.txt", "their notes"),
			  "another file kept") &&
	      ASSERT_TRUE(file_exists(out, OUTDIR_MARKER), "still marked");
	/* a killed run's journal: its only copy of the points */
	ok &= put_user_files(out, ARRAY_SIZE(user_files));
	run_self(&run, &quick, "-t", "packets", "--out", out, "--force");
	ok &= self_refused(&run, OUTDIR_JOURNAL ", the points of a run",
		      "--force with a journal") &&
	      user_files_kept(out, ARRAY_SIZE(user_files));
	self_run_free(&run);
	drop_tmp(dir, ok);
}

/* Refused with --force, and data.csv kept: the marker did not count. */
static bool marker_refused(const char *out, const char *what)
{
	char why[512];

	return ASSERT_OK(file_put(out, "data.csv", "their data\n"), "data.csv") &&
	       ASSERT_EQ(outdir_claim(out, true, why, sizeof(why)), -ENOTEMPTY,
			 what) &&
	       ASSERT_TRUE(file_contains(out, "data.csv", "their data"),
			   "data.csv kept");
}

/* A marker that is a link, says something else or is another's: none. */
static void test_false_marker(void)
{
	char dir[64], out[128], marker[PATH_MAX], copy[PATH_MAX];
	char why[512], *text = NULL;
	bool ok;

	if (!make_tmp(dir, sizeof(dir)))
		return;
	snprintf(out, sizeof(out), "%s/run", dir);
	snprintf(marker, sizeof(marker), "%s/%s", out, OUTDIR_MARKER);
	snprintf(copy, sizeof(copy), "%s/copy", dir);
	ok = ASSERT_OK(outdir_claim(out, false, why, sizeof(why)), "a new --out");
	text = file_read(marker, NULL);
	ok &= ASSERT_OK_PTR(text, "the marker") &&
	      ASSERT_OK(file_put(dir, "copy", text), "a copy of it") &&
	      ASSERT_OK(unlink(marker), "unlink") &&
	      ASSERT_OK(symlink(copy, marker), "the marker a symlink") &&
	      marker_refused(out, "a symlink marker");
	ok &= ASSERT_OK(unlink(marker), "unlink") &&
	      ASSERT_OK(file_put(out, OUTDIR_MARKER, "something else\n"),
			"a marker that says something else") &&
	      marker_refused(out, "another text");
	if (text && !geteuid())
		ok &= ASSERT_OK(file_put(out, OUTDIR_MARKER, text), "rewrite") &&
		      ASSERT_OK(chown(marker, NOBODY_ID, NOBODY_ID), "chown") &&
		      marker_refused(out, "a marker of another user");
	free(text);
	drop_tmp(dir, ok);
}

/* The host-interface check covers the last value of each option. */
static void test_dut_dev_last(void)
{
	struct self_run run = {};
	int ns, saved;

	if (geteuid()) {
		test__skip("needs root (a network namespace of its own)");
		return;
	}
	ns = netns_create_anon();
	if (!ASSERT_OK_FD(ns, "namespace of our own") ||
	    !ASSERT_OK(netns_enter_fd(ns, &saved), "enter it"))
		goto out;
	/* veths in our own namespace, xsd with the default route */
	SYS(leave, "ip link add xsa type veth peer name xsa2");
	SYS(leave, "ip link add xsb type veth peer name xsb2");
	SYS(leave, "ip link add xsd type veth peer name xsd2");
	SYS(leave, "ip link set xsd up");
	SYS(leave, "ip route add default dev xsd");
	run_self(&run, &quick, "--dut-dev", "xsa,xsb", "--dut-dev", "xsb,xsa",
		 "--dut-dev", "xsd,xsa", "-l");
	self_refused(&run, "--dut-dev: xsd is in use (the default route",
		"the last of three --dut-dev");
	run_self(&run, &quick, "--dut-dev", "xsa,xsb", "--dut-dev", "xsd,lo",
		 "-l");
	self_refused(&run, "--dut-dev: xsd is in use", "the last of two --dut-dev");
	run_self(&run, &quick, "--dut-dev", "xsd,xsa", "--dut-dev", "xsa,xsb",
		 "-l");
	if (!ASSERT_EQ(run.status, 0, "xsd given, then replaced"))
		log_output("stderr", run.err, true);
	self_run_free(&run);
leave:
	netns_leave(saved);
out:
	if (ns >= 0)
		close(ns);	/* the namespace and its veths go */
}

void test_safe_output(void)
{
	if (test__start_subtest("force_split"))
		test_force_split();
	if (test__start_subtest("foreign_dir"))
		test_foreign_dir();
	if (test__start_subtest("suite_dir"))
		test_suite_dir();
	if (test__start_subtest("false_marker"))
		test_false_marker();
	if (test__start_subtest("dut_dev_last"))
		test_dut_dev_last();
}
