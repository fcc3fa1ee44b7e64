// SPDX-License-Identifier: GPL-2.0
/*
 * The DUT on host NICs the user named (--dut-dev IN,OUT; --offload-dev),
 * traffic from an external generator: the program is attached, counters
 * are read over windows of --duration, and the rates and CPU cost that
 * follow are recorded.
 */
#include <math.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>

#include "test_perf.h"
#include "ifcheck.h"
#include "results.h"
#include "util.h"
#include "wire_priv.h"

struct devrun_snap {
	__u64 reasons[FWD_REASON_MAX];
	bool have_dut;
	struct netns_link_stats in, out;
	double busy_ns, t_ns;
	__u64 run_ns, run_cnt;
};

struct devrun_samples {
	int n;
	double mpps_in[WIRE_MAX_REPS], mpps_fwd[WIRE_MAX_REPS];
	double mpps_out[WIRE_MAX_REPS], gbps_out[WIRE_MAX_REPS];
	double drop_pct_in[WIRE_MAX_REPS];
	double host_ns[WIRE_MAX_REPS], host_pct[WIRE_MAX_REPS];
	/* a window without loss at IN: the DUT's zero-loss rate is >= it */
	double gen_limited[WIRE_MAX_REPS], zero_loss[WIRE_MAX_REPS];
	double prog_ns[WIRE_MAX_REPS], prog_pct[WIRE_MAX_REPS];
	int nr_prog;
	double frame_bytes;
};

static void devrun_snap(const struct wire_dut *d, const char *in,
			const char *out, struct devrun_snap *s)
{
	memset(s, 0, sizeof(*s));
	s->have_dut = !fwd_ctl_counts(&d->fwd, s->reasons);
	netns_link_stats(NULL, in, &s->in);
	netns_link_stats(NULL, out, &s->out);
	wire_counters_prog_run(d->prog_fd, &s->run_ns, &s->run_cnt);
	s->busy_ns = wire_counters_cpu_busy_ns(NULL, 0);
	s->t_ns = mono_ns();
}

/* Sleep through one window while the external generator sends. */
static void devrun_window(const struct wire_dut *d, const char *in,
			  const char *out, struct devrun_snap *a,
			  struct devrun_snap *b)
{
	double end;

	devrun_snap(d, in, out, a);
	end = a->t_ns + wire_opts.duration_ms * 1e6;
	while (mono_ns() < end && !test__stopping())
		usleep(10000);
	devrun_snap(d, in, out, b);
}

static void devrun_record(struct devrun_samples *s, const struct devrun_snap *a,
			  const struct devrun_snap *b, bool stats_window)
{
	double t = b->t_ns - a->t_ns, fwd = 0, rx, out_pkts;
	int i = s->n;

	if (t <= 0)
		return;
	if (stats_window) {
		if (b->run_cnt > a->run_cnt) {
			s->prog_ns[s->nr_prog] = (double)(b->run_ns - a->run_ns) /
						 (b->run_cnt - a->run_cnt);
			s->prog_pct[s->nr_prog++] = 100.0 *
						    (b->run_ns - a->run_ns) / t;
		}
		return;
	}
	if (a->have_dut && b->have_dut)
		fwd = wire_delta(b->reasons[FWD_REDIRECT],
				 a->reasons[FWD_REDIRECT]) +
		      wire_delta(b->reasons[FWD_TX], a->reasons[FWD_TX]);
	rx = wire_delta(b->in.rx_packets, a->in.rx_packets);
	out_pkts = wire_delta(b->out.tx_packets, a->out.tx_packets);
	s->mpps_in[i] = rx * 1e3 / t;
	s->mpps_fwd[i] = fwd * 1e3 / t;
	s->mpps_out[i] = out_pkts * 1e3 / t;
	if (out_pkts)
		s->frame_bytes = (double)wire_delta(b->out.tx_bytes,
						    a->out.tx_bytes) /
				 out_pkts + PKT_FCS_LEN;
	s->gbps_out[i] = wire_gbps(out_pkts * NS_PER_S / t,
				   (unsigned int)s->frame_bytes);
	rx += wire_delta(b->in.rx_dropped, a->in.rx_dropped);
	s->drop_pct_in[i] = rx ? 100.0 * wire_delta(b->in.rx_dropped,
						    a->in.rx_dropped) / rx : 0;
	s->host_pct[i] = 100 * (b->busy_ns - a->busy_ns) / t;
	s->host_ns[i] = fwd ? (b->busy_ns - a->busy_ns) / fwd : 0;
	s->gen_limited[i] = fwd > 0 && !wire_delta(b->in.rx_dropped,
						   a->in.rx_dropped);
	s->zero_loss[i] = s->gen_limited[i] ? s->mpps_fwd[i] : NAN;
	s->n++;
}

static void devrun_results(const struct devrun_samples *s, enum wire_mode mode)
{
	struct point_id key = {
		.property = "dut_dev", .n = -1, .variant = "", .op = "",
		.frame_size = (int)(s->frame_bytes + 0.5),
		.mode = wire_mode_name(mode),
	};

	wire_metric_add(&key, METRIC_MPPS_IN, s->mpps_in, s->n);
	wire_metric_add(&key, METRIC_MPPS_FWD, s->mpps_fwd, s->n);
	wire_metric_add(&key, METRIC_MPPS_OUT, s->mpps_out, s->n);
	wire_metric_add(&key, METRIC_GBPS_OUT, s->gbps_out, s->n);
	wire_metric_add(&key, METRIC_DROP_PCT_IN, s->drop_pct_in, s->n);
	wire_metric_add(&key, METRIC_CPU_HOST_NS, s->host_ns, s->n);
	wire_metric_add(&key, METRIC_CPU_HOST_PCT, s->host_pct, s->n);
	/*
	 * The same CPU figures as the veth wire: here the DUT is the whole
	 * host (nothing else of the suite runs on it), its busy time over
	 * every CPU. The RFC 2544 search is the external generator's; per
	 * window the DUT says whether it lost frames at its input.
	 */
	wire_metric_add(&key, METRIC_DUT_CPU_PCT, s->host_pct, s->n);
	wire_metric_add(&key, METRIC_CPU_DUT_NS, s->host_ns, s->n);
	wire_metric_add(&key, METRIC_GENERATOR_LIMITED, s->gen_limited, s->n);
	wire_metric_add(&key, METRIC_MPPS_ZERO_LOSS, s->zero_loss, s->n);
	wire_metric_add(&key, METRIC_CPU_PROG_NS, s->prog_ns, s->nr_prog);
	wire_metric_add(&key, METRIC_CPU_PROG_PCT, s->prog_pct, s->nr_prog);
}

/* XDP_PASS on OUT: some drivers transmit redirected frames only then. */
static int devrun_attach_pass(struct wire_dut *d, struct bpf_object **pass_obj,
			      char *why, size_t len)
{
	bool netlink;
	int err;

	err = wire_traffic_pass_load(pass_obj, why, len);
	if (err)
		return err;
	err = wire_xdp_attach(NULL, d->out_ifindex,
			      wire_prog_fd(*pass_obj, "xdp_wire_pass"),
			      XDP_FLAGS_DRV_MODE, &d->pass_link_fd, &netlink);
	if (err)
		perf_msg(why, len, "cannot attach XDP to the egress port: %s",
			 strerror(-err));
	return err;
}

static int devrun_setup(struct wire_dut *d, struct bpf_object *obj,
			const char *in, const char *out, char *why, size_t len)
{
	static const unsigned char bcast[ETH_ALEN] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned char mac_in[ETH_ALEN], mac_out[ETH_ALEN];
	int in_idx = if_nametoindex(in), out_idx = if_nametoindex(out), err;

	if (!in_idx || !out_idx)
		return perf_msg(why, len, "no interface %s here", in_idx ? out : in),
		       WIRE_SKIP;
	d->ifindex = in_idx;
	d->out_ifindex = out_idx;
	err = netns_mac(NULL, in, mac_in);
	if (!err)
		err = netns_mac(NULL, out, mac_out);
	if (err)
		return perf_msg(why, len, "cannot read MACs: %s", strerror(-err)),
		       err;
	/* --next-hop, else broadcast: it reaches a back-to-back generator port */
	err = wire_dut_configure(d, obj, NULL, mac_in, ifcheck_next_hop(1, bcast),
				 mac_out, ifcheck_next_hop(0, bcast));
	if (err)
		perf_msg(why, len, "cannot configure the forwarder maps: %s",
			 strerror(-err));
	return err;
}

int wire_dut_dev_run(struct bpf_object *obj, struct bpf_program *prog,
		     enum wire_mode mode, const char *in, const char *out,
		     char *why, size_t len)
{
	struct wire_dut d = { .link_fd = -1, .pass_link_fd = -1,
			      .prog_fd = bpf_program__fd(prog), .mode = mode };
	struct devrun_samples *s = calloc(1, sizeof(*s));
	struct bpf_object *pass_obj = NULL;
	struct devrun_snap a, b;
	int reps = wire_reps(), rep, err, stats_fd = -1;
	bool pass_netlink = false, stats_sysctl = false;
	double sum;

	if (!s)
		return -ENOMEM;
	if (!out)
		out = in;	/* one port: the program answers with XDP_TX */
	err = devrun_setup(&d, obj, in, out, why, len);
	if (err)
		goto out;
	if (mode == WIRE_MODE_NATIVE && strcmp(in, out)) {
		err = devrun_attach_pass(&d, &pass_obj, why, len);
		if (err)
			goto out;
	}
	err = wire_xdp_attach(NULL, d.ifindex, d.prog_fd, wire_mode_flags(mode),
			      &d.link_fd, &d.netlink_attached);
	if (err) {
		perf_msg(why, len, "cannot attach to %s in %s mode: %s", in,
			 wire_mode_name(mode), strerror(-err));
		goto out;
	}
	for (rep = 0; rep < reps && !test__stopping(); rep++) {
		devrun_window(&d, in, out, &a, &b);
		devrun_record(s, &a, &b, false);
		if (mode == WIRE_MODE_OFFLOAD)
			continue;	/* offloaded programs have no run stats */
		if (wire_counters_stats_on(&stats_fd, &stats_sysctl))
			continue;
		devrun_window(&d, in, out, &a, &b);
		wire_counters_stats_off(stats_fd, stats_sysctl);
		devrun_record(s, &a, &b, true);
	}
	/* the forwarder's count when there is one: IN also sees ARP, ND, ... */
	for (rep = 0, sum = 0; rep < s->n; rep++)
		sum += d.fwd.stats_fd >= 0 ? s->mpps_fwd[rep] : s->mpps_in[rep];
	if (!sum) {
		perf_msg(why, len, "no frame forwarded from %s during the run: start the external generator first",
			 in);
		err = WIRE_SKIP;
		goto out;
	}
	devrun_results(s, mode);
	test__info("dut-dev %s: %.3f Mpps in, %.3f Mpps forwarded, %.3f Mpps out (avg frame %.0f B)",
		   wire_mode_name(mode), s->mpps_in[0], s->mpps_fwd[0],
		   s->mpps_out[0], s->frame_bytes);
out:
	wire_xdp_detach(NULL, d.ifindex, wire_mode_flags(mode), &d.link_fd,
			&d.netlink_attached);
	wire_xdp_detach(NULL, d.out_ifindex, XDP_FLAGS_DRV_MODE,
			&d.pass_link_fd, &pass_netlink);
	bpf_object__close(pass_obj);
	free(s);
	return err;
}

void wire_offload_bind(struct bpf_object *obj, struct bpf_program *prog)
{
	int ifindex = if_nametoindex(wire_opts.offload_dev);
	struct bpf_map *map;

	bpf_program__set_ifindex(prog, ifindex);
	bpf_object__for_each_map(map, obj)
		bpf_map__set_ifindex(map, ifindex);
}
