// SPDX-License-Identifier: GPL-2.0
/*
 * The base forwarder: what it does to every kind of frame (functional, via
 * BPF_PROG_TEST_RUN with data_out) and what it costs at every frame size.
 */
#include <limits.h>
#include <math.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>

#include "test_perf.h"
#include "fwd_bench.h"
#include "runner.h"
#include "results.h"
#include "rounds.h"
#include "stats.h"
#include "xdp_fwd.h"
#include "xdp_fwd.skel.h"

#define ETH_LEN		14
#define VLAN_LEN	4

/* Independent of packets.c on purpose: the checker must not share bugs. */
static __u16 ref_ipv4_csum(const unsigned char *hdr, int len)
{
	__u32 sum = 0;

	for (int i = 0; i + 1 < len; i += 2)
		sum += (hdr[i] << 8) | hdr[i + 1];
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)~sum;	/* 0 when the header's checksum is right */
}

struct fwd_frame {
	unsigned char buf[PKT_MAX_FRAME + 64];
	__u32 len;
};

static void base_frame(struct fwd_frame *f, struct fwd_bench *fb, int size)
{
	fwd_bench_frame(fb, size, f->buf, NULL, &f->len);
}

static int run_frame(int prog_fd, const struct fwd_frame *in,
		     struct fwd_frame *out, __u32 *verdict)
{
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = in->buf,
		.data_size_in = in->len,
		.data_out = out->buf,
		.data_size_out = sizeof(out->buf),
		.repeat = 1,
	);
	int err = bpf_prog_test_run_opts(prog_fd, &opts);

	*verdict = opts.retval;
	out->len = opts.data_size_out;
	return err;
}

/* Run one frame; the verdict and the reason counter must both match. */
static bool expect_reason(struct xdp_fwd *skel, struct fwd_bench *fb,
			  const struct fwd_frame *in, struct fwd_frame *out,
			  __u32 want_verdict, __u32 reason)
{
	__u64 before = 0, after = 0;
	__u32 verdict = 0;

	if (!ASSERT_OK(fwd_bench_count(fb, reason, &before), "count before"))
		return false;
	if (!ASSERT_OK(run_frame(bpf_program__fd(skel->progs.xdp_fwd), in,
				 out, &verdict), "test_run"))
		return false;
	if (!ASSERT_EQ(verdict, want_verdict, "verdict"))
		return false;
	if (!ASSERT_OK(fwd_bench_count(fb, reason, &after), "count after"))
		return false;
	return ASSERT_EQ(after - before, 1, "reason counter");
}

/* A frame the forwarder must leave to the stack untouched. */
static void check_passed(struct xdp_fwd *skel, struct fwd_bench *fb,
			 const struct fwd_frame *in, __u32 reason)
{
	struct fwd_frame out;

	if (!expect_reason(skel, fb, in, &out, XDP_PASS, reason))
		return;
	ASSERT_EQ(out.len, in->len, "passed length");
	ASSERT_MEMEQ(out.buf, in->buf, in->len, "passed frame unchanged");
}

/* A frame the forwarder must send on with a router's rewrite. */
static void check_forwarded(struct xdp_fwd *skel, struct fwd_bench *fb,
			    const struct fwd_frame *in, int l3_off,
			    __u32 verdict, __u32 reason)
{
	const unsigned char port_b_src[] = { 0x02, 0, 0, 0, 0x0b, 0x01 };
	const unsigned char port_b_dst[] = { 0x02, 0, 0, 0, 0x0b, 0x02 };
	const unsigned char *ip_in = in->buf + l3_off;
	struct fwd_frame out;
	const unsigned char *ip;
	int ihl;

	if (!expect_reason(skel, fb, in, &out, verdict, reason))
		return;
	ip = out.buf + l3_off;
	ihl = (ip[0] & 0xf) * 4;
	ASSERT_EQ(out.len, in->len, "forwarded length");
	ASSERT_MEMEQ(out.buf, port_b_dst, 6, "destination MAC");
	ASSERT_MEMEQ(out.buf + 6, port_b_src, 6, "source MAC");
	ASSERT_EQ(ip[8], ip_in[8] - 1, "TTL decremented");
	ASSERT_EQ(ref_ipv4_csum(ip, ihl), 0, "IPv4 header checksum");
	/* nothing else changed: rest of the header and the payload */
	ASSERT_MEMEQ(out.buf + 12, in->buf + 12, l3_off - 12, "L2 type/tag");
	ASSERT_MEMEQ(ip + 9, ip_in + 9, 1, "protocol");
	ASSERT_MEMEQ(ip + 12, ip_in + 12, in->len - l3_off - 12,
		     "addresses, options and payload");
}

/* Insert an 802.1Q tag after the MAC addresses. */
static void add_vlan(struct fwd_frame *f, __u16 vid)
{
	memmove(f->buf + 16, f->buf + 12, f->len - 12);
	f->buf[12] = 0x81;
	f->buf[13] = 0x00;
	f->buf[14] = (vid >> 8) & 0x0f;
	f->buf[15] = vid & 0xff;
	f->len += VLAN_LEN;
}

static void set_ip_csum(unsigned char *ip)
{
	__u16 sum;

	ip[10] = ip[11] = 0;
	sum = ref_ipv4_csum(ip, (ip[0] & 0xf) * 4);
	ip[10] = sum >> 8;
	ip[11] = sum & 0xff;
}

/* Grow the IPv4 header by 4 B of options (NOP x4), frame size kept. */
static void add_ip_options(struct fwd_frame *f)
{
	unsigned char *ip = f->buf + ETH_LEN;

	memmove(ip + 24, ip + 20, f->len - ETH_LEN - 24);
	memset(ip + 20, 1, 4);
	ip[0] = 0x46;	/* total length still covers the frame */
	set_ip_csum(ip);
}

static void test_functional(struct xdp_fwd *skel, struct fwd_bench *fb)
{
	struct fwd_frame f;
	unsigned char *ip = f.buf + ETH_LEN;

	if (test__start_subtest("forward")) {
		base_frame(&f, fb, 64);
		check_forwarded(skel, fb, &f, ETH_LEN, XDP_REDIRECT,
				FWD_REDIRECT);
	}
	if (test__start_subtest("forward_1500")) {
		base_frame(&f, fb, 1500);
		check_forwarded(skel, fb, &f, ETH_LEN, XDP_REDIRECT,
				FWD_REDIRECT);
	}
	if (test__start_subtest("vlan_ipv4")) {
		base_frame(&f, fb, 64);
		add_vlan(&f, 42);
		check_forwarded(skel, fb, &f, ETH_LEN + VLAN_LEN, XDP_REDIRECT,
				FWD_REDIRECT);
	}
	if (test__start_subtest("ip_options")) {
		base_frame(&f, fb, 128);
		add_ip_options(&f);
		check_forwarded(skel, fb, &f, ETH_LEN, XDP_REDIRECT,
				FWD_REDIRECT);
	}
	/* test_run refuses frames under 14 B: a cut VLAN header it is */
	if (test__start_subtest("trunc_eth")) {
		base_frame(&f, fb, 64);
		add_vlan(&f, 7);
		f.len = ETH_LEN + 2;
		check_passed(skel, fb, &f, FWD_PASS_TRUNC_ETH);
	}
	if (test__start_subtest("trunc_ipv4")) {
		base_frame(&f, fb, 64);
		f.len = ETH_LEN + 19;
		check_passed(skel, fb, &f, FWD_PASS_TRUNC_IP);
	}
	if (test__start_subtest("bad_version")) {
		base_frame(&f, fb, 64);
		ip[0] = 0x65;
		set_ip_csum(ip);
		check_passed(skel, fb, &f, FWD_PASS_BAD_VERSION);
	}
	if (test__start_subtest("ihl_lt_5")) {
		base_frame(&f, fb, 64);
		ip[0] = 0x44;
		check_passed(skel, fb, &f, FWD_PASS_BAD_IHL);
	}
	if (test__start_subtest("totlen_gt_frame")) {
		base_frame(&f, fb, 64);
		ip[2] = 0x05;	/* 1280 B in a 60 B frame */
		ip[3] = 0x00;
		set_ip_csum(ip);
		check_passed(skel, fb, &f, FWD_PASS_BAD_TOTLEN);
	}
	if (test__start_subtest("totlen_lt_ihl")) {
		base_frame(&f, fb, 64);
		ip[2] = 0;
		ip[3] = 16;
		set_ip_csum(ip);
		check_passed(skel, fb, &f, FWD_PASS_BAD_TOTLEN);
	}
	if (test__start_subtest("ttl_1")) {
		base_frame(&f, fb, 64);
		ip[8] = 1;
		set_ip_csum(ip);
		check_passed(skel, fb, &f, FWD_PASS_TTL);
		ip[8] = 0;
		set_ip_csum(ip);
		check_passed(skel, fb, &f, FWD_PASS_TTL);
	}
	if (test__start_subtest("arp")) {
		base_frame(&f, fb, 64);
		f.buf[12] = 0x08;
		f.buf[13] = 0x06;
		check_passed(skel, fb, &f, FWD_PASS_NOT_IPV4);
	}
	if (test__start_subtest("ipv6")) {
		base_frame(&f, fb, 128);
		f.buf[12] = 0x86;
		f.buf[13] = 0xdd;
		ip[0] = 0x60;
		check_passed(skel, fb, &f, FWD_PASS_NOT_IPV4);
	}
}

static void test_no_port(struct xdp_fwd *skel, struct fwd_bench *fb)
{
	__u32 port = FWD_PORT_B;
	struct fwd_frame f;

	if (!test__start_subtest("no_port"))
		return;
	base_frame(&f, fb, 64);
	if (!ASSERT_OK(bpf_map_delete_elem(fb->ctl.tx_ports_fd, &port),
		       "delete devmap entry"))
		return;
	check_passed(skel, fb, &f, FWD_PASS_NO_PORT);
	fwd_bench_init(fb, skel->obj, false);	/* restore the ports */
}

static void test_xdp_tx(struct xdp_fwd *skel)
{
	struct fwd_bench fb;
	struct fwd_frame f;

	if (!test__start_subtest("forward_tx"))
		return;
	if (!ASSERT_OK(fwd_bench_init(&fb, skel->obj, true), "tx config"))
		return;
	base_frame(&f, &fb, 64);
	check_forwarded(skel, &fb, &f, ETH_LEN, XDP_TX, FWD_TX);
	fwd_bench_init(&fb, skel->obj, false);
}

/*
 * The timing method's own checks, both able to fail. The kernel's
 * duration is floor(wall ns of the loop / runs), taken inside the loop;
 * the engine's figure is the thread's CPU time of the call minus the
 * per-call cost, over the runs. They must agree both ways within 1 ns
 * (the truncation) + 2%: on 10 ms loops, where the per-call cost is
 * invisible, and on loops of SHORT_REPEAT runs, where it is ~10% of the
 * call and a wrong subtraction shows.
 */
#define SHORT_REPEAT	1000
#define SHORT_CALLS	25

static bool agrees(double cpu_ns, double kernel_ns)
{
	return fabs(cpu_ns - kernel_ns) <= 1.0 + 0.02 * kernel_ns;
}

static void check_short_loops(int fd, const struct fwd_frame *f)
{
	double d[SHORT_CALLS], raw[SHORT_CALLS], k[SHORT_CALLS], fixed = 0;
	double c, calls[5];
	__u32 kns;
	int i, link;

	link = engine_pin_prog(fd);	/* as measure_point() does */
	for (i = 0; i < 5; i++)
		if (!ASSERT_OK(measure_call_ns(fd, f->buf, f->len, 2, &calls[i],
					       NULL, NULL), "call 2"))
			goto out;
	fixed = stats_median(calls, 5);
	for (i = 0; i < SHORT_CALLS; i++) {
		if (!ASSERT_OK(measure_call_ns(fd, f->buf, f->len, SHORT_REPEAT,
					       &c, &kns, NULL), "short call"))
			goto out;
		d[i] = (c - fixed) / SHORT_REPEAT;
		raw[i] = c / SHORT_REPEAT;
		k[i] = kns;
	}
	test__info("repeat %d: %.3f ns/run with the per-call cost (%.0f ns) removed, %.3f without, kernel %.0f ns",
		   SHORT_REPEAT, stats_median(d, SHORT_CALLS), fixed,
		   stats_median(raw, SHORT_CALLS), stats_median(k, SHORT_CALLS));
	ASSERT_TRUE(agrees(stats_median(d, SHORT_CALLS),
			   stats_median(k, SHORT_CALLS)),
		    "short loops: CPU-time figure within 1 ns + 2% of the kernel's");
out:
	if (link >= 0)
		close(link);
}

static void test_timing_method(struct xdp_fwd *skel, struct fwd_bench *fb)
{
	int fd = bpf_program__fd(skel->progs.xdp_fwd);
	struct measure_result res;
	struct fwd_frame f;

	if (!test__start_subtest("timing_method"))
		return;
	if (results_env()->emulated) {
		test__skip("emulated CPU (TCG): timings are not meaningful");
		return;
	}
	base_frame(&f, fb, 64);
	if (!ASSERT_OK(fwd_bench_measure(fb, fd, 64, &res), "measure 64B")) {
		test__log("engine: %s", res.error);
		return;
	}
	ASSERT_DBL_GT(res.ns.ci95_high, res.ns.ci95_low, "CI computed");
	ASSERT_EQ(res.ns.n, env.reps, "repetitions");
	test__info("%u runs per loop: %.3f ns/run, kernel %.0f ns", res.repeat,
		   res.ns.median, res.kernel_ns.median);
	ASSERT_TRUE(agrees(res.ns.median, res.kernel_ns.median),
		    "long loops: CPU-time figure within 1 ns + 2% of the kernel's");
	check_short_loops(fd, &f);
}

/*
 * ns/pkt at every frame size, in rounds: each a fresh load of the
 * forwarder's object, beside another load of it, the reference. Their
 * ratio (rel_ref) is an A/A test in every run.
 */
static void test_perf_sizes(void)
{
	struct round_prog *fwd = NULL;
	char path[PATH_MAX];
	struct round_set rs;

	if (!test__start_subtest("perf"))
		return;
	if (!ASSERT_OK(test__path(path, sizeof(path), "bpf/xdp_fwd.bpf.o"),
		       "bpf/xdp_fwd.bpf.o beside test_perf"))
		return;
	fwd = round_prog_fwd_file(path, "xdp_fwd", env.sizes, env.nr_sizes);
	if (!ASSERT_OK_PTR(fwd, "program") ||
	    !ASSERT_OK(rounds_init(&rs), "rounds"))
		goto out;
	fwd->key = (struct point_id){
		.property = "base", .n = 0, .variant = "redirect",
		.mode = "test_run",
	};
	if (ASSERT_OK(rounds_add(&rs, fwd), "rounds_add") &&
	    ASSERT_OK(rounds_add_reference(&rs, env.sizes, env.nr_sizes),
		      "reference"))
		rounds_run(&rs);
	rounds_record_reference(&rs);
	for (int s = 0; s < fwd->nr_sizes; s++) {
		struct sample_stats ns;
		struct round_info ri;

		if (!ASSERT_OK(rounds_record(&rs, fwd, s, &fwd->key),
			       "measured")) {
			test__log("%d B: %s", fwd->sizes[s],
				  fwd->series[s].err ? fwd->series[s].why :
				  fwd->load_why);
			continue;
		}
		rounds_summary(&rs, fwd, s, &ns, &ri);
		ASSERT_EQ(ri.rounds, rs.rounds, "measured in every round");
		ASSERT_EQ(rs.ref->series[s].done, rs.rounds,
			  "reference recorded in every round");
		ASSERT_DBL_GT(ns.ci95_high, ns.ci95_low, "CI computed");
	}
	rounds_free(&rs);
out:
	round_prog_fwd_file_free(fwd);
}

void test_xdp_fwd(void)
{
	struct xdp_fwd *skel;
	struct fwd_bench fb;

	if (!test__need_bpf())
		return;
	skel = xdp_fwd__open_and_load();
	if (!ASSERT_OK_PTR(skel, "xdp_fwd__open_and_load"))
		return;
	if (!ASSERT_OK(fwd_bench_init(&fb, skel->obj, false), "fwd_bench_init"))
		goto out;

	test_functional(skel, &fb);
	test_no_port(skel, &fb);
	test_xdp_tx(skel);
	test_timing_method(skel, &fb);
	test_perf_sizes();
out:
	xdp_fwd__destroy(skel);
}
