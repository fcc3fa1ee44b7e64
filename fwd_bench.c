// SPDX-License-Identifier: GPL-2.0
/* The base forwarder under BPF_PROG_TEST_RUN (see fwd_bench.h). */
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>

#include "test_perf.h"
#include "fwd_bench.h"
#include "runner.h"

/* test_run delivers frames as if received on the netns' loopback */
#define TEST_RUN_IFINDEX 1

static const struct fwd_port bench_ports[FWD_PORT_MAX] = {
	[FWD_PORT_A] = { .src_mac = { 0x02, 0, 0, 0, 0x0a, 0x01 },
			 .dst_mac = { 0x02, 0, 0, 0, 0x0a, 0x02 } },
	[FWD_PORT_B] = { .src_mac = { 0x02, 0, 0, 0, 0x0b, 0x01 },
			 .dst_mac = { 0x02, 0, 0, 0, 0x0b, 0x02 } },
};

int fwd_bench_init(struct fwd_bench *fb, struct bpf_object *obj, bool use_tx)
{
	struct fwd_ctl_cfg cfg = {
		.config = {
			.port_a_ifindex = TEST_RUN_IFINDEX,
			.use_tx = use_tx,
		},
	};
	__u32 port;
	int err;

	memset(fb, 0, sizeof(*fb));
	err = fwd_ctl_open(&fb->ctl, obj);
	if (err)
		return err;	/* not built on xdp_fwd_base.bpf.h */
	/* non-live test_run never transmits: loopback is a valid target */
	for (port = 0; port < FWD_PORT_MAX; port++)
		fwd_ctl_cfg_port(&cfg, port, TEST_RUN_IFINDEX,
				 bench_ports[port].src_mac,
				 bench_ports[port].dst_mac);
	fb->config = cfg.config;
	return fwd_ctl_configure(&fb->ctl, &cfg);
}

int fwd_bench_count(struct fwd_bench *fb, __u32 reason, __u64 *value)
{
	return fwd_ctl_count(&fb->ctl, reason, value);
}

int fwd_bench_frame(struct fwd_bench *fb, unsigned int frame_size,
		    void *pkt, void *expect, __u32 *len)
{
	const struct fwd_port *egress = &bench_ports[FWD_PORT_B];
	struct ethhdr *eth = expect;
	struct iphdr ip;	/* at byte 14 of the frame: not aligned */
	struct pkt_spec spec;
	struct pkt_rng rng;
	int n;

	pkt_spec_init(&spec, frame_size);
	spec.src = env.src_prefix;
	spec.dst = env.dst_prefix;
	pkt_rng_seed(&rng, env.seed ^ ((__u64)frame_size << 32));
	n = pkt_build_udp4(&spec, &rng, pkt, PKT_BUF_LEN(frame_size));
	if (n < 0)
		return n;
	*len = n;
	if (!expect)
		return 0;
	/* what a router makes of it: new MACs, TTL - 1, header checksum */
	memcpy(expect, pkt, n);
	memcpy(eth->h_dest, egress->dst_mac, ETH_ALEN);
	memcpy(eth->h_source, egress->src_mac, ETH_ALEN);
	memcpy(&ip, eth + 1, sizeof(ip));
	ip.ttl--;
	ip.check = 0;
	ip.check = htons(pkt_csum(&ip, sizeof(ip)));
	memcpy(eth + 1, &ip, sizeof(ip));
	return 0;
}

struct fwd_hook_ctx {
	struct fwd_bench *fb;
	__u32 reason;
};

/* Timed runs rearm TTL and checksum after the rewrite: same input each run. */
static int fwd_hook_arm(void *ctx, bool timed)
{
	struct fwd_hook_ctx *h = ctx;
	struct fwd_config config = h->fb->config;

	config.rearm = timed;
	return fwd_ctl_set_config(&h->fb->ctl, &config);
}

static int fwd_hook_count(void *ctx, __u64 *value)
{
	struct fwd_hook_ctx *h = ctx;

	return fwd_bench_count(h->fb, h->reason, value);
}

int fwd_bench_measure(struct fwd_bench *fb, int prog_fd,
		      unsigned int frame_size, struct measure_result *res)
{
	return fwd_bench_measure_tuned(fb, prog_fd, frame_size, NULL, res);
}

int fwd_bench_run(struct fwd_bench *fb, int prog_fd, unsigned int frame_size,
		  __u32 runs, __u32 *verdict)
{
	unsigned char pkt[PKT_MAX_FRAME];
	struct fwd_config config = fb->config;
	__u32 len, last;
	double ns;
	int err;

	err = fwd_bench_frame(fb, frame_size, pkt, NULL, &len);
	if (err)
		return err;
	/* the same input every run, as in timed runs */
	config.rearm = true;
	err = fwd_ctl_set_config(&fb->ctl, &config) ?:
	      measure_call_ns(prog_fd, pkt, len, runs, &ns, NULL, &last);
	if (!err && verdict)
		*verdict = last;
	return err;
}

int fwd_bench_measure_tuned(struct fwd_bench *fb, int prog_fd,
			    unsigned int frame_size,
			    const struct measure_tune *tune,
			    struct measure_result *res)
{
	unsigned char pkt[PKT_MAX_FRAME], expect[PKT_MAX_FRAME];
	bool use_tx = fb->config.use_tx;
	struct fwd_hook_ctx hctx = {
		.fb = fb,
		.reason = use_tx ? FWD_TX : FWD_REDIRECT,
	};
	struct measure_spec spec = {
		.prog_fd = prog_fd,
		.pkt = pkt,
		.expect_verdict = use_tx ? XDP_TX : XDP_REDIRECT,
		.expect_out = expect,
		.hooks = { .ctx = &hctx, .arm = fwd_hook_arm,
			   .count = fwd_hook_count },
	};
	int err;

	err = fwd_bench_frame(fb, frame_size, pkt, expect, &spec.pkt_len);
	if (err) {
		memset(res, 0, sizeof(*res));
		snprintf(res->error, sizeof(res->error),
			 "cannot build a %u B frame", frame_size);
		return err;
	}
	spec.expect_out_len = spec.pkt_len;
	if (tune)
		spec.tune = *tune;
	return measure_point(&spec, res);
}
