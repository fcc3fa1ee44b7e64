// SPDX-License-Identifier: GPL-2.0
/*
 * A wire session (see wire.h; the method is in docs/wire.md): open builds
 * the topology and brings generator and sink up, the DUT program is
 * attached and configured at port A, close takes everything down again.
 */
#include <linux/if_link.h>

#include "test_perf.h"
#include "util.h"
#include "wire_priv.h"

/* ---- open / close ---- */

int wire_open(struct wire *w, char *why, size_t len)
{
	int err, i, ncpu;

	memset(w, 0, sizeof(*w));
	w->open = true;
	w->gen_link_fd = w->sink_link_fd = -1;
	w->dut.link_fd = w->dut.pass_link_fd = -1;
	wire_opts_resolve();
	if (geteuid() != 0) {
		perf_msg(why, len, "wire tests need root (namespaces, veth, XDP attach)");
		return WIRE_SKIP;
	}
	w->nr_cpus = libbpf_num_possible_cpus();
	ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (w->nr_cpus <= 0 || ncpu <= 0)
		return perf_msg(why, len, "cannot count CPUs"), -EINVAL;
	/* Thread i on the measuring CPU (env.cpu), then downwards. */
	for (i = 0; i < wire_opts.gen_threads; i++)
		w->gen_cpus[i] = ((env.cpu >= 0 ? env.cpu : ncpu - 1) - i +
				  ncpu * WIRE_MAX_THREADS) % ncpu;
	w->nr_gen_cpus = wire_opts.gen_threads;
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
	if (err)
		wire_close(w);
	return err;
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
	bpf_object__close(w->gen_obj);
	bpf_object__close(w->sink_obj);
	w->gen_obj = NULL;
	w->sink_obj = NULL;
	if (w->have_topo)
		wire_topo_destroy(&w->topo);
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
	return 0;
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

/* ---- sessions of the tests ---- */

bool wire_session_ready(struct wire_session *s)
{
	if (!s->tried) {
		s->tried = true;
		s->open_err = wire_open(&s->w, s->why, sizeof(s->why));
		if (s->open_err < 0)
			test__log("wire_open: %s", s->why);
	}
	if (s->open_err == WIRE_SKIP)
		test__skip("%s", s->why);
	else if (s->open_err)
		ASSERT_OK(s->open_err, "wire_open");
	return !s->open_err;
}

void wire_cleanup_subtest(struct wire_session *s)
{
	char why[256] = "";
	int err;

	wire_close(&s->w);
	if (!s->tried || s->open_err) {
		test__skip("no wire session was opened");
		return;
	}
	err = wire_check_clean(&s->w, why, sizeof(why));
	if (err)
		test__log("%s", why);
	ASSERT_OK(err, "nothing left behind");
}
