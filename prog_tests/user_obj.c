// SPDX-License-Identifier: GPL-2.0
/*
 * --obj with the objects people deploy: the loader (obj_load.h) on
 * progs/user_obj.bpf.c and, when xdp-tools is installed, its xdp-filter
 * objects; --pcap and --frame-hex on a capture this test writes.
 *
 * Checked: pinned maps land in the private bpffs and never in
 * /sys/fs/bpf, mounted or not (in a private mount namespace of a child);
 * load errors name their cause; --set changes a global before load;
 * --setup fills a map through XDP_PERF_PIN_DIR and changes the verdict;
 * a capture's distinct frames, counts and skips are exact; test_perf
 * --obj --pcap prints every frame's verdict and writes the
 * traffic-weighted mean that the frames' means give.
 */
#define _GNU_SOURCE
#include <glob.h>
#include <limits.h>
#include <math.h>
#include <sched.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/magic.h>
#include <sys/mount.h>
#include <sys/statfs.h>

#include "test_perf.h"
#include "report/dataset.h"
#include "metrics.h"
#include "obj/obj_load.h"
#include "obj/pcap.h"
#include "runner.h"
#include "testing_helpers.h"
#include "util.h"

#define OBJ		"bpf/user_obj.bpf.o"
#define XDPFILT_GLOB	"/usr/lib/*/bpf/xdpfilt_*.o"
#define SRC_ADDR	"198.18.0.1"
#define CHILD_TIMEOUT_MS	60000
#define RUN_TIMEOUT_MS		300000

/* ---- frames ---- */

/* IPv4/UDP from SRC_ADDR, size on the wire incl. FCS, optional VLAN. */
static __u32 udp4_frame(unsigned char *buf, int frame_size, __u16 vlan)
{
	struct pkt_spec spec;
	struct pkt_rng rng;

	pkt_spec_init(&spec, frame_size);
	pkt_parse_prefix(SRC_ADDR "/32", &spec.src);
	pkt_parse_prefix("198.19.0.1/32", &spec.dst);
	spec.vlan_id = vlan;
	pkt_rng_seed(&rng, 1);
	return pkt_build_udp4(&spec, &rng, buf, PKT_BUF_LEN(frame_size));
}

/* The same as TCP: protocol 6, header checksum redone. */
static __u32 tcp4_frame(unsigned char *buf)
{
	__u32 len = udp4_frame(buf, 128, 0);
	unsigned char *ip = buf + ETH_HLEN;
	__u16 sum;

	ip[9] = 6;
	ip[10] = ip[11] = 0;
	sum = htons(pkt_csum(ip, 20));
	memcpy(ip + 10, &sum, 2);
	return len;
}

static __u32 arp_frame(unsigned char *buf)
{
	static const unsigned char arp[42] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0xa, 1,
		0x08, 0x06, 0, 1, 0x08, 0, 6, 4, 0, 1,
		2, 0, 0, 0, 0xa, 1, 198, 18, 0, 1,
		0, 0, 0, 0, 0, 0, 198, 18, 0, 2,
	};

	memcpy(buf, arp, sizeof(arp));
	return sizeof(arp);
}

/* IPv6/UDP, 2001:2::1 > 2001:2::2 (RFC 5180's benchmarking range). */
static __u32 ipv6_frame(unsigned char *buf)
{
	unsigned char *ip = buf + ETH_HLEN;

	memset(buf, 0, 70);
	memcpy(buf, "\x02\0\0\0\x0a\x02\x02\0\0\0\x0a\x01\x86\xdd", ETH_HLEN);
	ip[0] = 0x60;
	ip[5] = 16;			/* payload: UDP header + 8 B */
	ip[6] = 17;
	ip[7] = 64;
	ip[8] = 0x20; ip[9] = 0x01; ip[10] = 0; ip[11] = 2; ip[23] = 1;
	ip[24] = 0x20; ip[25] = 0x01; ip[26] = 0; ip[27] = 2; ip[39] = 2;
	ip[41] = 9; ip[43] = 9; ip[45] = 16;
	return ETH_HLEN + 40 + 16;
}

/* ---- helpers ---- */

static bool obj_path(char *buf, size_t len, const char *rel)
{
	if (test__path(buf, len, rel)) {
		test__skip("%s not found beside test_perf: run make", rel);
		return false;
	}
	return true;
}

/* One run of prog_fd on pkt: its verdict, or -errno. */
static int run_once(int prog_fd, const void *pkt, __u32 len)
{
	__u32 verdict;
	double ns;
	int err = measure_call_ns(prog_fd, pkt, len, 1, &ns, NULL, &verdict);

	return err ? err : (int)verdict;
}

static int open_obj(const char *path, const struct uobj_opts *o,
		    struct uobj *u, char *err, size_t len)
{
	static const struct uobj_opts none = { .quiet = true };

	return uobj_open_opts(path, NULL, o ?: &none, u, err, len);
}

/* What uobj_print_log() would show. */
static bool log_has(const char *needle)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	bool found;

	if (!f)
		return false;
	uobj_print_log(f);
	fclose(f);
	found = buf && strstr(buf, needle);
	if (!found)
		test__log("log tail: %s", buf ?: "(empty)");
	free(buf);
	return found;
}

/* ---- subtests ---- */

static void test_log_tail(void)
{
	static struct uobj_log log;
	char chunk[1000];

	for (int i = 0; i < 100; i++) {
		snprintf(chunk, sizeof(chunk), "line %d %0900d\n", i, 0);
		uobj_log_add(&log, chunk, strlen(chunk));
	}
	ASSERT_EQ(log.len, UOBJ_LOG_SIZE - 1, "bounded");
	ASSERT_EQ(strlen(log.buf), log.len, "terminated");
	ASSERT_TRUE(strstr(uobj_log_last_lines(&log, 1), "line 99 "), "last line kept");
	ASSERT_TRUE(strstr(uobj_log_last_lines(&log, 2), "line 98 "), "two lines");
	log.len = 0;
	uobj_log_add(&log, "short\n", 6);
	ASSERT_STREQ(uobj_log_last_lines(&log, 8), "short\n", "fewer lines than asked");
	/* one message longer than the buffer: its end */
	{
		static char big[3 * UOBJ_LOG_SIZE];

		memset(big, 'x', sizeof(big) - 6);
		memcpy(big + sizeof(big) - 6, "tail\n", 6);
		uobj_log_add(&log, big, strlen(big));
		ASSERT_EQ(log.len, UOBJ_LOG_SIZE - 1, "big message bounded");
		ASSERT_STREQ(log.buf + log.len - 5, "tail\n", "its end kept");
	}
}

static void expect_error(const char *path, const char *set, int status,
			 const char *msg)
{
	const char *sets[] = { set };
	struct uobj_opts o = { .sets = sets, .nr_sets = !!set, .quiet = true };
	struct uobj u;
	char err[512] = "";
	int ret = open_obj(path, &o, &u, err, sizeof(err));

	if (!ASSERT_ERR(ret, path) ||
	    !ASSERT_EQ(uobj_exit_status(&u), status, "exit status") ||
	    !ASSERT_TRUE(strstr(err, msg), msg))
		test__log("error was: %s", err);
	uobj_close(&u);
}

static void test_load_errors(void)
{
	char obj[PATH_MAX], dir[64], junk[PATH_MAX];

	if (!obj_path(obj, sizeof(obj), OBJ) || !make_tmp(dir, sizeof(dir)))
		return;
	snprintf(junk, sizeof(junk), "%s/junk.o", dir);
	if (ASSERT_OK(file_put(dir, "junk.o", "not elf\n"), "write junk.o"))
		expect_error(junk, NULL, 2, "not a BPF object");
	drop_tmp(dir, true);
	expect_error("/nonexistent/prog.o", NULL, 2, "no such file");
	expect_error(obj, "nope=1", 2, "no global variable 'nope'");
	expect_error(obj, "nope=1", 2, "uo_default_verdict");
	expect_error(obj, "uo_default_verdict=4294967296", 2, "unsigned 32-bit");
	expect_error(obj, "uo_default_verdict=-1", 2, "unsigned 32-bit");
	expect_error(obj, "uo_unsafe=maybe", 2, "true, false");
	expect_error(obj, "uo_label=12345678", 2, "at most 7");
	/* the unchecked read is live now: the verifier says no, with why */
	expect_error(obj, "uo_unsafe=true", 2, "the verifier refused program 'user_obj'");
	ASSERT_TRUE(log_has("invalid access to packet"), "verifier log tail");
	{
		struct uobj u;
		char err[256];

		ASSERT_ERR(uobj_open_opts(obj, "nope", &(struct uobj_opts){ 0 },
					  &u, err, sizeof(err)), "--prog nope");
		ASSERT_TRUE(strstr(err, "no XDP program named 'nope'"), err);
		uobj_close(&u);
	}
}

/* .bss, found by name suffix: libbpf names it "<object>.bss". */
static int read_bss_u64(struct bpf_object *obj, __u64 *v)
{
	struct bpf_map *map;
	__u32 key = 0;

	bpf_object__for_each_map(map, obj) {
		const char *n = bpf_map__name(map);

		if (bpf_map__is_internal(map) && strlen(n) >= 4 &&
		    !strcmp(n + strlen(n) - 4, ".bss"))
			return bpf_map_lookup_elem(bpf_map__fd(map), &key, v);
	}
	return -ENOENT;
}

static void test_globals(void)
{
	const char *sets[] = { "uo_default_verdict=3", "uo_label=abc",
			       "uo_frames=0x10", "uo_unsafe=false" };
	struct uobj_opts o = { .sets = sets, .nr_sets = 4, .quiet = true };
	unsigned char pkt[PKT_MAX_FRAME];
	char obj[PATH_MAX], err[512];
	__u32 len = udp4_frame(pkt, 64, 0);
	struct uobj u;
	__u64 frames = 0;

	if (!obj_path(obj, sizeof(obj), OBJ))
		return;
	if (ASSERT_OK(open_obj(obj, NULL, &u, err, sizeof(err)), err))
		ASSERT_EQ(run_once(u.prog_fd, pkt, len), XDP_DROP,
			  "default verdict as built");
	uobj_close(&u);
	if (!ASSERT_OK(open_obj(obj, &o, &u, err, sizeof(err)), err))
		goto out;
	ASSERT_EQ(run_once(u.prog_fd, pkt, len), XDP_TX, "verdict set by --set");
	ASSERT_OK(read_bss_u64(u.obj, &frames), "read .bss");
	ASSERT_EQ(frames, 0x10 + 1, ".bss counter set, then one run");
out:
	uobj_close(&u);
}

/* The names in dir, as ls prints them. */
static int list_dir(const char *dir, char *out, size_t len)
{
	const char *argv[] = { "ls", "-A", dir, NULL };
	struct run_opts ro = { .out = out, .out_len = len };

	return run_cmd(argv, &ro);
}

struct pins_case {
	const char *path;
	bool mounted;
	int min_pins;
};

/*
 * In a child, in a private mount namespace (nothing propagates to the
 * host): /sys/fs/bpf a fresh bpffs, or nothing; load path; its pins must
 * be in the private bpffs, not there, and gone after uobj_close.
 * Returns the step that failed (0: none).
 */
static int pins_in_child(void *ctx)
{
	const struct pins_case *c = ctx;
	char before[4096], after[4096], err[512], pin[160];
	struct statfs st;
	struct uobj u;

	if (unshare(CLONE_NEWNS) ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL))
		return 1;
	umount2("/sys/fs/bpf", MNT_DETACH);	/* ours only, if any */
	if (c->mounted && mount("bpf", "/sys/fs/bpf", "bpf", 0, NULL))
		return 2;
	list_dir("/sys/fs/bpf", before, sizeof(before));
	if (open_obj(c->path, NULL, &u, err, sizeof(err))) {
		fprintf(stderr, "%s\n", err);
		return 3;
	}
	if (statfs(u.pin_dir, &st) || st.f_type != BPF_FS_MAGIC)
		return 4;
	if (u.nr_pinned < c->min_pins)
		return 5;
	list_dir("/sys/fs/bpf", after, sizeof(after));
	if (strcmp(before, after))
		return 6;
	snprintf(pin, sizeof(pin), "%s", u.pin_dir);
	uobj_close(&u);
	if (!access(pin, F_OK))
		return 7;
	if (!c->mounted && !statfs("/sys/fs/bpf", &st) &&
	    st.f_type == BPF_FS_MAGIC)
		return 8;
	return 0;
}

static void check_pins(const char *path, int min_pins)
{
	for (int mounted = 0; mounted < 2; mounted++) {
		struct pins_case c = { path, mounted, min_pins };
		int ret = run_in_child(pins_in_child, &c, CHILD_TIMEOUT_MS);

		if (!ASSERT_EQ(ret, 0, mounted ? "nothing in a mounted /sys/fs/bpf" :
			       "nothing in an unmounted /sys/fs/bpf"))
			test__log("%s: step %d failed (see pins_in_child)", path,
				  ret);
	}
}

static void test_pinned_maps(void)
{
	char obj[PATH_MAX];
	glob_t g = {};

	if (!obj_path(obj, sizeof(obj), OBJ))
		return;
	/* uo_verdicts by the object, .rodata, .data, .bss by the loader */
	check_pins(obj, 4);
	if (!glob(XDPFILT_GLOB, 0, NULL, &g))
		for (size_t i = 0; i < g.gl_pathc; i++)
			check_pins(g.gl_pathv[i], 2);
	globfree(&g);
}

static bool have_bpftool(void)
{
	const char *argv[] = { "bpftool", "version", NULL };

	if (run_cmd(argv, NULL) == 0)
		return true;
	test__skip("bpftool is not installed (scripts/install-deps.sh)");
	return false;
}

static void test_setup(void)
{
	struct uobj_opts o = { .quiet = true, .setup =
		"bpftool map update pinned \"$XDP_PERF_PIN_DIR/uo_verdicts\" "
		"key 198 18 0 1 value 3 0 0 0 && "
		"test \"$XDP_PERF_PROG\" = user_obj && test -n \"$XDP_PERF_PROG_ID\"" };
	struct uobj_opts bad = { .quiet = true,
				 .setup = "echo broken-setup; exit 3" };
	unsigned char pkt[PKT_MAX_FRAME];
	char obj[PATH_MAX], err[512];
	__u32 len = udp4_frame(pkt, 64, 0);
	struct uobj u;

	if (!obj_path(obj, sizeof(obj), OBJ) || !have_bpftool())
		return;
	if (ASSERT_OK(open_obj(obj, &o, &u, err, sizeof(err)), err))
		ASSERT_EQ(run_once(u.prog_fd, pkt, len), XDP_TX,
			  "verdict from the entry --setup stored");
	uobj_close(&u);
	ASSERT_ERR(open_obj(obj, &bad, &u, err, sizeof(err)), "failing --setup");
	ASSERT_EQ(uobj_exit_status(&u), 1, "exit status of a failed --setup");
	ASSERT_TRUE(strstr(err, "exit status 3"), err);
	ASSERT_TRUE(log_has("broken-setup"), "its output shown");
	uobj_close(&u);
}

static int measure_verdict(const struct uobj *u, const void *pkt, __u32 len,
			   struct measure_result *res)
{
	struct measure_spec spec = {
		.prog_fd = u->prog_fd, .pkt = pkt, .pkt_len = len,
		.any_verdict = true, .tune = { .reps = 2, .target_ms = 1 },
	};

	return measure_point(&spec, res);
}

/* Every xdp-filter object measured; dny_ip passes the source --setup allows. */
static void test_xdpfilt(void)
{
	struct uobj_opts allow = { .quiet = true, .setup =
		"bpftool map update pinned \"$XDP_PERF_PIN_DIR/filter_ipv4\" "
		"key 198 18 0 1 value 1 0 0 0 0 0 0 0" };
	unsigned char pkt[PKT_MAX_FRAME];
	__u32 len = udp4_frame(pkt, 64, 0);
	struct measure_result res;
	char err[512];
	glob_t g = {};

	if (glob(XDPFILT_GLOB, 0, NULL, &g)) {
		test__skip("xdp-tools is not installed (apt-get install xdp-tools): no xdpfilt_*.o");
		return;
	}
	for (size_t i = 0; i < g.gl_pathc; i++) {
		const char *path = g.gl_pathv[i];
		struct uobj u;

		if (ASSERT_OK(open_obj(path, NULL, &u, err, sizeof(err)), err) &&
		    ASSERT_OK(measure_verdict(&u, pkt, len, &res), path))
			test__info("%s: %s %.1f ns/pkt", path,
				   xdp_verdict_name(res.verdict), res.ns.mean);
		if (strstr(path, "xdpfilt_dny_ip.o"))
			ASSERT_EQ(res.verdict, XDP_DROP, "dny_ip: source not allowed");
		uobj_close(&u);
		if (!strstr(path, "xdpfilt_dny_ip.o") || !have_bpftool())
			continue;
		if (ASSERT_OK(open_obj(path, &allow, &u, err, sizeof(err)), err) &&
		    ASSERT_OK(measure_verdict(&u, pkt, len, &res), path))
			ASSERT_EQ(res.verdict, XDP_PASS, "dny_ip: source allowed by --setup");
		uobj_close(&u);
	}
	globfree(&g);
}

/* ---- captures ---- */

static void dump(struct frame_writer *w, const void *data, __u32 len,
		 __u32 caplen, int times)
{
	while (times--)
		frame_writer_add(w, data, len, caplen);
}

/* 13 packets: 5 distinct measurable frames (10 packets), 3 skipped. */
static bool write_capture(const char *path)
{
	unsigned char f[5][PKT_MAX_FRAME], big[2000] = {};
	struct frame_writer *w = frame_writer_open(path);
	__u32 len[5];

	if (!ASSERT_OK_PTR(w, "frame_writer_open"))
		return false;
	len[0] = udp4_frame(f[0], 64, 0);
	len[1] = tcp4_frame(f[1]);
	len[2] = udp4_frame(f[2], 68, 10);
	len[3] = arp_frame(f[3]);
	len[4] = ipv6_frame(f[4]);
	dump(w, f[0], len[0], len[0], 4);
	dump(w, f[1], len[1], len[1], 2);
	dump(w, f[2], len[2], len[2], 2);
	dump(w, f[3], len[3], len[3], 1);
	dump(w, f[4], len[4], len[4], 1);
	dump(w, f[0], 10, 10, 1);			/* runt */
	dump(w, big, sizeof(big), sizeof(big), 1);	/* beyond the MTU */
	dump(w, f[0], len[0], 40, 1);			/* cut by the snap length */
	return ASSERT_OK(frame_writer_close(w), "capture written");
}

static void check_frame_set(const char *path)
{
	struct frame_set fs = {};
	char err[512];
	const __u64 counts[] = { 4, 2, 2, 1, 1 };

	if (!ASSERT_OK(frame_set_read_pcap(&fs, path, 64, err, sizeof(err)), err))
		return;
	ASSERT_EQ(fs.packets, 13, "packets");
	ASSERT_EQ(fs.nr, 5, "distinct frames");
	for (int i = 0; i < fs.nr && i < 5; i++)
		ASSERT_EQ(fs.frames[i].count, counts[i], "count, most frequent first");
	ASSERT_EQ(fs.short_pkts, 1, "runt skipped");
	ASSERT_EQ(fs.long_pkts, 1, "over the MTU skipped");
	ASSERT_EQ(fs.cut_pkts, 1, "cut by the snap length skipped");
	ASSERT_EQ(frame_set_measured_pkts(&fs), 10, "packets measured");
	frame_set_free(&fs);
	if (!ASSERT_OK(frame_set_read_pcap(&fs, path, 2, err, sizeof(err)), err))
		return;
	ASSERT_EQ(fs.nr, 2, "--pcap-max 2");
	ASSERT_EQ(fs.nr_beyond, 3, "frames not measured");
	ASSERT_EQ(fs.beyond_pkts, 4, "their packets");
	frame_set_free(&fs);
}

static void check_hex(void)
{
	unsigned char buf[FRAME_MAX_LEN];
	__u32 len = 0;

	ASSERT_OK(frame_parse_hex("ff:ff:ff:ff:ff:ff 02-00-00-00-0a-01 0806",
				  buf, sizeof(buf), &len), "hex with separators");
	ASSERT_EQ(len, 14, "hex length");
	ASSERT_EQ(buf[12], 0x08, "hex byte");
	ASSERT_ERR(frame_parse_hex("ffffffffffff0200000a010", buf, sizeof(buf),
				   &len), "odd number of digits");
	ASSERT_ERR(frame_parse_hex("ffff", buf, sizeof(buf), &len), "too short");
	ASSERT_ERR(frame_parse_hex("zz", buf, sizeof(buf), &len), "not hex");
}

/* Weighted mean = sum of each frame's share of the measured packets x mean. */
static void check_weighted(const char *dir)
{
	const double share[] = { 0.4, 0.2, 0.2, 0.1, 0.1 };
	double sum = 0, weighted = NAN;
	struct dataset ds;
	char err[512];
	int frames = 0;

	if (!ASSERT_OK(ds_load(dir, &ds, err, sizeof(err)), err))
		return;
	for (int i = 0; i < ds.nr_pts; i++) {
		const struct ds_point *p = &ds.pts[i];

		if (strcmp(p->id.property, "pcap") ||
		    strcmp(p->id.metric, "ns_per_pkt"))
			continue;
		if (!strcmp(p->id.op, "weighted")) {
			weighted = p->st.mean;
		} else if (p->id.n >= 1 && p->id.n <= 5) {
			sum += share[p->id.n - 1] * p->st.mean;
			frames++;
		}
	}
	ASSERT_EQ(frames, 5, "a point per frame");
	ASSERT_DBL_NEAR(weighted, sum, 1e-6 * sum, "traffic-weighted mean");
	ASSERT_TRUE(ds_env(&ds, "cache_llc"), "cache sizes in the environment");
	ds_free(&ds);
}

static bool check_line(const char *out, const char *what, const char *verdict)
{
	const char *l = strstr(out, what);
	size_t n = l ? strcspn(l, "\n") : 0;

	if (ASSERT_TRUE(l && memmem(l, n, verdict, strlen(verdict)), what))
		return true;
	test__log("wanted %s with %s in:", what, verdict);
	log_output("stdout", out, true);
	return false;
}

static void test_pcap(void)
{
	static const struct self_opts opts = { .timeout_ms = RUN_TIMEOUT_MS };
	char dir[64], cap[PATH_MAX], res[PATH_MAX], js[PATH_MAX];
	struct self_run run = {};
	char fwd[PATH_MAX];
	bool ok = false;
	int rc;

	check_hex();
	if (!test__need_bpf() || !obj_path(fwd, sizeof(fwd), "bpf/xdp_fwd.bpf.o") ||
	    !make_tmp(dir, sizeof(dir)))
		return;
	snprintf(cap, sizeof(cap), "%s/mixed.pcap", dir);
	snprintf(res, sizeof(res), "%s/res", dir);
	snprintf(js, sizeof(js), "%s/summary.json", dir);
	if (!write_capture(cap))
		goto out;
	check_frame_set(cap);
	rc = run_self(&run, &opts, "--obj", fwd, "--pcap", cap, "--reps", "3",
		      "--target-ms", "1", "--out", res, "-J", js);
	if (!ASSERT_EQ(rc, 0, "test_perf --obj --pcap")) {
		log_output("stdout", run.out, true);
		log_output("stderr", run.err, true);
		goto out;
	}
	ok = check_line(run.out, "IPv4/UDP " SRC_ADDR, "XDP_REDIRECT");
	ok &= check_line(run.out, "IPv4/TCP " SRC_ADDR, "XDP_REDIRECT");
	ok &= check_line(run.out, "VLAN 10 IPv4/UDP", "XDP_REDIRECT");
	ok &= check_line(run.out, "ARP", "XDP_PASS");
	ok &= check_line(run.out, "IPv6/UDP 2001:2::1", "XDP_PASS");
	ok &= check_line(run.out, "weighted by traffic (10 packets)", "ns/pkt");
	ok &= check_line(run.out, "verdicts by traffic",
			 "XDP_PASS 20.0%, XDP_REDIRECT 80.0%");
	ok &= ASSERT_OK(access(js, R_OK), "-J summary written");
	check_weighted(res);
	/* one frame by hand: the ARP request */
	rc = run_self(&run, &opts, "--obj", fwd, "--frame-hex",
		      "ffffffffffff020000000a0108060001080006040001"
		      "020000000a01c612000100000000000000c6120002",
		      "--reps", "2", "--target-ms", "1");
	ok &= ASSERT_EQ(rc, 0, "test_perf --obj --frame-hex") &&
	      check_line(run.out, "ARP", "XDP_PASS");
out:
	self_run_free(&run);
	drop_tmp(dir, ok);
}

void test_user_obj(void)
{
	if (test__start_subtest("log_tail"))
		test_log_tail();
	if (!test__need_bpf())
		return;
	if (test__start_subtest("load_errors"))
		test_load_errors();
	if (test__start_subtest("globals"))
		test_globals();
	if (test__start_subtest("pinned_maps"))
		test_pinned_maps();
	if (test__start_subtest("setup"))
		test_setup();
	if (test__start_subtest("xdpfilt"))
		test_xdpfilt();
	if (test__start_subtest("pcap"))
		test_pcap();
}
