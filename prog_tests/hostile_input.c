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
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
#include "util.h"
#include "xdpnl.h"

#define NOBODY		65534

/* ---- helpers ---- */

static bool make_tmp(char *dir, size_t len)
{
	snprintf(dir, len, "/tmp/xdp-perf-hostile.XXXXXX");
	return ASSERT_OK_PTR(mkdtemp(dir), "mkdtemp");
}

/* What a failed subtest made stays, to look at. */
static void drop_tmp(const char *dir, bool ok)
{
	const char *const argv[] = { "rm", "-rf", "--", dir, NULL };

	if (!ok)
		test__log("files kept in %s", dir);
	else if (run_cmd(argv, NULL))
		test__log("cannot remove %s", dir);
}

static bool exists(const char *dir, const char *name)
{
	char path[PATH_MAX + 64];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return !lstat(path, &st);
}

static bool file_has(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64], *buf;
	bool found = false;
	size_t len = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "re");
	if (!f)
		return false;
	buf = malloc(1 << 22);
	if (buf) {
		len = fread(buf, 1, (1 << 22) - 1, f);
		buf[len] = '\0';
		found = strstr(buf, text) != NULL;
	}
	free(buf);
	fclose(f);
	return found;
}

static void put_file(const char *dir, const char *name, const char *text)
{
	char path[PATH_MAX + 64];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "we");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/*
 * ./test_perf ARGS... as a child: its exit status (128 + N for signal
 * N), its stderr in err; how many lines that was in *lines.
 */
static int perf(char *err, size_t err_len, int *lines, const char *a0, ...)
{
	const char *argv[24] = { NULL };
	char exe[PATH_MAX];
	struct run_opts o = {
		.out = err, .out_len = err_len, .stderr_only = true,
		.timeout_ms = 60000,
	};
	va_list ap;
	int n = 1, ret;

	snprintf(exe, sizeof(exe), "%s/test_perf", test__exe_dir());
	argv[0] = exe;
	va_start(ap, a0);
	for (const char *a = a0; a && n < 23; a = va_arg(ap, const char *))
		argv[n++] = a;
	va_end(ap);
	ret = run_cmd(argv, &o);
	if (lines) {
		*lines = 0;
		for (const char *c = err; *c; c++)
			*lines += *c == '\n';
	}
	return ret;
}

/* A refusal: exit 2, one line on stderr that says why. */
static bool refused(int ret, const char *err, int lines, const char *why,
		    const char *what)
{
	bool ok = ASSERT_EQ(ret, 2, what) && ASSERT_EQ(lines, 1, "one line") &&
		  ASSERT_OK_PTR(strstr(err, why), "the reason");

	if (!ok)
		test__log("%s: stderr: %s", what, err);
	return ok;
}

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
	ok = ASSERT_FALSE(exists(dir, "bang2"), "no '!' command from a title") &&
	     ASSERT_FALSE(exists(dir, "sys2"), "no system() from a label") &&
	     ASSERT_FALSE(exists(dir, "bang3"), "no command from a series") &&
	     ASSERT_OK(ret, "plot_render") &&
	     ASSERT_TRUE(exists(dir, "direct.png"), "the plot rendered");
	return ok;
}

static void test_injection(void)
{
	char dir[64], props[4][256], err[512], why[200];
	const char *p[4] = { props[0], props[1], props[2], props[3] };
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
	ret = perf(err, sizeof(err), NULL, "--report-from", dir, NULL);
	if (!ASSERT_EQ(ret, 0, "--report-from the crafted file")) {
		test__log("%s", err);
		goto out;
	}
	ok = ASSERT_FALSE(exists(dir, "bang"), "no '!' command ran") &&
	     ASSERT_FALSE(exists(dir, "tick"), "no backquote command ran") &&
	     ASSERT_FALSE(exists(dir, "sys"), "no system() ran") &&
	     ASSERT_TRUE(file_has(dir, "report.md", "p\\\\n!touch"),
			 "report.md shows the line break as \\n") &&
	     ASSERT_TRUE(file_has(dir, "report.html", "p\\n!touch"),
			 "report.html shows the line break as \\n") &&
	     ASSERT_TRUE(file_has(dir, "report.html", "&lt;script&gt;alert(1)"),
			 "HTML escaped") &&
	     ASSERT_FALSE(file_has(dir, "report.html", "<script>"),
			  "no script element") &&
	     ASSERT_TRUE(file_has(dir, "report.md", "\\<script\\>alert(1)\\</script\\>\\|\\*\\*b\\*\\*\\[l\\](javascript:x)\\&lt;"),
			 "Markdown escaped");
	if (ok && plots)	/* the scripts did run: the checks above mean something */
		ok = ASSERT_TRUE(file_has(dir, "report.html", "data:image/png"),
				 "gnuplot rendered the plots") && plot_direct(dir);
	else if (!plots)
		test__info("no gnuplot (%s): the scripts were written, not run", why);
out:
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
	ASSERT_STREQ(ds.pts[0].property, "a\\nb\\u202ec\\x07",
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
		put_file(dir, "data.csv", text);
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
	put_file(dir, OUTDIR_JOURNAL, "{\"format\": \"xdp-perf-journal/1\"}\n{"
		 POINT_REST "}\n{\"test\": \"t\", \"subt");
	if (ASSERT_OK(ds_load_journal(path, &ds, err, sizeof(err)),
		      "journal cut in its last line")) {
		ASSERT_EQ(ds.nr_pts, 1, "its complete points");
		ds_free(&ds);
	} else {
		test__log("%s", err);
	}
	put_file(dir, OUTDIR_JOURNAL, "{\"format\": \"xdp-perf-journal/1\"}\n{"
		 "\"n\": 1e300, " POINT_REST "}\n");
	if (!ASSERT_ERR(ds_load_journal(path, &ds, err, sizeof(err)),
			"journal with a bad point refused"))
		ds_free(&ds);
}

static void test_readers(void)
{
	char dir[64], err[512];
	int lines, ret;
	bool ok;

	if (!make_tmp(dir, sizeof(dir)))
		return;
	json_refusals();
	json_labels();
	csv_refusals(dir);
	journal_reads(dir);
	/* what the user sees: one line, exit 2 */
	put_file(dir, "data.json", "{\"format\": \"xdp-perf-data/1\", \"points\": [{\"n\": 1e300, " POINT_REST "}]}");
	ret = perf(err, sizeof(err), &lines, "--report-from", dir, NULL);
	ok = refused(ret, err, lines, "n is 1e+300", "--report-from");
	ret = perf(err, sizeof(err), &lines, "--compare", dir, dir, NULL);
	ok &= refused(ret, err, lines, "n is 1e+300", "--compare");
	ret = perf(err, sizeof(err), &lines, "--target-ms", "nan", "-l", NULL);
	ok &= refused(ret, err, lines, "--target-ms wants", "--target-ms nan");
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
	put_file(dir, "precious", "precious\n");
	sub(p, sizeof(p), dir, "mine/data.csv");
	symlink("../precious", p);
	if (ASSERT_OK(outfile_open(&of, d, "data.csv", why, sizeof(why)),
		      "outfile_open over a symlink")) {
		fputs("new\n", of.f);
		ok &= ASSERT_OK(outfile_commit(&of), "commit");
	}
	ok &= ASSERT_TRUE(file_has(dir, "precious", "precious"),
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
	lchown(p, NOBODY, NOBODY);
	sub(p, sizeof(p), dir, "sticky/l/new");
	fd = outdir_open(p, true, why, sizeof(why));
	ok &= ASSERT_EQ(fd, -ELOOP, "someone else's symlink in a sticky dir") &&
	      ASSERT_FALSE(exists(dir, "mine/new"), "nothing created there");
	/* owners and modes */
	sub(p, sizeof(p), dir, "nobody");
	mkdir(p, 0755);
	chown(p, NOBODY, NOBODY);
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
	put_file(d, "notes.txt", "theirs\n");
	ok &= ASSERT_EQ(outdir_claim(d, true, why, sizeof(why)), -ENOTEMPTY,
			"--force on a directory the suite did not make") &&
	      ASSERT_TRUE(exists(d, "data.csv"), "its data.csv kept") &&
	      ASSERT_TRUE(exists(d, "notes.txt"), "another file kept");
	return ok;
}

static void test_out_dir(void)
{
	char dir[64], p[PATH_MAX], q[PATH_MAX], err[512];
	int lines, ret;
	bool ok;

	if (geteuid()) {
		test__skip("needs root (files of another user)");
		return;
	}
	if (!make_tmp(dir, sizeof(dir)))
		return;
	ok = outdir_rules(dir);
	/* the same from the command line: exit 2 before anything runs */
	sub(p, sizeof(p), dir, "nobody");
	ret = perf(err, sizeof(err), &lines, "-t", "packets", "--out", p, NULL);
	ok &= refused(ret, err, lines, "belongs to uid 65534", "--out nobody's");
	sub(p, sizeof(p), dir, "mine");
	ret = perf(err, sizeof(err), &lines, "-t", "packets", "--out", p, NULL);
	ok &= refused(ret, err, lines, "is not empty", "--out non-empty");
	ret = perf(err, sizeof(err), &lines, "-t", "packets", "-J",
		   "/proc/no/such/summary.json", NULL);
	ok &= refused(ret, err, lines, "-J /proc/no/such", "-J unwritable");
	sub(p, sizeof(p), dir, "nobody/summary.json");
	ret = perf(err, sizeof(err), &lines, "-t", "packets", "-J", p, NULL);
	ok &= refused(ret, err, lines, "belongs to uid 65534", "-J nobody's");
	/* someone else's result directory: read, but written elsewhere */
	write_data(dir, (const char *const[]){ "base" }, 1);
	sub(p, sizeof(p), dir, "data.json");
	sub(q, sizeof(q), dir, "nobody/data.json");
	rename(p, q);
	sub(p, sizeof(p), dir, "nobody");
	ret = perf(err, sizeof(err), &lines, "--report-from", p, NULL);
	ok &= refused(ret, err, lines, "write the report elsewhere",
		      "--report-from in place, nobody's") &&
	      ASSERT_FALSE(exists(p, "report.md"), "nothing written there");
	/* --compare creates its --out */
	sub(q, sizeof(q), dir, "new/cmp");
	ret = perf(err, sizeof(err), NULL, "--compare", p, p, "--out", q, NULL);
	ok &= ASSERT_EQ(ret, 0, "--compare --out NEW/DIR") &&
	      ASSERT_TRUE(exists(q, "compare.csv"), "compare.csv there");
	if (ret)
		test__log("%s", err);
	drop_tmp(dir, ok);
}

/* ---- interfaces the user names ---- */

/* A veth in our own namespace: nothing on the host. */
static int ip(const char *cmd)
{
	char line[256], *argv[16] = { "ip" }, *save = NULL;
	int n = 1;

	snprintf(line, sizeof(line), "%s", cmd);
	for (char *t = strtok_r(line, " ", &save); t && n < 15;
	     t = strtok_r(NULL, " ", &save))
		argv[n++] = t;
	argv[n] = NULL;
	return run_cmd((const char *const *)argv, NULL);
}

static int xdp_pass_prog(void)
{
	const struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0,
		  .imm = XDP_PASS },
		{ .code = BPF_JMP | BPF_EXIT },
	};

	return bpf_prog_load(BPF_PROG_TYPE_XDP, "hostile_pass", "GPL", insns,
			     ARRAY_SIZE(insns), NULL);
}

static __u32 skb_prog_on(int ifindex)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	return bpf_xdp_query(ifindex, 0, &q) ? 0 : q.skb_prog_id;
}

static __u32 id_of(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/* A child that attaches prog with xdpnl, then dies by sig (twice). */
static void attach_and_die(int ifindex, int prog, int sig, int twice)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (xdpnl_attach(ifindex, prog, XDP_FLAGS_SKB_MODE))
			_exit(1);
		kill(getpid(), sig);
		if (twice)
			kill(getpid(), sig);
		pause();
		_exit(2);
	}
	waitpid(pid, &status, 0);
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == sig,
		    "the child died by the signal");
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
	ASSERT_EQ(skb_prog_on(ifindex), id_of(other), "theirs still attached");
	bpf_xdp_detach(ifindex, XDP_FLAGS_SKB_MODE, NULL);
	/* a second signal: the async-signal-safe netlink detach */
	attach_and_die(ifindex, prog, SIGTERM, 1);
	ASSERT_EQ(skb_prog_on(ifindex), 0, "detached on the kill path");
	/* SIGKILL: the next run proves the child dead and detaches */
	attach_and_die(ifindex, prog, SIGKILL, 0);
	ASSERT_EQ(skb_prog_on(ifindex), id_of(prog), "left by SIGKILL");
	ASSERT_GT(xdpnl_cleanup_stale(), 0, "xdpnl_cleanup_stale");
	ASSERT_EQ(skb_prog_on(ifindex), 0, "detached by the next run");
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
	char err[512];
	int ns, saved, lines, ret, prog, other;

	ret = perf(err, sizeof(err), &lines, "--dut-dev", "lo,lo", "-l", NULL);
	refused(ret, err, lines, "IN and OUT must be two interfaces",
		"--dut-dev lo,lo");
	ret = perf(err, sizeof(err), &lines, "--offload-dev", "lo", "-l", NULL);
	refused(ret, err, lines, "lo is in use (address 127.0.0.1",
		"--offload-dev lo");
	ret = perf(err, sizeof(err), &lines, "--next-hop", "02:00:zz", "-l", NULL);
	refused(ret, err, lines, "--next-hop wants", "--next-hop junk");
	if (!test__need_bpf())
		return;
	ns = netns_create_anon();
	if (!ASSERT_OK_FD(ns, "namespace of our own") ||
	    !ASSERT_OK(netns_enter_fd(ns, &saved), "enter it"))
		goto out;
	for (size_t i = 0; i < ARRAY_SIZE(setup); i++)
		if (!ASSERT_OK(ip(setup[i]), setup[i]))
			goto leave;
	prog = xdp_pass_prog();
	if (!ASSERT_OK_FD(prog, "XDP_PASS program") ||
	    !ASSERT_OK(bpf_xdp_attach(if_nametoindex("xhe"), prog,
				      XDP_FLAGS_SKB_MODE, NULL), "attach to xhe"))
		goto leave;
	check_in_use("xha", true, "address 198.18.0.1");
	check_in_use("xhb", false, "");
	/* a kernel without bridges (vmtest's) cannot have a port of one */
	if (!ip("link add xhbr type bridge") && !ip("link set xhc master xhbr"))
		check_in_use("xhc", true, "a port of xhbr");
	else
		test__info("no bridge in this kernel: port check left out");
	check_in_use("xhd", true, "the default route");
	check_in_use("xhe", true, "XDP program");
	other = xdp_pass_prog();
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
	int sig, twice;
	bool wire;		/* named namespaces (xdp_modes), else the engine's */
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
	char path[PATH_MAX + 64], buf[4096];
	int fd, n = 0;
	ssize_t got;

	snprintf(path, sizeof(path), "%s/%s", dir, OUTDIR_JOURNAL);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	while (fd >= 0 && (got = read(fd, buf, sizeof(buf))) > 0)
		for (ssize_t i = 0; i < got; i++)
			n += buf[i] == '\n';
	if (fd >= 0)
		close(fd);
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

/* test_perf measuring into out, stdout to a pipe we read (SIGPIPE). */
static pid_t start_run(const struct sig_case *c, const char *out, int *rd)
{
	char exe[PATH_MAX];
	int pfd[2];
	pid_t pid;

	snprintf(exe, sizeof(exe), "%s/test_perf", test__exe_dir());
	if (pipe2(pfd, O_CLOEXEC))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);

		dup2(pfd[1], STDOUT_FILENO);
		dup2(null, STDERR_FILENO);
		if (c->wire)
			execl(exe, exe, "-t", "xdp_modes", "--quick", "-v",
			      "--out", out, (char *)NULL);
		else
			/* a test's rounds record its points when it ends:
			 * the signal lands in the second test (tests run in
			 * the order of -l) */
			execl(exe, exe, "-t", "insn_count", "-t",
			      "xdp_fwd/perf", "--quick", "--reps", "30", "-v",
			      "--out", out, (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	*rd = pfd[0];
	return pid;
}

/* Until the run has created what a signal must not leave behind. */
static bool wait_busy(pid_t pid, const struct sig_case *c, const char *out,
		      int rd, const char *ns_prefix)
{
	char buf[4096];

	for (int i = 0; i < 3000; i++) {
		struct pollfd p = { .fd = rd, .events = POLLIN };

		if (poll(&p, 1, 10) > 0 && read(rd, buf, sizeof(buf)) <= 0)
			return false;
		if (waitpid(pid, NULL, WNOHANG) == pid)
			return false;
		if (c->wire ? count_prefixed("/run/netns", ns_prefix) >= 3 :
			      journal_lines(out) >= 2)
			return true;
	}
	return false;
}

/* Wait for the child, reading its output so that it never blocks. */
static bool reap(pid_t pid, int rd, int *status)
{
	char buf[4096];

	if (rd >= 0)
		fcntl(rd, F_SETFL, O_NONBLOCK);
	for (int i = 0; i < 12000; i++) {
		if (waitpid(pid, status, WNOHANG) == pid)
			return true;
		while (rd >= 0 && read(rd, buf, sizeof(buf)) > 0)
			;
		usleep(5000);
	}
	kill(pid, SIGKILL);
	waitpid(pid, status, 0);
	return false;
}

static void signal_case(const char *dir, const struct sig_case *c)
{
	char out[PATH_MAX], ns_prefix[64], lock_prefix[32], err[256];
	int rd = -1, status = 0, code;
	pid_t pid;

	snprintf(out, sizeof(out), "%s/%s", dir, c->name);
	pid = start_run(c, out, &rd);
	if (!ASSERT_GT(pid, 0, "fork"))
		return;
	snprintf(ns_prefix, sizeof(ns_prefix), NETNS_PREFIX "%d.", pid);
	snprintf(lock_prefix, sizeof(lock_prefix), "%d.", pid);
	if (!ASSERT_TRUE(wait_busy(pid, c, out, rd, ns_prefix), c->name)) {
		kill(pid, SIGKILL);
		test__log("%s: the run did not get going", c->name);
	} else if (c->sig == SIGPIPE) {
		close(rd);	/* `| head -1`: its next line raises SIGPIPE */
		rd = -1;
	} else {
		kill(pid, c->sig);
		if (c->twice) {
			usleep(2000);
			kill(pid, c->sig);
		}
	}
	if (!reap(pid, rd, &status))
		test__log("%s: still running after a minute, killed", c->name);
	if (rd >= 0)
		close(rd);
	code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) :
				     WEXITSTATUS(status);
	ASSERT_EQ(code, 128 + c->sig, c->name);
	if (c->sig == SIGKILL) {
		/* the next run removes what the killed one left */
		perf(err, sizeof(err), NULL, "-t", "packets", NULL);
	} else if (!c->wire) {
		/* a clean stop keeps what was measured */
		ASSERT_TRUE(exists(out, "data.json"), "points kept in data.json");
		ASSERT_FALSE(exists(out, OUTDIR_JOURNAL), "journal done");
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
}

static void test_signals(void)
{
	static const struct sig_case cases[] = {
		{ "INT", SIGINT }, { "TERM", SIGTERM }, { "QUIT", SIGQUIT },
		{ "PIPE", SIGPIPE }, { "HUP", SIGHUP, 0, true },
		{ "INT_INT", SIGINT, 1, true }, { "KILL", SIGKILL, 0, true },
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
