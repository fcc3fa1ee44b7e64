// SPDX-License-Identifier: GPL-2.0
/*
 * hostile_files: what test_perf leaves of, or takes from, the files,
 * directories and processes around it when someone else has a hand in
 * them. Each subtest sets up the harm a review found possible and checks
 * that it did not happen: nothing written or run through a directory
 * swapped after its check, no file of another taken through a symlink,
 * nothing of a command left running, nothing left attached or switched
 * on. A race (a swap between a check and a use) cannot be provoked in
 * reasonable time: such a subtest checks the mechanism instead, by
 * swapping before the use.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <limits.h>
#include <math.h>
#include <signal.h>
#include <sys/stat.h>
#include <net/if.h>
#include <linux/if_link.h>

#include "test_perf.h"
#include "netns.h"
#include "report/plot.h"
#include "testing_helpers.h"
#include "util.h"
#include "xdpnl.h"

#define RUN_MS		60000

static void sub(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* ---- 1: gnuplot in the directory that was checked ---- */

static int render(const char *dir, const char *name)
{
	struct plot pl = { .hline = { NAN, NAN } };
	struct plot_series *s;
	int ret;

	snprintf(pl.name, sizeof(pl.name), "%s", name);
	snprintf(pl.title, sizeof(pl.title), "%s", name);
	s = plot_add_series(&pl, "s");
	ret = !s || plot_add_xy(s, 1, 1, 0.9, 1.1) ||
	      plot_add_xy(s, 2, 2, 1.9, 2.1) ? -ENOMEM : plot_render(&pl, dir);
	plot_free(&pl);
	return ret;
}

/*
 * gnuplot behind a wrapper that records how it was started for a plot:
 * its directory, what its stdin is, its arguments.
 */
static bool put_wrapper(const char *dir, char *path, size_t len)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "#!/bin/sh\n"
		 "case \"$*\" in *outdir=*)\n"
		 "\t{ echo \"cwd $(pwd -P)\"; echo \"stdin $(readlink /proc/self/fd/0)\";\n"
		 "\t  for a in \"$@\"; do echo \"arg $a\"; done; } >>%s/started\n"
		 "esac\n"
		 "exec gnuplot \"$@\"\n", dir);
	sub(path, len, dir, "gnuplot-wrapper");
	return ASSERT_OK(file_put(dir, "gnuplot-wrapper", text), "wrapper") &&
	       ASSERT_OK(chmod(path, 0755), "wrapper executable");
}

static void test_plot_dir(void)
{
	char dir[64], plots[128], moved[128], wrapper[128], want[160], why[256];
	bool ok = false;

	if (!plot_have_gnuplot(why, sizeof(why))) {
		test__skip("%s", why);
		return;
	}
	if (!make_tmp(dir, sizeof(dir)))
		return;
	sub(plots, sizeof(plots), dir, "plots");
	sub(moved, sizeof(moved), dir, "moved");
	if (!ASSERT_OK(mkdir(plots, 0755), "plots directory") ||
	    !ASSERT_OK(render(plots, "first"), "first plot") ||
	    !ASSERT_TRUE(file_exists(plots, "first.png"), "first.png"))
		goto out;
	/*
	 * Who owns a directory on the way renames the checked one away and
	 * puts another (one that would pass the check) in its place, with a
	 * script of theirs: the run keeps plotting into the one it checked.
	 */
	if (!ASSERT_OK(rename(plots, moved), "swap: the checked one away") ||
	    !ASSERT_OK(mkdir(plots, 0755), "swap: another in its place") ||
	    !ASSERT_OK(file_put(plots, "second.gp", "system('touch ../pwned')\n"),
		       "their script"))
		goto out;
	ok = ASSERT_OK(render(plots, "second"), "second plot") &&
	     ASSERT_TRUE(file_exists(moved, "second.png"),
			 "plotted into the directory checked") &&
	     ASSERT_FALSE(file_exists(plots, "second.png"), "nothing in theirs") &&
	     ASSERT_FALSE(file_exists(plots, "gnuplot.log"), "no log in theirs") &&
	     ASSERT_FALSE(file_exists(dir, "pwned"), "their script never ran");
	/* how gnuplot is started: in the fd's directory, its script open */
	if (!put_wrapper(dir, wrapper, sizeof(wrapper))) {
		ok = false;
		goto out;
	}
	plot_set_gnuplot(wrapper);
	ok &= ASSERT_OK(render(plots, "third"), "third plot (wrapped)");
	plot_set_gnuplot(NULL);
	snprintf(want, sizeof(want), "cwd %s\n", moved);
	ok &= ASSERT_TRUE(file_contains(dir, "started", want),
			  "gnuplot runs in the directory checked");
	snprintf(want, sizeof(want), "stdin %s/third.gp\n", moved);
	ok &= ASSERT_TRUE(file_contains(dir, "started", want),
			  "its stdin is the script, already open") &&
	      ASSERT_FALSE(file_contains(dir, "started", "arg third.gp\n"),
			   "no script named on its command line") &&
	      ASSERT_TRUE(file_contains(dir, "started", "arg /dev/fd/0\n"),
			  "the script read from stdin");
	if (!ok) {
		char path[160], *text;

		sub(path, sizeof(path), dir, "started");
		text = file_read(path, NULL);
		log_output("gnuplot started as", text ?: "", true);
		free(text);
	}
out:
	drop_tmp(dir, ok);
}

void test_hostile_files(void)
{
	if (test__start_subtest("plot_dir"))
		test_plot_dir();
}
