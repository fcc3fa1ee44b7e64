// SPDX-License-Identifier: GPL-2.0
/*
 * A wire session (see wire.h; the method is in docs/wire.md): open builds
 * the topology and brings generator and sink up, the DUT program is
 * attached and configured at port A (and its cost taken), close takes
 * everything down again.
 */
#include <linux/if_link.h>

#include "test_perf.h"
#include "results.h"
#include "util.h"
#include "wire_priv.h"

/* ---- layout ---- */

/*
 * CPUs: the DUT on the measuring CPU (--cpu, default the last one), the
 * generator threads below it. Isolated needs a CPU for the generator
 * besides the DUT's; otherwise everything shares, with a note.
 */
static void layout_cpus(struct wire *w, int ncpu)
{
	int top = env.cpu >= 0 ? env.cpu : ncpu - 1, skip, i;

	w->layout = wire_opts.layout == WIRE_LAYOUT_SHARED ?
		    WIRE_LAYOUT_SHARED : WIRE_LAYOUT_ISOLATED;
	if (w->layout == WIRE_LAYOUT_ISOLATED &&
	    wire_opts.gen_threads > ncpu - 1) {
		perf_msg(w->layout_note, sizeof(w->layout_note),
			 "%d CPU%s online, %d generator thread%s: no CPU left for the DUT alone, layout shared",
			 ncpu, ncpu > 1 ? "s" : "", wire_opts.gen_threads,
			 wire_opts.gen_threads > 1 ? "s" : "");
		w->layout = WIRE_LAYOUT_SHARED;
	}
	skip = w->layout == WIRE_LAYOUT_ISOLATED;
	w->dut_cpu = top;
	for (i = 0; i < wire_opts.gen_threads; i++)
		w->gen_cpus[i] = (top - skip - i + ncpu * WIRE_MAX_THREADS) %
				 ncpu;
	w->nr_gen_cpus = wire_opts.gen_threads;
	if (!skip)
		w->dut_cpu = w->gen_cpus[0];
}

/*
 * Threaded NAPI is what isolates the DUT: probe it on the sink's veth
 * (which has NAPI as soon as its program is attached) and fall back to the
 * shared layout, with the reason, where the kernel cannot do it. While the
 * wire is open, CPUs stay out of idle states slower than polling
 * (/dev/cpu_dma_latency, released when the fd closes, even at a crash):
 * a DUT CPU that halts between batches takes tens of microseconds to
 * wake in a VM, and the DUT's ring holds 256 frames.
 */
static void layout_probe(struct wire *w)
{
	const struct wire_topo *t = &w->topo;
	int err;

	w->cpu_latency_fd = -1;
	if (w->layout != WIRE_LAYOUT_ISOLATED)
		return;
	err = wire_napi_set_threaded(t->ns[WIRE_NS_SINK],
				     t->ifname[WIRE_DEV_SINK], true);
	if (!err)
		err = wire_napi_set_threaded(t->ns[WIRE_NS_SINK],
					     t->ifname[WIRE_DEV_SINK], false);
	if (err) {
		perf_msg(w->layout_note, sizeof(w->layout_note),
			 "threaded NAPI not available on veth here (%s): layout shared",
			 strerror(-err));
		w->layout = WIRE_LAYOUT_SHARED;
		w->dut_cpu = w->gen_cpus[0];
		return;
	}
	w->cpu_latency_fd = wire_cpu_latency_hold();
	w->dut_ksoftirqd = wire_counters_ksoftirqd(w->dut_cpu);
}

/*
 * Port A's NAPI on the DUT CPU, SCHED_FIFO so that no other task on that
 * CPU delays it (the ring overflows after 256 frames). The NAPI exists
 * only while a native program is attached or GRO is on, and every attach
 * brings a new one (a new kthread): called after each. The sink's NAPI
 * is not threaded: it runs in softirq after the DUT's poll, on the DUT CPU.
 */
static int layout_dut(struct wire *w, char *why, size_t len)
{
	const struct wire_topo *t = &w->topo;
	const char *dev = t->ifname[WIRE_DEV_DUT_A];
	int err, i, n;

	w->nr_dut_napi = 0;
	if (w->layout != WIRE_LAYOUT_ISOLATED)
		return 0;
	err = wire_napi_set_threaded(t->ns[WIRE_NS_DUT], dev, true);
	n = err ? err : wire_napi_threads(dev, w->dut_napi, WIRE_MAX_THREADS);
	err = n < 0 ? n : n == 0 ? -ESRCH : 0;
	for (i = 0; !err && i < n; i++)
		err = wire_napi_place(w->dut_napi[i], w->dut_cpu);
	if (err) {
		perf_msg(why, len, "cannot run port A's NAPI threaded on CPU %d: %s",
			 w->dut_cpu, strerror(-err));
		return err;
	}
	w->nr_dut_napi = n;
	return 0;
}

/* ---- open / close ---- */

int wire_open(struct wire *w, char *why, size_t len)
{
	int err, i, ncpu;

	memset(w, 0, sizeof(*w));
	w->open = true;
	w->cpu_latency_fd = -1;
	w->gen_link_fd = w->sink_link_fd = -1;
	w->dut.link_fd = w->dut.pass_link_fd = -1;
	if (geteuid() != 0) {
		perf_msg(why, len, "wire tests need root (namespaces, veth, XDP attach)");
		return WIRE_SKIP;
	}
	w->nr_cpus = libbpf_num_possible_cpus();
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (w->nr_cpus <= 0 || ncpu <= 0)
		return perf_msg(why, len, "cannot count CPUs"), -EINVAL;
	layout_cpus(w, ncpu);
	for (i = 0; i < w->nr_gen_cpus; i++)
		w->ksoftirqd[i] = wire_counters_ksoftirqd(w->gen_cpus[i]);
	/*
	 * One queue per generator thread: native frames stay on the ring of
	 * the CPU that sent them, and skbs (generic mode) cannot be spread by
	 * flow hash over several rings and reordered.
	 */
	err = wire_topo_create(&w->topo, wire_opts.gen_threads, why, len);
	if (err)
		return err;
	w->have_topo = true;
	err = wire_traffic_load(w, why, len);
	if (!err)
		err = wire_traffic_attach(w, why, len);
	if (!err)
		err = wire_traffic_probe(w, why, len);
	if (err) {
		wire_close(w);
		return err;
	}
	layout_probe(w);
	if (w->layout_note[0])
		test__info("wire: %s", w->layout_note);
	test__info("wire: generator: %s", w->sender == WIRE_SENDER_LIVE ?
		   "XDP program, live-frames test_run" : w->sender_note);
	/* data.json says what made the traffic of its wire points */
	results_profile_add("wire_sender", w->sender == WIRE_SENDER_LIVE ?
			    "\"live\"" : "\"af_packet\"");
	return 0;
}

void wire_close(struct wire *w)
{
	bool netlink = false;
	int i;

	if (!w->open)
		return;
	wire_dut_detach(w);
	wire_xdp_detach(NULL, 0, 0, &w->gen_link_fd, &netlink);
	wire_xdp_detach(NULL, 0, 0, &w->sink_link_fd, &netlink);
	for (i = 0; i < (int)ARRAY_SIZE(w->tp_links); i++) {
		bpf_link__destroy(w->tp_links[i]);
		w->tp_links[i] = NULL;
	}
	wire_afp_close(w);
	bpf_object__close(w->gen_obj);
	bpf_object__close(w->sink_obj);
	w->gen_obj = NULL;
	w->sink_obj = NULL;
	if (w->have_topo)
		wire_topo_destroy(&w->topo);
	if (w->cpu_latency_fd >= 0)
		close(w->cpu_latency_fd);
	w->cpu_latency_fd = -1;
	w->have_topo = false;
	w->open = false;
}

/* ---- the DUT ---- */

int wire_dut_configure(struct wire_dut *d, struct bpf_object *obj,
		       const char *ns, const unsigned char *mac_in,
		       const unsigned char *next_in,
		       const unsigned char *mac_out,
		       const unsigned char *next_out)
{
	struct fwd_ctl_cfg cfg = { .netns = ns };

	fwd_ctl_open(&d->fwd, obj);	/* -ENOENT: not a forwarder */
	cfg.config.port_a_ifindex = d->ifindex;
	cfg.config.use_tx = d->fwd.tx_ports_fd < 0;	/* offload: XDP_TX */
	fwd_ctl_cfg_port(&cfg, FWD_PORT_A, d->ifindex, mac_in, next_in);
	fwd_ctl_cfg_port(&cfg, FWD_PORT_B, d->out_ifindex, mac_out, next_out);
	return fwd_ctl_configure(&d->fwd, &cfg);
}

/*
 * The DUT program's time per frame in BPF_PROG_TEST_RUN on the generator's
 * largest frame as port A receives it (in the DUT's namespace, from port
 * A): the least of a few single runs, each without the dispatcher swap of
 * repeated ones. An estimate for deriving rates, not a measurement.
 */
double wire_dut_cost(struct wire *w)
{
	__u8 pkt[PKT_BUF_LEN(PKT_MAX_FRAME)];
	struct xdp_md ctx = { .ingress_ifindex = w->dut.ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = pkt,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = 1,
	);
	double best = 0;
	int saved, i;
	__u32 n;

	if (wire_traffic_frame(w, PKT_MAX_FRAME, pkt, &n) ||
	    netns_enter(w->dut.ns, &saved))
		return 0;
	ctx.data_end = n;
	opts.data_size_in = n;
	for (i = 0; i < 5; i++)
		if (!bpf_prog_test_run_opts(w->dut.prog_fd, &opts) &&
		    opts.duration > 0 && (!best || opts.duration < best))
			best = opts.duration;
	netns_leave(saved);
	return best;
}

int wire_dut_attach(struct wire *w, struct bpf_object *obj,
		    struct bpf_program *prog, enum wire_mode mode,
		    char *why, size_t len)
{
	struct wire_topo *t = &w->topo;
	struct wire_dut *d = &w->dut;
	const char *ns = t->ns[WIRE_NS_DUT];
	int err;

	wire_dut_detach(w);
	if (mode == WIRE_MODE_OFFLOAD) {
		perf_msg(why, len, "veth cannot offload XDP programs");
		return WIRE_SKIP;
	}
	memset(d, 0, sizeof(*d));
	d->link_fd = d->pass_link_fd = -1;
	d->prog_fd = bpf_program__fd(prog);
	d->mode = mode;
	d->ns = ns;
	d->ifindex = t->ifindex[WIRE_DEV_DUT_A];
	d->out_ifindex = t->ifindex[WIRE_DEV_DUT_B];
	err = wire_dut_configure(d, obj, ns, t->mac[WIRE_DEV_DUT_A],
				 t->mac[WIRE_DEV_GEN], t->mac[WIRE_DEV_DUT_B],
				 t->mac[WIRE_DEV_SINK]);
	if (err) {
		perf_msg(why, len, "cannot configure the forwarder maps: %s",
			 strerror(-err));
		return err;
	}
	/*
	 * Frames the generator sends with ndo_xdp_xmit reach port A only
	 * through NAPI, which veth runs with a native program or with GRO:
	 * generic mode needs GRO, native mode runs without it.
	 */
	err = netns_set_gro(ns, t->ifname[WIRE_DEV_DUT_A],
			    mode == WIRE_MODE_GENERIC);
	if (err) {
		perf_msg(why, len, "cannot switch GRO on port A: %s",
			 strerror(-err));
		return err;
	}
	err = wire_xdp_attach(ns, d->ifindex, d->prog_fd, wire_mode_flags(mode),
			      &d->link_fd, &d->netlink_attached);
	if (err) {
		perf_msg(why, len, "cannot attach the DUT program in %s mode: %s",
			 wire_mode_name(mode), strerror(-err));
		return err == -EOPNOTSUPP ? WIRE_SKIP : err;
	}
	wire_track_prog(w, d->prog_fd);
	w->dut_attached = true;
	d->cost_ns = wire_dut_cost(w);
	err = layout_dut(w, why, len);
	if (err)
		wire_dut_detach(w);
	return err;
}

int wire_dut_unthread(struct wire *w)
{
	const struct wire_topo *t = &w->topo;

	if (!w->nr_dut_napi)
		return 0;
	w->nr_dut_napi = 0;
	return wire_napi_set_threaded(t->ns[WIRE_NS_DUT],
				      t->ifname[WIRE_DEV_DUT_A], false);
}

void wire_dut_detach(struct wire *w)
{
	struct wire_dut *d = &w->dut;

	if (!w->dut_attached)
		return;
	wire_xdp_detach(d->ns, d->ifindex, wire_mode_flags(d->mode),
			&d->link_fd, &d->netlink_attached);
	w->dut_attached = false;
}
