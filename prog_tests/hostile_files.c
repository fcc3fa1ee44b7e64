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
#include "bpf_stats.h"
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

/* ---- 8: nothing of a command outlives it ---- */

/* how long a background job is given to show itself (it starts at once) */
#define BG_WAIT_MS	5000


/* The pid a job wrote to dir/name, once it is there; 0 if never. */
static int job_pid(const char *dir, const char *name)
{
	char path[160], *text;
	int pid = 0;

	sub(path, sizeof(path), dir, name);
	for (int ms = 0; ms < BG_WAIT_MS && !pid; ms += 10) {
		text = file_read(path, NULL);
		pid = text && strchr(text, '\n') ? atoi(text) : 0;
		free(text);
		if (!pid)
			usleep(10000);
	}
	return pid;
}

/* The job is gone; killed here if not, so that the test leaves none. */
static bool job_gone(int pid, const char *what)
{
	if (!ASSERT_GT(pid, 0, "the job started"))
		return false;
	if (ASSERT_FALSE(pid_alive(pid), what))
		return true;
	kill(pid, SIGKILL);
	return false;
}

static bool bg_started(pid_t pid, const char *out, void *ctx)
{
	return file_exists(ctx, "bg3.pid");
}

static void test_setup_group(void)
{
	char dir[64], cmd[512], obj[PATH_MAX], cap[256];
	const char *argv[] = { "sh", "-c", cmd, NULL };
	struct run_opts o = { .out = cap, .out_len = sizeof(cap),
			      .timeout_ms = 300 };
	struct self_opts twice = {
		.timeout_ms = RUN_MS, .signal = SIGINT, .signal_times = 2,
		.signal_when = bg_started,
	};
	struct self_run run = {};
	bool ok = false;

	if (!make_tmp(dir, sizeof(dir)))
		return;
	/* the job holds the output pipe: the timeout */
	snprintf(cmd, sizeof(cmd), "sleep 1000 & echo $! >%s/bg1.pid; wait", dir);
	ok = ASSERT_EQ(run_cmd(argv, &o), -ETIMEDOUT, "timed out") &&
	     job_gone(job_pid(dir, "bg1.pid"), "its job killed at the timeout");
	/* the job lets go of the pipe: the command ends at once */
	snprintf(cmd, sizeof(cmd),
		 "sleep 1000 >/dev/null 2>&1 & echo $! >%s/bg2.pid", dir);
	ok &= ASSERT_EQ(run_cmd(argv, &o), 0, "ended") &&
	      job_gone(job_pid(dir, "bg2.pid"), "its job killed at its end");
	/* the second ^C: test_perf's kill path ends its --setup's job */
	if (!test__need_bpf())
		goto out;
	if (test__path(obj, sizeof(obj), "bpf/user_obj.bpf.o")) {
		test__info("no bpf/user_obj.bpf.o: the kill path left out");
		goto out;
	}
	twice.ctx = dir;
	snprintf(cmd, sizeof(cmd), "sleep 1000 & echo $! >%s/bg3.pid; wait", dir);
	ok &= ASSERT_EQ(run_self(&run, &twice, "--obj", obj, "--setup", cmd,
				 "--reps", "2", "--target-ms", "1"),
			128 + SIGINT, "test_perf ended by the second SIGINT") &&
	      job_gone(job_pid(dir, "bg3.pid"),
		       "the --setup's job killed on the kill path");
	if (!ok)
		log_output("stderr", run.err, true);
out:
	self_run_free(&run);
	drop_tmp(dir, ok);
}

/* ---- 10: a detach that failed is retried ---- */

/*
 * The detach is made to fail from another namespace than the program's
 * (its ifindex names a device without it there); the record must stay
 * for a detach in the right one. Two namespaces of our own: nothing on
 * the host.
 */
static void test_xdpnl_retry(void)
{
	int ns_a = -1, ns_b = -1, saved = -1, prog = -1, lo;

	if (!test__need_bpf())
		return;
	prog = load_xdp_pass();
	ns_a = netns_create_anon();
	ns_b = netns_create_anon();
	if (!ASSERT_OK_FD(prog, "XDP_PASS program") ||
	    !ASSERT_OK_FD(ns_a, "namespace A") || !ASSERT_OK_FD(ns_b, "namespace B") ||
	    !ASSERT_OK(netns_enter_fd(ns_a, &saved), "enter A"))
		goto out;
	lo = if_nametoindex("lo");
	if (!ASSERT_OK(xdpnl_attach(lo, prog, XDP_FLAGS_SKB_MODE),
		       "attach to lo of A"))
		goto leave;
	netns_leave(saved);
	if (!ASSERT_OK(netns_enter_fd(ns_b, &saved), "enter B"))
		goto out;
	ASSERT_ERR(xdpnl_detach(lo, XDP_FLAGS_SKB_MODE), "detach from B fails");
	netns_leave(saved);
	if (!ASSERT_OK(netns_enter_fd(ns_a, &saved), "back in A"))
		goto out;
	ASSERT_EQ(xdp_skb_prog_id(lo), prog_id_of(prog), "still attached in A");
	ASSERT_OK(xdpnl_detach(lo, XDP_FLAGS_SKB_MODE),
		  "the record kept: the retry detaches");
	ASSERT_EQ(xdp_skb_prog_id(lo), 0, "detached");
leave:
	netns_leave(saved);
out:
	if (prog >= 0)
		close(prog);
	if (ns_a >= 0)
		close(ns_a);
	if (ns_b >= 0)
		close(ns_b);
}

/* ---- 13: the bpf_stats_enabled fallback puts back what it found ---- */

static int sysctl_set(int v)
{
	char c[2] = { '0' + v, '\n' };
	int fd = open(BPF_STATS_SYSCTL, O_WRONLY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -errno;
	ret = write(fd, c, sizeof(c)) == sizeof(c) ? 0 : -EIO;
	close(fd);
	return ret;
}

/* In a child: on, then a second signal (the kill path). */
static int on_then_killed(void *ctx)
{
	if (bpf_stats_sysctl_on())
		return 1;
	raise(SIGTERM);
	raise(SIGTERM);
	return 2;
}

/* In a child: on, then exit() without switching it off. */
static int on_then_exit(void *ctx)
{
	if (bpf_stats_sysctl_on())
		return 1;
	exit(0);
}

static void test_bpf_stats(void)
{
	int before = bpf_stats_sysctl_read();

	if (before < 0 || sysctl_set(before)) {
		test__skip("no writable %s", BPF_STATS_SYSCTL);
		return;
	}
	/* it was on: it stays on */
	if (ASSERT_OK(sysctl_set(1), "set to 1") &&
	    ASSERT_OK(bpf_stats_sysctl_on(), "on")) {
		bpf_stats_sysctl_off();
		ASSERT_EQ(bpf_stats_sysctl_read(), 1, "still 1 after off");
	}
	/* it was off: off again after off, exit and the kill path */
	if (ASSERT_OK(sysctl_set(0), "set to 0") &&
	    ASSERT_OK(bpf_stats_sysctl_on(), "on")) {
		ASSERT_EQ(bpf_stats_sysctl_read(), 1, "on: 1");
		bpf_stats_sysctl_off();
		ASSERT_EQ(bpf_stats_sysctl_read(), 0, "0 after off");
	}
	ASSERT_EQ(run_in_child(on_then_exit, NULL, RUN_MS), 0, "child exits");
	ASSERT_EQ(bpf_stats_sysctl_read(), 0, "0 after exit");
	ASSERT_EQ(run_in_child(on_then_killed, NULL, RUN_MS), 128 + SIGTERM,
		  "child killed by the second SIGTERM");
	ASSERT_EQ(bpf_stats_sysctl_read(), 0, "0 after the kill path");
	sysctl_set(before);
}

/* ---- 11: vmtest copies back result files only ---- */

/* What a guest could create in the suite directory. */
static bool put_guest_files(const char *guest)
{
	static const struct { const char *name; mode_t mode; } files[] = {
		{ ".git/hooks/pre-commit", 0755 },
		{ "notes.txt", 0644 },
		{ "build/evil.o", 0644 },
		{ "results/.hidden/x", 0644 },
		{ "results/r1/data.csv", 0644 },
		{ "results/r1/run.sh", 0755 },
	};
	char path[256];

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		if (!ASSERT_OK(SYS_NOFAIL("mkdir -p \"$(dirname %s/%s)\"",
					  guest, files[i].name), "mkdir -p") ||
		    !ASSERT_OK(file_put(guest, files[i].name,
					"#!/bin/sh\necho from the guest\n"),
			       files[i].name))
			return false;
		sub(path, sizeof(path), guest, files[i].name);
		if (!ASSERT_OK(chmod(path, files[i].mode), "mode"))
			return false;
	}
	return true;
}

static void test_vmtest_copy_back(void)
{
	const char *const tools[] = { "bash", "cpio", "base64" };
	char dir[64], guest[128], host[128], vt[128], scripts[PATH_MAX];
	bool ok = false;

	if (test__path(scripts, sizeof(scripts), "scripts/vmtest/qemu.sh")) {
		test__skip("no scripts/vmtest/ beside test_perf");
		return;
	}
	*strrchr(scripts, '/') = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(tools); i++)
		if (SYS_NOFAIL("command -v %s >/dev/null", tools[i])) {
			test__skip("%s not installed (scripts/install-deps.sh --vmtest)",
				   tools[i]);
			return;
		}
	if (!make_tmp(dir, sizeof(dir)))
		return;
	sub(guest, sizeof(guest), dir, "guest");
	sub(host, sizeof(host), dir, "host");
	sub(vt, sizeof(vt), dir, "vt");
	if (!put_guest_files(guest))
		goto out;
	/* the archive as the guest's /init sends it, taking everything */
	SYS(out, "mkdir %s %s", host, vt);
	SYS(out, "cd %s && find . -type f | cpio -o -H newc 2>/dev/null | base64 >%s/ttyS1",
	    guest, vt);
	SYS(out, "bash -c '. %s/common.sh && . %s/qemu.sh && VMTEST_TMP=%s VMTEST_OUTPUT=%s VM_FINISHED=1 && copy_back' 2>/dev/null",
	    scripts, scripts, vt, host);
	ok = ASSERT_FALSE(file_exists(host, ".git"), "nothing into .git/") &&
	     ASSERT_FALSE(file_exists(host, "notes.txt"), "nothing beside results/") &&
	     ASSERT_FALSE(file_exists(host, "build"), "nothing into build/") &&
	     ASSERT_FALSE(file_exists(host, "results/.hidden"), "no hidden names") &&
	     ASSERT_TRUE(file_exists(host, "results/r1/data.csv"), "results copied") &&
	     ASSERT_OK(SYS_NOFAIL("test -z \"$(find %s -type f -perm /111)\"", host),
		       "no file copied back is executable");
out:
	drop_tmp(dir, ok);
}

/* ---- 2: --report-from SRC --out DIR takes checked files only ---- */

#define SECRET		"hostile-files-secret-7f3a"

static const struct self_opts quick = { .timeout_ms = RUN_MS };


#define POINT(n, v) "{\"test\": \"t\", \"subtest\": \"s\", \"property\": \"p\", \"n\": " #n ", \"variant\": \"\", \"op\": \"\", \"frame_size\": 64, \"mode\": \"test_run\", \"metric\": \"ns_per_pkt\", \"unit\": \"ns\", \"reps\": 5, \"mean\": " #v ", \"median\": " #v ", \"stddev\": 1, \"ci95_low\": " #v ", \"ci95_high\": " #v ", \"min\": " #v ", \"max\": " #v "}"
#define DATA_JSON "{\"format\": \"xdp-perf-data/1\", \"points\": [" \
	POINT(1, 10) ", " POINT(2, 12) ", " POINT(3, 14) "]}\n"
#define COST_CSV "test,subtest,property,variant,op,frame_size,mode,unit,points,n_min,n_max,a,b,b_ci95_low,b_ci95_high,a_ci95_low,a_ci95_high,se_b,r2,weighted,chi2,lof_p,marg_b,marg_ci95_low,marg_ci95_high,marg_n_lo,marg_n_hi\n" \
	"t,s,p,,,64,test_run,instruction,3,1,3,8,2,1.9,2.1,7.9,8.1,0.05,0.99,1,0.5,0.7,2,1.9,2.1,2,3\n"

/* Nothing under dst holds the secret. */
static bool not_disclosed(const char *dst)
{
	return ASSERT_NEQ(SYS_NOFAIL("grep -rqF %s %s", SECRET, dst), 0,
			  "the 0600 file's content not in --out");
}

static void test_report_from(void)
{
	char dir[64], src[128], dst[128], p[160], q[160];
	struct self_run run = {};
	bool ok = false;

	if (!make_tmp(dir, sizeof(dir)))
		return;
	sub(src, sizeof(src), dir, "src");
	sub(p, sizeof(p), dir, "secret");
	if (!ASSERT_OK(mkdir(src, 0755), "SRC") ||
	    !ASSERT_OK(file_put(src, "data.json", DATA_JSON), "data.json") ||
	    !ASSERT_OK(file_put(dir, "secret", SECRET "\n"), "a secret") ||
	    !ASSERT_OK(chmod(p, 0600), "mode 0600"))
		goto out;
	/* a symlink to it under a name the report copies */
	sub(q, sizeof(q), src, "cost-model.csv");
	if (!ASSERT_OK(symlink("../secret", q), "cost-model.csv -> ../secret"))
		goto out;
	sub(dst, sizeof(dst), dir, "dst1");
	run_self(&run, &quick, "--report-from", src, "--out", dst);
	ok = self_refused(&run, "cost-model.csv is a symbolic link", "symlink") &&
	     not_disclosed(dst);
	/* the same file linked hard: a regular file, but no cost model */
	unlink(q);
	if (!ASSERT_OK(link(p, q), "cost-model.csv, a hard link"))
		goto out;
	sub(dst, sizeof(dst), dir, "dst2");
	run_self(&run, &quick, "--report-from", src, "--out", dst);
	ok &= self_refused(&run, "not a cost model of the suite", "hard link") &&
	      not_disclosed(dst);
	/* a FIFO is refused without being opened (it would block) */
	unlink(q);
	sub(q, sizeof(q), src, "journal.jsonl");
	if (!ASSERT_OK(mkfifo(q, 0644), "journal.jsonl, a FIFO"))
		goto out;
	sub(dst, sizeof(dst), dir, "dst3");
	run_self(&run, &quick, "--report-from", src, "--out", dst);
	ok &= self_refused(&run, "journal.jsonl is not a regular file", "FIFO");
	/* and what was checked goes: the files as they were */
	unlink(q);
	if (!ASSERT_OK(file_put(src, "cost-model.csv", COST_CSV), "cost model"))
		goto out;
	sub(dst, sizeof(dst), dir, "dst4");
	ok &= ASSERT_EQ(run_self(&run, &quick, "--report-from", src, "--out", dst),
			0, "--report-from a clean SRC") &&
	      ASSERT_TRUE(file_contains(dst, "cost-model.csv", COST_CSV),
			  "cost-model.csv copied") &&
	      ASSERT_TRUE(file_contains(dst, "data.json", POINT(3, 14)),
			  "data.json copied") &&
	      ASSERT_TRUE(file_contains(dst, "report.md", "Cost model"),
			  "report written");
	if (run.status)
		log_output("stderr", run.err, true);
out:
	self_run_free(&run);
	drop_tmp(dir, ok);
}

void test_hostile_files(void)
{
	if (test__start_subtest("plot_dir"))
		test_plot_dir();
	if (test__start_subtest("setup_group"))
		test_setup_group();
	if (test__start_subtest("xdpnl_retry"))
		test_xdpnl_retry();
	if (test__start_subtest("bpf_stats"))
		test_bpf_stats();
	if (test__start_subtest("vmtest_copy_back"))
		test_vmtest_copy_back();
	if (test__start_subtest("report_from"))
		test_report_from();
}
