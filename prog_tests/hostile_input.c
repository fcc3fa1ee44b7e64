// SPDX-License-Identifier: GPL-2.0
/*
 * hostile_input: what other people's files, directories, signals and
 * interfaces can make test_perf do as root. Each subtest hands test_perf
 * (in process, or as a child) input crafted to do harm and checks that
 * the harm did not happen: no command ran, nothing was written through a
 * symlink or into a directory that is not ours, a bad file was refused
 * with one line and exit 2, and nothing of a run outlived it, whatever
 * signal ended it.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <signal.h>
#include <sys/stat.h>
#include <math.h>
#include <net/if.h>
#include <linux/if_link.h>

#include "test_perf.h"
#include "report/dataset.h"
#include "ifcheck.h"
#include "netns.h"
#include "outdir.h"
#include "report/plot.h"
#include "runlock.h"
#include "testing_helpers.h"
#include "util.h"
#include "xdpnl.h"

#define RUN_TIMEOUT_MS		60000
#define CHILD_TIMEOUT_MS	10000
#define SIGNAL_RUN_TIMEOUT_MS	120000

/* ---- helpers ---- */

static const struct self_opts quick = { .timeout_ms = RUN_TIMEOUT_MS };

/* A data.json of three points (n = 1, 2, 3) per property. */
static void write_data(const char *dir, const char *const *props, int nr)
{
	char path[PATH_MAX];
	FILE *f;

	snprintf(path, sizeof(path), "%s/data.json", dir);
	f = fopen(path, "we");
	if (!f)
		return;
	fprintf(f, "{\"format\": \"xdp-perf-data/1\", \"points\": [\n");
	for (int i = 0; i < nr; i++)
		for (int n = 1; n <= 3; n++)
			fprintf(f, "%s{\"test\": \"t\", \"subtest\": \"s\", \"property\": \"%s\", \"n\": %d, \"variant\": \"\", \"op\": \"\", \"frame_size\": 64, \"mode\": \"test_run\", \"metric\": \"ns_per_pkt\", \"unit\": \"ns\", \"reps\": 5, \"mean\": %d, \"median\": %d, \"stddev\": 1, \"ci95_low\": %d, \"ci95_high\": %d, \"min\": %d, \"max\": %d}\n",
				i || n > 1 ? "," : "", props[i], n, 8 + 2 * n,
				8 + 2 * n, 7 + 2 * n, 9 + 2 * n, 7 + 2 * n,
				9 + 2 * n);
	fprintf(f, "]}\n");
	fclose(f);
}

/* ---- strings that try to become commands or markup ---- */

/* plot.c on its own, with raw line breaks no reader would let through. */
static bool plot_direct(const char *dir)
{
	struct plot pl = { .name = "direct", .hline = { NAN, NAN } };
	struct plot_series *s;
	bool ok;
	int ret;

	snprintf(pl.title, sizeof(pl.title), "t\n!touch %s/bang2\n", dir);
	snprintf(pl.xlabel, sizeof(pl.xlabel), "x'\nsystem('touch %s/sys2')\n'",
		 dir);
	s = plot_add_series(&pl, "l\r!touch bang3\n");
	ret = !s || plot_add_xy(s, 1, 1, 0.9, 1.1) ||
	      plot_add_xy(s, 2, 2, 1.9, 2.1) ? -ENOMEM : plot_render(&pl, dir);
	plot_free(&pl);
	ok = ASSERT_FALSE(file_exists(dir, "bang2"), "no '!' command from a title") &&
	     ASSERT_FALSE(file_exists(dir, "sys2"), "no system() from a label") &&
	     ASSERT_FALSE(file_exists(dir, "bang3"), "no command from a series") &&
	     ASSERT_OK(ret, "plot_render") &&
	     ASSERT_TRUE(file_exists(dir, "direct.png"), "the plot rendered");
	return ok;
}

static void test_injection(void)
{
	char dir[64], props[4][256], why[200];
	const char *p[4] = { props[0], props[1], props[2], props[3] };
	struct self_run run = {};
	bool ok = false, plots;
	int ret;

	if (!make_tmp(dir, sizeof(dir)))
		return;
	/* gnuplot: a line of its own starting with '!', a backquote, system() */
	snprintf(props[0], sizeof(props[0]), "p\\n!touch %s/bang\\n", dir);
	snprintf(props[1], sizeof(props[1]), "q`touch %s/tick`", dir);
	snprintf(props[2], sizeof(props[2]), "r'\\nsystem('touch %s/sys')\\n'",
		 dir);
	/* HTML and Markdown */
	snprintf(props[3], sizeof(props[3]),
		 "<script>alert(1)</script>|**b**[l](javascript:x)&lt;");
	write_data(dir, p, 4);
	plots = plot_have_gnuplot(why, sizeof(why));
	ret = run_self(&run, &quick, "--report-from", dir);
	if (!ASSERT_EQ(ret, 0, "--report-from the crafted file")) {
		log_output("stderr", run.err, true);
		goto out;
	}
	ok = ASSERT_FALSE(file_exists(dir, "bang"), "no '!' command ran") &&
	     ASSERT_FALSE(file_exists(dir, "tick"), "no backquote command ran") &&
	     ASSERT_FALSE(file_exists(dir, "sys"), "no system() ran") &&
	     ASSERT_TRUE(file_contains(dir, "report.md", "p\\\\n!touch"),
			 "report.md shows the line break as \\n") &&
	     ASSERT_TRUE(file_contains(dir, "report.html", "p\\n!touch"),
			 "report.html shows the line break as \\n") &&
	     ASSERT_TRUE(file_contains(dir, "report.html", "&lt;script&gt;alert(1)"),
			 "HTML escaped") &&
	     ASSERT_FALSE(file_contains(dir, "report.html", "<script>"),
			  "no script element") &&
	     ASSERT_TRUE(file_contains(dir, "report.md", "\\<script\\>alert(1)\\</script\\>\\|\\*\\*b\\*\\*\\[l\\](javascript:x)\\&lt;"),
			 "Markdown escaped");
	if (ok && plots)	/* the scripts did run: the checks above mean something */
		ok = ASSERT_TRUE(file_contains(dir, "report.html", "data:image/png"),
				 "gnuplot rendered the plots") && plot_direct(dir);
	else if (!plots)
		test__info("no gnuplot (%s): the scripts were written, not run", why);
out:
	self_run_free(&run);
	drop_tmp(dir, ok);
}

/* ---- readers ---- */

#define POINT_REST "\"test\": \"t\", \"subtest\": \"s\", \"property\": \"p\", \"n\": 1, \"variant\": \"\", \"op\": \"\", \"frame_size\": 64, \"mode\": \"test_run\", \"metric\": \"ns_per_pkt\", \"unit\": \"ns\", \"reps\": 5, \"mean\": 10, \"median\": 10, \"stddev\": 1, \"ci95_low\": 9, \"ci95_high\": 11, \"min\": 9, \"max\": 11"

/* One point whose first member (read before the rest) is field. */
static int parse_point(const char *field, struct dataset *ds, char *err,
		       size_t len)
{
	char text[1024];

	snprintf(text, sizeof(text),
		 "{\"format\": \"xdp-perf-data/1\", \"points\": [{%s%s" POINT_REST "}]}",
		 field, *field ? ", " : "");
	return ds_parse_json(text, strlen(text), ds, err, len);
}

static void json_refusals(void)
{
	static const struct { const char *field, *why; } bad[] = {
		{ "\"test\": \"a\\u001b[31mred\"", "test holds a control character" },
		{ "\"metric\": \"ns\\u0085\"", "metric holds a control character" },
		{ "\"unit\": \"n\\u0000s\"", "NUL in string" },
		{ "\"n\": 1e300", "n is 1e+300" },
		{ "\"n\": 2.5", "n is 2.5" },
		{ "\"frame_size\": -64", "frame_size is -64" },
		{ "\"reps\": 4294967296", "reps is" },
		{ "\"outliers\": -1", "outliers is -1" },
		{ "\"mean\": 1e300", "mean is 1e+300" },
		{ "\"mean\": NaN", "JSON error" },
		{ "\"mean\": 1e999", "bad number" },
		{ "\"mean\": \"x\"\"", "JSON error" },
	};
	char err[256], text[1024];
	struct dataset ds;

	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		err[0] = '\0';
		if (!ASSERT_ERR(parse_point(bad[i].field, &ds, err, sizeof(err)),
				"crafted point refused")) {
			test__log("accepted: %s", bad[i].field);
			ds_free(&ds);
		} else if (!ASSERT_OK_PTR(strstr(err, bad[i].why), "the reason")) {
			test__log("%s: '%s', expected '%s'", bad[i].field, err,
				  bad[i].why);
		}
	}
	/* truncated: every prefix of a good file is refused */
	snprintf(text, sizeof(text),
		 "{\"format\": \"xdp-perf-data/1\", \"points\": [{" POINT_REST "}]}");
	for (size_t len = 1; len < strlen(text); len += 7)
		if (!ASSERT_ERR(ds_parse_json(text, len, &ds, err, sizeof(err)),
				"truncated JSON refused"))
			ds_free(&ds);
}

/* Labels keep their text, with what could do harm made visible. */
static void json_labels(void)
{
	struct dataset ds;
	char err[256];

	if (!ASSERT_OK(parse_point("\"property\": \"a\\nb\\u202ec\\u0007\"", &ds,
				   err, sizeof(err)), "label with controls read"))
		return test__log("%s", err);
	ASSERT_STREQ(ds.pts[0].id.property, "a\\nb\\u202ec\\x07",
		     "shown as escapes");
	ds_free(&ds);
}

static void csv_refusals(const char *dir)
{
	static const char head[] = "test,subtest,property,n,variant,op,frame_size,mode,metric,unit,reps,mean,median,stddev,ci95_low,ci95_high,min,max,outliers\n";
	static const struct { const char *row, *why; } bad[] = {
		{ "t,s,p,1,,,64,test_run,ns_per_pkt,ns,5,10,10,1,9,11,9,11\n", "wrong number of fields" },
		{ "t,s,p\x1b[2J,1,,,64,test_run,ns_per_pkt,ns,5,10,10,1,9,11,9,11,0\n", "control character" },
		{ "t,s,p,nan,,,64,test_run,ns_per_pkt,ns,5,10,10,1,9,11,9,11,0\n", "n is not a number" },
		{ "t,s,p,1,,,64,test_run,ns_per_pkt,ns,5,inf,10,1,9,11,9,11,0\n", "mean is inf" },
		{ "t,s,p,1,,,99999,test_run,ns_per_pkt,ns,5,10,10,1,9,11,9,11,0\n", "frame_size is 99999" },
		{ "t,s,p\"q,1,,,64,test_run,ns_per_pkt,ns,5,10,10,1,9,11,9,11,0\n", "wrong number of fields" },
	};
	char path[PATH_MAX], text[512], err[512];
	struct dataset ds;

	snprintf(path, sizeof(path), "%s/data.csv", dir);
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++) {
		snprintf(text, sizeof(text), "%s%s", head, bad[i].row);
		file_put(dir, "data.csv", text);
		err[0] = '\0';
		if (!ASSERT_ERR(ds_load_csv(path, &ds, err, sizeof(err)),
				"crafted row refused"))
			ds_free(&ds);
		else if (!ASSERT_OK_PTR(strstr(err, bad[i].why), "the reason"))
			test__log("row %zu: '%s', expected '%s'", i, err,
				  bad[i].why);
	}
}

/* A journal cut by a kill reads; one with a broken line does not. */
static void journal_reads(const char *dir)
{
	char path[PATH_MAX], err[512];
	struct dataset ds;

	snprintf(path, sizeof(path), "%s/%s", dir, OUTDIR_JOURNAL);
	file_put(dir, OUTDIR_JOURNAL, "{\"format\": \"xdp-perf-journal/1\"}\n{"
		 POINT_REST "}\n{\"test\": \"t\", \"subt");
	if (ASSERT_OK(ds_load_journal(path, &ds, err, sizeof(err)),
		      "journal cut in its last line")) {
		ASSERT_EQ(ds.nr_pts, 1, "its complete points");
		ds_free(&ds);
	} else {
		test__log("%s", err);
	}
	file_put(dir, OUTDIR_JOURNAL, "{\"format\": \"xdp-perf-journal/1\"}\n{"
		 "\"n\": 1e300, " POINT_REST "}\n");
	if (!ASSERT_ERR(ds_load_journal(path, &ds, err, sizeof(err)),
			"journal with a bad point refused"))
		ds_free(&ds);
}

static void test_readers(void)
{
	struct self_run run = {};
	char dir[64];
	bool ok;

	if (!make_tmp(dir, sizeof(dir)))
		return;
	json_refusals();
	json_labels();
	csv_refusals(dir);
	journal_reads(dir);
	/* what the user sees: one line, exit 2 */
	file_put(dir, "data.json", "{\"format\": \"xdp-perf-data/1\", \"points\": [{\"n\": 1e300, " POINT_REST "}]}");
	run_self(&run, &quick, "--report-from", dir);
	ok = self_refused(&run, "n is 1e+300", "--report-from");
	run_self(&run, &quick, "--compare", dir, dir);
	ok &= self_refused(&run, "n is 1e+300", "--compare");
	run_self(&run, &quick, "--target-ms", "nan", "-l");
	ok &= self_refused(&run, "--target-ms wants", "--target-ms nan");
	self_run_free(&run);
	drop_tmp(dir, ok);
}

/* ---- directories and files that are not ours ---- */

static void sub(char *buf, size_t len, const char *dir, const char *name)
{
	snprintf(buf, len, "%s/%s", dir, name);
}

/* In process: symlinks, owners and modes (outdir.h). */
static bool outdir_rules(const char *dir)
{
	char d[PATH_MAX], p[PATH_MAX], why[512];
	struct outfile of;
	struct stat st;
	bool ok = true;
	int fd;

	sub(d, sizeof(d), dir, "mine");
	mkdir(d, 0755);
	file_put(dir, "precious", "precious\n");
	sub(p, sizeof(p), dir, "mine/data.csv");
	symlink("../precious", p);
	if (ASSERT_OK(outfile_open(&of, d, "data.csv", why, sizeof(why)),
		      "outfile_open over a symlink")) {
		fputs("new\n", of.f);
		ok &= ASSERT_OK(outfile_commit(&of), "commit");
	}
	ok &= ASSERT_TRUE(file_contains(dir, "precious", "precious"),
			  "the symlink's target untouched") &&
	      ASSERT_TRUE(!lstat(p, &st) && S_ISREG(st.st_mode),
			  "the symlink replaced by the file");
	/* the directory itself a symlink; one on the way in a sticky /tmp */
	sub(p, sizeof(p), dir, "link");
	symlink("mine", p);
	fd = outdir_open(p, true, why, sizeof(why));
	ok &= ASSERT_EQ(fd, -ELOOP, "last component a symlink");
	sub(p, sizeof(p), dir, "sticky");
	mkdir(p, 0755);
	chmod(p, 01777);
	sub(p, sizeof(p), dir, "sticky/l");
	symlink("../mine", p);
	lchown(p, NOBODY_ID, NOBODY_ID);
	sub(p, sizeof(p), dir, "sticky/l/new");
	fd = outdir_open(p, true, why, sizeof(why));
	ok &= ASSERT_EQ(fd, -ELOOP, "someone else's symlink in a sticky dir") &&
	      ASSERT_FALSE(file_exists(dir, "mine/new"), "nothing created there");
	/* owners and modes */
	sub(p, sizeof(p), dir, "nobody");
	mkdir(p, 0755);
	chown(p, NOBODY_ID, NOBODY_ID);
	ok &= ASSERT_EQ(outdir_open(p, false, why, sizeof(why)), -EPERM,
			"another user's directory");
	sub(p, sizeof(p), dir, "open");
	mkdir(p, 0755);
	chmod(p, 0777);
	ok &= ASSERT_EQ(outdir_open(p, false, why, sizeof(why)), -EPERM,
			"a directory anyone can write, not sticky");
	sub(p, sizeof(p), dir, "sticky");
	fd = outdir_open(p, false, why, sizeof(why));
	ok &= ASSERT_OK_FD(fd, "our sticky directory");
	if (fd >= 0)
		close(fd);
	/* a reused directory the suite did not make: refused, --force too */
	ok &= ASSERT_EQ(outdir_claim(d, false, why, sizeof(why)), -ENOTEMPTY,
			"non-empty --out refused");
	file_put(d, "notes.txt", "theirs\n");
	ok &= ASSERT_EQ(outdir_claim(d, true, why, sizeof(why)), -ENOTEMPTY,
			"--force on a directory the suite did not make") &&
	      ASSERT_TRUE(file_exists(d, "data.csv"), "its data.csv kept") &&
	      ASSERT_TRUE(file_exists(d, "notes.txt"), "another file kept");
	return ok;
}

static void test_out_dir(void)
{
	char dir[64], p[PATH_MAX], q[PATH_MAX];
	struct self_run run = {};
	bool ok;
	int ret;

	if (geteuid()) {
		test__skip("needs root (files of another user)");
		return;
	}
	if (!make_tmp(dir, sizeof(dir)))
		return;
	ok = outdir_rules(dir);
	/* the same from the command line: exit 2 before anything runs */
	sub(p, sizeof(p), dir, "nobody");
	run_self(&run, &quick, "-t", "packets", "--out", p);
	ok &= self_refused(&run, "belongs to uid 65534", "--out nobody's");
	sub(p, sizeof(p), dir, "mine");
	run_self(&run, &quick, "-t", "packets", "--out", p);
	ok &= self_refused(&run, "is not empty", "--out non-empty");
	run_self(&run, &quick, "-t", "packets", "-J",
		   "/proc/no/such/summary.json");
	ok &= self_refused(&run, "-J /proc/no/such", "-J unwritable");
	sub(p, sizeof(p), dir, "nobody/summary.json");
	run_self(&run, &quick, "-t", "packets", "-J", p);
	ok &= self_refused(&run, "belongs to uid 65534", "-J nobody's");
	/* someone else's result directory: read, but written elsewhere */
	write_data(dir, (const char *const[]){ "base" }, 1);
	sub(p, sizeof(p), dir, "data.json");
	sub(q, sizeof(q), dir, "nobody/data.json");
	rename(p, q);
	sub(p, sizeof(p), dir, "nobody");
	run_self(&run, &quick, "--report-from", p);
	ok &= self_refused(&run, "write the report elsewhere",
		      "--report-from in place, nobody's") &&
	      ASSERT_FALSE(file_exists(p, "report.md"), "nothing written there");
	/* --compare creates its --out */
	sub(q, sizeof(q), dir, "new/cmp");
	ret = run_self(&run, &quick, "--compare", p, p, "--out", q);
	ok &= ASSERT_EQ(ret, 0, "--compare --out NEW/DIR") &&
	      ASSERT_TRUE(file_exists(q, "compare.csv"), "compare.csv there");
	if (ret)
		log_output("stderr", run.err, true);
	self_run_free(&run);
	drop_tmp(dir, ok);
}

/* ---- interfaces the user names ---- */

struct attach_case {
	int ifindex, prog, sig;
	bool twice;
};

/* In a child: attach with xdpnl, then die by the signal (twice). */
static int attach_and_die_child(void *ctx)
{
	const struct attach_case *c = ctx;

	if (xdpnl_attach(c->ifindex, c->prog, XDP_FLAGS_SKB_MODE))
		return 1;
	kill(getpid(), c->sig);
	if (c->twice)
		kill(getpid(), c->sig);
	pause();
	return 2;
}

static void attach_and_die(int ifindex, int prog, int sig, bool twice)
{
	struct attach_case c = { ifindex, prog, sig, twice };

	ASSERT_EQ(run_in_child(attach_and_die_child, &c, CHILD_TIMEOUT_MS),
		  128 + sig, "the child died by the signal");
}

/* xdpnl.h: only where none is, only ours detached, on every way out. */
static void check_xdpnl(int ifindex, int prog, int other)
{
	ASSERT_OK(xdpnl_attach(ifindex, prog, XDP_FLAGS_SKB_MODE), "xdpnl_attach");
	ASSERT_ERR(xdpnl_attach(ifindex, other, XDP_FLAGS_SKB_MODE),
		   "never over a program that is there");
	/* someone replaces ours: our detach must leave theirs */
	bpf_xdp_attach(ifindex, other, XDP_FLAGS_SKB_MODE, NULL);
	ASSERT_ERR(xdpnl_detach(ifindex, XDP_FLAGS_SKB_MODE),
		   "detach of a program that is not ours refused");
	ASSERT_EQ(xdp_skb_prog_id(ifindex), prog_id_of(other), "theirs still attached");
	bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL);
	/* a second signal: the async-signal-safe netlink detach */
	attach_and_die(ifindex, prog, SIGTERM, true);
	ASSERT_EQ(xdp_skb_prog_id(ifindex), 0, "detached on the kill path");
	/* SIGKILL: the next run proves the child dead and detaches */
	attach_and_die(ifindex, prog, SIGKILL, false);
	ASSERT_EQ(xdp_skb_prog_id(ifindex), prog_id_of(prog), "left by SIGKILL");
	ASSERT_GT(xdpnl_cleanup_stale(), 0, "xdpnl_cleanup_stale");
	ASSERT_EQ(xdp_skb_prog_id(ifindex), 0, "detached by the next run");
}

static void check_in_use(const char *ifname, bool busy, const char *why_has)
{
	char why[256];

	if (!ASSERT_EQ(ifcheck_in_use(ifname, why, sizeof(why)), busy, ifname) ||
	    (busy && !ASSERT_OK_PTR(strstr(why, why_has), "the reason")))
		test__log("%s: '%s'", ifname, why);
}

static void test_interfaces(void)
{
	static const char *const setup[] = {
		"link add xha type veth peer name xha2",
		"addr add 198.18.0.1/24 dev xha",
		"link add xhb type veth peer name xhb2",
		"link add xhc type veth peer name xhc2",
		"link add xhd type veth peer name xhd2",
		"link set xhd up",
		"route add default dev xhd",
		"link add xhe type veth peer name xhe2",
	};
	struct self_run run = {};
	int ns, saved, prog, other;

	run_self(&run, &quick, "--dut-dev", "lo,lo", "-l");
	self_refused(&run, "IN and OUT must be two interfaces", "--dut-dev lo,lo");
	run_self(&run, &quick, "--offload-dev", "lo", "-l");
	self_refused(&run, "lo is in use (address 127.0.0.1", "--offload-dev lo");
	run_self(&run, &quick, "--next-hop", "02:00:zz", "-l");
	self_refused(&run, "--next-hop wants", "--next-hop junk");
	self_run_free(&run);
	if (!test__need_bpf())
		return;
	ns = netns_create_anon();
	if (!ASSERT_OK_FD(ns, "namespace of our own") ||
	    !ASSERT_OK(netns_enter_fd(ns, &saved), "enter it"))
		goto out;
	/* a veth in our own namespace: nothing on the host */
	for (size_t i = 0; i < ARRAY_SIZE(setup); i++)
		SYS(leave, "ip %s", setup[i]);
	prog = load_xdp_pass();
	if (!ASSERT_OK_FD(prog, "XDP_PASS program") ||
	    !ASSERT_OK(bpf_xdp_attach(if_nametoindex("xhe"), prog,
				      XDP_FLAGS_SKB_MODE, NULL), "attach to xhe"))
		goto leave;
	check_in_use("xha", true, "address 198.18.0.1");
	check_in_use("xhb", false, "");
	/* a kernel without bridges (vmtest's) cannot have a port of one */
	if (!SYS_NOFAIL("ip link add xhbr type bridge") &&
	    !SYS_NOFAIL("ip link set xhc master xhbr"))
		check_in_use("xhc", true, "a port of xhbr");
	else
		test__info("no bridge in this kernel: port check left out");
	check_in_use("xhd", true, "the default route");
	check_in_use("xhe", true, "XDP program");
	other = load_xdp_pass();
	if (ASSERT_OK_FD(other, "another program"))
		check_xdpnl(if_nametoindex("xhb"), prog, other);
	close(other);
	close(prog);
leave:
	netns_leave(saved);
out:
	if (ns >= 0)
		close(ns);	/* the namespace and its veths go */
}

/* ---- signals: nothing of a run outlives it ---- */

struct sig_case {
	const char *name;
	int sig, times;		/* times: 0 once, 2 twice (2 ms apart) */
	bool wire;		/* named namespaces (xdp_modes), else the engine's */
};

/* One run of a case: where it writes. */
struct sig_run {
	const struct sig_case *c;
	char out[PATH_MAX];
};

/* Entries of dir whose name starts with prefix. */
static int count_prefixed(const char *dir, const char *prefix)
{
	struct dirent *de;
	DIR *d = opendir(dir);
	int n = 0;

	while (d && (de = readdir(d)))
		n += !strncmp(de->d_name, prefix, strlen(prefix));
	if (d)
		closedir(d);
	return n;
}

static int journal_lines(const char *dir)
{
	char path[PATH_MAX + 64], *text;
	int n = 0;

	snprintf(path, sizeof(path), "%s/%s", dir, OUTDIR_JOURNAL);
	text = file_read(path, NULL);
	for (const char *c = text; c && *c; c++)
		n += *c == '\n';
	free(text);
	return n;
}

/* Host interfaces named like a veth of the run (wire_topo.c's names). */
static int host_veths(pid_t pid)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	char prefix[32];
	int n = 0;

	snprintf(prefix, sizeof(prefix), "xp%x-", (unsigned int)pid & 0xffffff);
	for (i = ifs; i && i->if_index; i++)
		n += !strncmp(i->if_name, prefix, strlen(prefix));
	if (ifs)
		if_freenameindex(ifs);
	return n;
}

/* XDP programs on host interfaces, summed up: none may come or go. */
static __u64 host_xdp_state(void)
{
	struct if_nameindex *ifs = if_nameindex(), *i;
	__u64 sum = 0;

	for (i = ifs; i && i->if_index; i++) {
		LIBBPF_OPTS(bpf_xdp_query_opts, q);

		if (!bpf_xdp_query(i->if_index, 0, &q))
			sum = sum * 31 + q.prog_id + q.drv_prog_id +
			      q.hw_prog_id + q.skb_prog_id + i->if_index;
	}
	if (ifs)
		if_freenameindex(ifs);
	return sum;
}

/* The run has created what a signal must not leave behind. */
static bool run_busy(pid_t pid, const char *out, void *ctx)
{
	const struct sig_run *r = ctx;
	char ns_prefix[64];

	if (!r->c->wire)
		return journal_lines(r->out) >= 2;
	snprintf(ns_prefix, sizeof(ns_prefix), NETNS_PREFIX "%d.", pid);
	return count_prefixed("/run/netns", ns_prefix) >= 3;
}

/* test_perf measuring into dir/NAME, hit by the signal once busy. */
static int signal_run(const struct sig_case *c, struct sig_run *r,
		      struct self_run *run)
{
	const struct self_opts opts = {
		.timeout_ms = SIGNAL_RUN_TIMEOUT_MS, .signal = c->sig,
		.signal_times = c->times, .signal_when = run_busy, .ctx = r,
	};

	if (c->wire)
		return run_self(run, &opts, "-t", "xdp_modes", "--quick", "-v",
				"--out", r->out);
	/*
	 * a test's rounds record its points when it ends: the signal lands
	 * in the second test (tests run in the order of -l)
	 */
	return run_self(run, &opts, "-t", "insn_count", "-t", "xdp_fwd/perf",
			"--quick", "--reps", "30", "-v", "--out", r->out);
}

static void signal_case(const char *dir, const struct sig_case *c)
{
	char ns_prefix[64], lock_prefix[32];
	struct sig_run r = { .c = c };
	struct self_run run = {};
	pid_t pid;
	int ret;

	snprintf(r.out, sizeof(r.out), "%s/%s", dir, c->name);
	ret = signal_run(c, &r, &run);
	pid = run.pid;
	if (!ASSERT_TRUE(run.signalled, c->name))
		test__log("%s: the run did not get going", c->name);
	if (!ASSERT_EQ(ret, 128 + c->sig, c->name))
		log_output("its stderr", run.err, true);
	snprintf(ns_prefix, sizeof(ns_prefix), NETNS_PREFIX "%d.", pid);
	snprintf(lock_prefix, sizeof(lock_prefix), "%d.", pid);
	if (c->sig == SIGKILL) {
		/* the next run removes what the killed one left */
		run_self(&run, &quick, "-t", "packets");
	} else if (!c->wire) {
		/* a clean stop keeps what was measured */
		ASSERT_TRUE(file_exists(r.out, "data.json"),
			    "points kept in data.json");
		ASSERT_FALSE(file_exists(r.out, OUTDIR_JOURNAL), "journal done");
	}
	/*
	 * A link or a program outlives its process only through a pin, a
	 * netlink attachment or a namespace that outlives it: none may be
	 * left, and no veth of the run may have reached the host.
	 */
	if (!ASSERT_EQ(count_prefixed("/run/netns", ns_prefix), 0,
		       "no namespace left") ||
	    !ASSERT_EQ(count_prefixed(RUNLOCK_DIR, lock_prefix), 0,
		       "no lock file left") ||
	    !ASSERT_EQ(host_veths(pid), 0, "no veth on the host"))
		test__log("after %s", c->name);
	self_run_free(&run);
}

static void test_signals(void)
{
	static const struct sig_case cases[] = {
		{ "INT", SIGINT }, { "TERM", SIGTERM }, { "QUIT", SIGQUIT },
		{ "PIPE", SIGPIPE }, { "HUP", SIGHUP, 0, true },
		{ "INT_INT", SIGINT, 2, true }, { "KILL", SIGKILL, 0, true },
	};
	char dir[64], why[256];
	__u64 xdp_before;
	bool ok;

	if (!test__need_bpf())
		return;
	xdp_before = host_xdp_state();
	if (test__path(why, sizeof(why), "bpf/xdp_fwd.bpf.o")) {
		test__skip("no bpf/xdp_fwd.bpf.o beside test_perf");
		return;
	}
	if (!make_tmp(dir, sizeof(dir)))
		return;
	for (size_t i = 0; i < ARRAY_SIZE(cases); i++)
		signal_case(dir, &cases[i]);
	ok = ASSERT_EQ(count_prefixed("/sys/fs/bpf", "xdpperf"), 0,
		       "no pin in /sys/fs/bpf") &&
	     ASSERT_TRUE(host_xdp_state() == xdp_before,
			 "host interfaces' XDP programs as they were");
	drop_tmp(dir, ok);
}

void test_hostile_input(void)
{
	if (test__start_subtest("injection"))
		test_injection();
	if (test__start_subtest("readers"))
		test_readers();
	if (test__start_subtest("out_dir"))
		test_out_dir();
	if (test__start_subtest("interfaces"))
		test_interfaces();
	if (test__start_subtest("signals"))
		test_signals();
}
