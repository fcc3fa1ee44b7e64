// SPDX-License-Identifier: GPL-2.0
/*
 * Traffic of the wire: the generator (progs/xdp_trafficgen.bpf.c) and the
 * sink (progs/xdp_sink.bpf.c) with its drop counters, the frame they
 * exchange, the choice of sender, and the generator threads that pace
 * BPF_PROG_RUN with live frames (or run the AF_PACKET sender,
 * wire_afpacket.c).
 *
 * Where the time goes on veth: the generator thread runs test_run, which
 * builds a batch of frames and flushes them into DUT port A's ring; the
 * NAPI of port A (DUT program), of the sink (sink program) and so on run in
 * softirq context on that same CPU as soon as the batch is done. A veth
 * "wire" is therefore a chain of software stages sharing the generator's
 * CPUs, not a link with its own speed: the figures are what the host's CPUs
 * can push through generator + DUT + sink, and the CPU figures say which
 * part is the DUT program's.
 */
#define _GNU_SOURCE
#include <math.h>
#include <sched.h>
#include <arpa/inet.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <linux/if_ether.h>
#include <linux/if_link.h>
#include <linux/ip.h>
#include <linux/udp.h>
#include <bpf/btf.h>

#include "test_perf.h"
#include "util.h"
#include "wire_priv.h"

/* The kernel's "operation not supported" for BPF (not in uapi errno.h). */
#ifndef ENOTSUPP
#define ENOTSUPP		524
#endif

/*
 * Calls are sized to last about this long: each pays test_run's setup (a
 * new page pool whose pages are allocated and filled again), so long, but
 * short enough to stop a trial promptly.
 */
#define FULL_CALL_NS		2e6
#define PACED_CALL_NS		10e6

/* ---- generator and sink objects ---- */

static struct bpf_object *open_obj(const char *rel, char *why, size_t len)
{
	struct bpf_object *obj;
	char path[512];

	if (test__path(path, sizeof(path), rel)) {
		perf_msg(why, len, "path of %s too long", rel);
		return NULL;
	}
	obj = bpf_object__open_file(path, NULL);
	if (!obj) {
		perf_msg(why, len, "cannot open %s: %s (run make first)", path,
			 strerror(errno));
		return NULL;
	}
	return obj;
}

/* Names of the BTF tracepoints the drop counters need. */
static bool have_xdp_tracepoints(void)
{
	static const char *const tps[] = {
		"btf_trace_xdp_devmap_xmit", "btf_trace_xdp_redirect_err",
		"btf_trace_xdp_exception",
	};
	struct btf *btf = btf__load_vmlinux_btf();
	bool ok = btf != NULL;
	unsigned int i;

	for (i = 0; ok && i < ARRAY_SIZE(tps); i++)
		ok = btf__find_by_name_kind(btf, tps[i], BTF_KIND_TYPEDEF) > 0;
	btf__free(btf);
	return ok;
}

static int sink_load(struct wire *w, char *why, size_t len)
{
	static const char *const tp_progs[] = {
		"wire_devmap_xmit", "wire_redirect_err", "wire_exception",
	};
	struct bpf_program *prog;
	struct bpf_object *obj;
	unsigned int i;

	obj = open_obj(WIRE_SINK_OBJ, why, len);
	if (!obj)
		return -ENOENT;
	w->sink_obj = obj;
	w->have_tracepoints = have_xdp_tracepoints();
	for (i = 0; i < ARRAY_SIZE(tp_progs); i++) {
		prog = bpf_object__find_program_by_name(obj, tp_progs[i]);
		if (prog)
			bpf_program__set_autoload(prog, w->have_tracepoints);
	}
	if (bpf_object__load(obj)) {
		perf_msg(why, len, "cannot load %s: %s", WIRE_SINK_OBJ,
			 strerror(errno));
		return -errno;
	}
	if (!w->have_tracepoints)
		return 0;
	for (i = 0; i < ARRAY_SIZE(tp_progs); i++) {
		prog = bpf_object__find_program_by_name(obj, tp_progs[i]);
		w->tp_links[i] = prog ? bpf_program__attach(prog) : NULL;
		if (!w->tp_links[i]) {
			perf_msg(why, len, "cannot attach %s: %s", tp_progs[i],
				 strerror(errno));
			return -errno;
		}
	}
	return 0;
}

int wire_traffic_config(const struct wire *w)
{
	int fd = wire_map_fd(w->gen_obj, "gen_config");
	__u32 key = 0;

	if (fd < 0)
		return fd;
	return bpf_map_update_elem(fd, &key, &w->gen_cfg, BPF_ANY) ? -errno : 0;
}

void wire_traffic_pace(struct wire *w, const struct wire_trial_cfg *cfg)
{
	double rate = cfg->rate_pps / (cfg->threads > 0 ? cfg->threads : 1);

	w->gen_cfg.interval_ps = 0;
	w->gen_cfg.catchup_ps = 0;
	if (rate < WIRE_PACE_PROG_PPS)
		return;
	w->gen_cfg.interval_ps = (__u64)(1e12 / rate);
	/*
	 * Catching up (after the gap between two calls, or a preemption)
	 * sends frames back to back: at most WIRE_PACE_CATCHUP, which a
	 * DUT's 256-frame ring absorbs; later than that, the schedule
	 * restarts and the trial offers less than asked (it says so).
	 */
	w->gen_cfg.catchup_ps = w->gen_cfg.interval_ps * WIRE_PACE_CATCHUP;
}

__u32 wire_pace_batch(const struct wire_trial_cfg *cfg, double rate)
{
	double n = ceil(rate * WIRE_BATCH_SPAN_NS / NS_PER_S);

	if (rate <= 0 || n >= cfg->batch)
		return cfg->batch;
	return n < 1 ? 1 : (__u32)n;
}

static __u32 prefix_host_mask(const struct pkt_prefix *p)
{
	return p->len >= 32 ? 0 : 0xffffffffU >> p->len;
}

int wire_traffic_pass_load(struct bpf_object **obj, char *why, size_t len)
{
	struct bpf_program *p;
	int err;

	*obj = open_obj(WIRE_SINK_OBJ, why, len);
	if (!*obj)
		return -ENOENT;
	bpf_object__for_each_program(p, *obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p),
						     "xdp_wire_pass"));
	if (bpf_object__load(*obj)) {
		err = -errno;
		perf_msg(why, len, "cannot load xdp_wire_pass: %s",
			 strerror(-err));
		bpf_object__close(*obj);
		*obj = NULL;
		return err;
	}
	return 0;
}

static int gen_load(struct wire *w, char *why, size_t len)
{
	struct wire_gen_cfg *cfg;
	struct bpf_object *obj;
	int err;

	obj = open_obj(WIRE_GEN_OBJ, why, len);
	if (!obj)
		return -ENOENT;
	w->gen_obj = obj;
	if (bpf_object__load(obj)) {
		perf_msg(why, len, "cannot load %s: %s", WIRE_GEN_OBJ, strerror(errno));
		return -errno;
	}
	cfg = &w->gen_cfg;
	memcpy(cfg->src_mac, w->topo.mac[WIRE_DEV_GEN], 6);
	memcpy(cfg->dst_mac, w->topo.mac[WIRE_DEV_DUT_A], 6);
	cfg->src_addr = env.src_prefix.addr;
	cfg->src_host_mask = prefix_host_mask(&env.src_prefix);
	cfg->dst_addr = env.dst_prefix.addr;
	cfg->dst_host_mask = prefix_host_mask(&env.dst_prefix);
	cfg->sport = WIRE_GEN_PORT;
	cfg->dport = WIRE_GEN_PORT;
	cfg->ttl = WIRE_GEN_TTL;
	cfg->ts_offset_ns = 0;
	cfg->seed = env.seed;
	cfg->stamp_mask = WIRE_STAMP_EVERY - 1;
	err = wire_traffic_config(w);
	if (err)
		perf_msg(why, len, "cannot write gen_config: %s", strerror(-err));
	return err;
}

int wire_traffic_load(struct wire *w, char *why, size_t len)
{
	return gen_load(w, why, len) ?: sink_load(w, why, len);
}

/* Devices whose drops the tracepoint programs count. */
static int drops_register(struct wire *w, __u32 ino, int ifindex)
{
	struct wire_dev_key key = { .netns_ino = ino, .ifindex = ifindex };
	struct wire_dev_drops zero = {};
	int fd = wire_map_fd(w->sink_obj, "wire_drops");

	if (fd < 0)
		return fd;
	return bpf_map_update_elem(fd, &key, &zero, BPF_ANY) ? -errno : 0;
}

int wire_traffic_use(const struct wire *w, bool bare)
{
	const char *name = bare ? "xdp_bare_tx" : "xdp_trafficgen";

	return bpf_link_update(w->gen_link_fd, wire_prog_fd(w->gen_obj, name),
			       NULL) ? -errno : 0;
}

int wire_traffic_attach(struct wire *w, char *why, size_t len)
{
	struct wire_topo *t = &w->topo;
	bool netlink;
	int err, i;

	/*
	 * The generator program attached to its own veth stays in the XDP
	 * dispatcher, so test_run does not swap the dispatcher (two RCU grace
	 * periods, ~24 ms measured here) on every call: with it, a call costs
	 * ~6 us and paced bursts become possible.
	 */
	err = wire_xdp_attach(t->ns[WIRE_NS_GEN], t->ifindex[WIRE_DEV_GEN],
			      wire_prog_fd(w->gen_obj, "xdp_trafficgen"),
			      XDP_FLAGS_DRV_MODE, &w->gen_link_fd, &netlink);
	if (!err)
		err = wire_xdp_attach(t->ns[WIRE_NS_SINK],
				      t->ifindex[WIRE_DEV_SINK],
				      wire_prog_fd(w->sink_obj, "xdp_sink"),
				      XDP_FLAGS_DRV_MODE, &w->sink_link_fd,
				      &netlink);
	if (err) {
		perf_msg(why, len, "cannot attach XDP in native mode to veth: %s",
			 strerror(-err));
		return err == -EOPNOTSUPP || err == -EINVAL ? WIRE_SKIP : err;
	}
	wire_track_prog(w, wire_prog_fd(w->gen_obj, "xdp_trafficgen"));
	wire_track_prog(w, wire_prog_fd(w->sink_obj, "xdp_sink"));
	for (i = 0; w->have_tracepoints && i < WIRE_DEV_MAX; i++) {
		err = drops_register(w, t->ns_ino[wire_topo_ns_of(i)],
				     t->ifindex[i]);
		if (err) {
			perf_msg(why, len, "cannot fill wire_drops: %s",
				 strerror(-err));
			return err;
		}
	}
	return 0;
}

/* ---- frames ---- */

/* The template: a valid frame with our magic; the program rewrites it. */
int wire_traffic_frame(const struct wire *w, unsigned int frame_size,
		       __u8 *buf, __u32 *len)
{
	struct wire_payload pl = { .magic = WIRE_MAGIC };
	/* headers at their frame offsets are not aligned: copies */
	const size_t ip_off = sizeof(struct ethhdr);
	const size_t udp_off = ip_off + sizeof(struct iphdr);
	struct pkt_spec spec;
	struct pkt_rng rng;
	struct iphdr ip;
	__be16 check = 0;
	__u16 csum;
	int n;

	pkt_spec_init(&spec, frame_size);
	spec.src = env.src_prefix;
	spec.dst = env.dst_prefix;
	spec.sport = WIRE_GEN_PORT;
	spec.dport = WIRE_GEN_PORT;
	spec.ttl = WIRE_GEN_TTL;
	memcpy(spec.src_mac, w->topo.mac[WIRE_DEV_GEN], ETH_ALEN);
	memcpy(spec.dst_mac, w->topo.mac[WIRE_DEV_DUT_A], ETH_ALEN);
	pkt_rng_seed(&rng, env.seed);
	n = pkt_build_udp4(&spec, &rng, buf, PKT_BUF_LEN(PKT_MAX_FRAME));
	if (n < WIRE_PAYLOAD_OFF + (int)sizeof(pl))
		return -EINVAL;
	memcpy(buf + WIRE_PAYLOAD_OFF, &pl, sizeof(pl));
	memcpy(&ip, buf + ip_off, sizeof(ip));
	memcpy(buf + udp_off + offsetof(struct udphdr, check), &check,
	       sizeof(check));
	csum = pkt_udp4_csum(&ip, buf + udp_off, n - udp_off);
	check = htons(csum ?: 0xffff);
	memcpy(buf + udp_off + offsetof(struct udphdr, check), &check,
	       sizeof(check));
	*len = n;
	return 0;
}

int wire_check_forwarded(const struct wire *w, const __u8 *f, __u32 len,
			 unsigned int frame_size, char *why, size_t why_len)
{
	const struct wire_topo *t = &w->topo;
	const size_t udp_off = sizeof(struct ethhdr) + sizeof(struct iphdr);
	struct wire_payload pl;
	struct ethhdr eth_hdr;
	struct iphdr ip_hdr;
	const struct ethhdr *eth = &eth_hdr;
	const struct iphdr *ip = &ip_hdr;

	if (len != PKT_BUF_LEN(frame_size) || len < udp_off)
		return perf_msg(why, why_len, "length %u, sent %u", len,
				PKT_BUF_LEN(frame_size)), -1;
	/* headers at their frame offsets are not aligned: copies */
	memcpy(&eth_hdr, f, sizeof(eth_hdr));
	memcpy(&ip_hdr, f + sizeof(eth_hdr), sizeof(ip_hdr));
	if (memcmp(eth->h_dest, t->mac[WIRE_DEV_SINK], ETH_ALEN) ||
	    memcmp(eth->h_source, t->mac[WIRE_DEV_DUT_B], ETH_ALEN))
		return perf_msg(why, why_len, "MACs not rewritten to DUT port B -> sink"), -1;
	if (eth->h_proto != htons(ETH_P_IP) || ip->version != 4 ||
	    ip->ihl != 5 || ip->protocol != IPPROTO_UDP)
		return perf_msg(why, why_len, "not the IPv4/UDP frame sent"), -1;
	if (ip->ttl != WIRE_GEN_TTL - 1)
		return perf_msg(why, why_len, "TTL %u, sent %u: expected %u",
				ip->ttl, WIRE_GEN_TTL, WIRE_GEN_TTL - 1), -1;
	if (pkt_csum(ip, sizeof(*ip)))
		return perf_msg(why, why_len, "IPv4 header checksum invalid"), -1;
	if (!pkt_prefix_contains(&env.src_prefix, ntohl(ip->saddr)) ||
	    !pkt_prefix_contains(&env.dst_prefix, ntohl(ip->daddr)))
		return perf_msg(why, why_len, "addresses outside --src/--dst"), -1;
	memcpy(&pl, f + WIRE_PAYLOAD_OFF, sizeof(pl));
	if (pl.magic != WIRE_MAGIC)
		return perf_msg(why, why_len, "payload magic lost"), -1;
	/* The whole UDP datagram is in the capture only for short frames. */
	if (len <= WIRE_CAPTURE_LEN &&
	    pkt_udp4_csum(ip, f + udp_off, len - udp_off) != 0)
		return perf_msg(why, why_len, "UDP checksum invalid"), -1;
	return 0;
}

/*
 * One live frame out of the generator's veth: kernels before 5.18 reject
 * the flag with EINVAL, some refuse it (EPERM seen on a 6.18 guest). The
 * frame reaches the sink before any trial resets the counters.
 */
static int live_probe(struct wire *w, char *why, size_t len)
{
	__u8 pkt[PKT_BUF_LEN(PKT_MAX_FRAME)];
	struct xdp_md ctx = { .ingress_ifindex = w->topo.ifindex[WIRE_DEV_GEN] };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = pkt,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.repeat = 1,
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
	);
	int saved, err;
	__u32 n;

	err = wire_traffic_frame(w, PKT_MIN_FRAME, pkt, &n);
	if (err)
		return perf_msg(why, len, "cannot build a frame"), err;
	ctx.data_end = n;
	opts.data_size_in = n;
	err = netns_enter(w->topo.ns[WIRE_NS_GEN], &saved);
	if (err)
		return perf_msg(why, len, "cannot enter %s", w->topo.ns[WIRE_NS_GEN]),
		       err;
	if (bpf_prog_test_run_opts(wire_prog_fd(w->gen_obj, "xdp_trafficgen"),
				   &opts))
		err = -errno;
	netns_leave(saved);
	if (err == -EINVAL || err == -EOPNOTSUPP || err == -ENOTSUPP)
		perf_msg(why, len, "kernel without BPF_F_TEST_XDP_LIVE_FRAMES (5.18+): %s",
			 strerror(-err));
	else if (err)
		perf_msg(why, len, "live-frames test_run refused: %s",
			 strerror(-err));
	return err;
}

int wire_traffic_probe(struct wire *w, char *why, size_t len)
{
	char live[128] = "--wire-sender af_packet", afp[128];
	int err;

	if (wire_opts.sender != WIRE_SENDER_AF_PACKET) {
		err = live_probe(w, live, sizeof(live));
		if (!err) {
			w->sender = WIRE_SENDER_LIVE;
			return 0;
		}
		if (wire_opts.sender == WIRE_SENDER_LIVE) {
			perf_msg(why, len, "%s (--wire-sender live)", live);
			return WIRE_SKIP;
		}
	}
	err = wire_afp_open(w, afp, sizeof(afp));
	if (err) {
		wire_afp_close(w);
		perf_msg(why, len, "no traffic generator: %s; AF_PACKET sender: %s",
			 live, afp);
		return WIRE_SKIP;
	}
	w->sender = WIRE_SENDER_AF_PACKET;
	perf_msg(w->sender_note, sizeof(w->sender_note),
		 "AF_PACKET sender, sendmmsg() on %s (%s)",
		 w->topo.ifname[WIRE_DEV_GEN], live);
	return 0;
}

/* ---- generator threads ---- */

/* Threads start together once all exist; go < 0 calls the run off. */
struct gen_start {
	pthread_mutex_t lock;
	pthread_cond_t cond;
	int go;
};

static int gen_start_wait(struct gen_start *s)
{
	int go;

	pthread_mutex_lock(&s->lock);
	while (!s->go)
		pthread_cond_wait(&s->cond, &s->lock);
	go = s->go;
	pthread_mutex_unlock(&s->lock);
	return go;
}

static void gen_start_set(struct gen_start *s, int go)
{
	pthread_mutex_lock(&s->lock);
	s->go = go;
	pthread_cond_broadcast(&s->cond);
	pthread_mutex_unlock(&s->lock);
}

/*
 * Paced above WIRE_PACE_PROG_PPS per thread: the program paces itself
 * (gen_config.interval_ps) and calls are sized to FULL_CALL_NS like
 * unpaced ones, so traffic is steady (no burst at the generator's speed
 * when a call comes late) and no call pays test_run's per-call setup for
 * a handful of frames. Below it, one frame per call, each call on a
 * schedule counted from the start.
 */
static void gen_loop(struct wire_gen_thread *g, int prog_fd, int ifindex,
		     double end)
{
	struct xdp_md ctx = { .data_end = g->len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = g->pkt,
		.data_size_in = g->len,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
	);
	bool slow = g->rate > 0 && g->rate < WIRE_PACE_PROG_PPS;
	__u32 batch = wire_pace_batch(g->cfg, g->rate), n;
	double now, due, t0, t1;

	n = slow ? 1 : g->rate > 0 ? (__u32)ceil(g->rate * PACED_CALL_NS / NS_PER_S) :
	    4096;
	for (;;) {
		now = mono_ns();
		if (now >= end || test__stopping())
			break;
		if (slow) {
			due = g->t_start + g->frames * NS_PER_S / g->rate;
			if (now < due) {
				wire_sleep_until(due < end ? due : end);
				continue;
			}
		}
		opts.repeat = n;
		opts.batch_size = n < batch ? n : batch;
		t0 = mono_ns();
		if (bpf_prog_test_run_opts(prog_fd, &opts)) {
			g->err = -errno;
			break;
		}
		t1 = mono_ns();
		g->frames += n;
		if (g->rate <= 0 && t1 > t0) {
			double next = n * FULL_CALL_NS / (t1 - t0);

			n = next < 256 ? 256 : next > (1 << 22) ? 1 << 22 :
			    (__u32)next;
		}
	}
}

/* Thread g's loop with the sender of the wire, and what it cost. */
static void gen_run(struct wire_gen_thread *g)
{
	const struct wire *w = g->w;
	struct rusage ru;
	double end;

	getrusage(RUSAGE_THREAD, &ru);
	g->vol_switches = -ru.ru_nvcsw;
	g->invol_switches = -ru.ru_nivcsw;
	g->cpu_ns = -thread_cpu_ns();
	g->t_start = mono_ns();
	end = g->t_start + g->cfg->duration_ms * 1e6;
	if (w->sender == WIRE_SENDER_AF_PACKET)
		wire_afp_loop(g, end);
	else
		gen_loop(g, wire_prog_fd(w->gen_obj, g->cfg->bare ?
					 "xdp_bare_tx" : "xdp_trafficgen"),
			 w->topo.ifindex[WIRE_DEV_GEN], end);
	g->t_end = mono_ns();
	g->cpu_ns += thread_cpu_ns();
	getrusage(RUSAGE_THREAD, &ru);
	g->vol_switches += ru.ru_nvcsw;
	g->invol_switches += ru.ru_nivcsw;
}

static void *gen_thread_fn(void *arg)
{
	struct wire_gen_thread *g = arg;
	const struct wire *w = g->w;
	cpu_set_t set;
	int saved = -1;

	CPU_ZERO(&set);
	CPU_SET(g->cpu, &set);
	pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
	/* default slack (50 us) would dwarf the burst spacing */
	prctl(PR_SET_TIMERSLACK, 1UL);
	g->err = netns_enter(w->topo.ns[WIRE_NS_GEN], &saved);
	if (gen_start_wait(g->start) > 0 && !g->err)
		gen_run(g);
	netns_leave(saved);
	return NULL;
}

int wire_traffic_run(const struct wire *w, const struct wire_trial_cfg *cfg,
		     const __u8 *pkt, __u32 len, double *elapsed_ns,
		     struct wire_trial_result *r)
{
	struct gen_start start = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	struct wire_gen_thread g[WIRE_MAX_THREADS] = {};
	int i, n = cfg->threads, err = 0, started = 0;
	double t0 = 0, t1 = 0, cpu = 0, wall = 0;
	__u64 short_frames;

	if (n < 1 || n > w->nr_gen_cpus)
		n = w->nr_gen_cpus;
	for (i = 0; i < n; i++) {
		g[i].w = w;
		g[i].idx = i;
		g[i].cfg = cfg;
		g[i].start = &start;
		g[i].pkt = pkt;
		g[i].len = len;
		g[i].cpu = w->gen_cpus[i];
		g[i].rate = cfg->rate_pps / n;
		if (pthread_create(&g[i].tid, NULL, gen_thread_fn, &g[i])) {
			err = -EAGAIN;
			break;
		}
		started++;
	}
	gen_start_set(&start, started == n ? 1 : -1);
	for (i = 0; i < started; i++) {
		pthread_join(g[i].tid, NULL);
		if (g[i].err && !err)
			err = g[i].err;
		if (!t0 || g[i].t_start < t0)
			t0 = g[i].t_start;
		if (g[i].t_end > t1)
			t1 = g[i].t_end;
		cpu += g[i].cpu_ns;
		wall += g[i].t_end - g[i].t_start;
		r->gen_frames += g[i].frames;
		r->sent += g[i].sent;
		r->gen_vol_switches += g[i].vol_switches;
		r->gen_invol_switches += g[i].invol_switches;
	}
	/* live frames: the frames the program returned XDP_TX for */
	if (w->sender == WIRE_SENDER_LIVE)
		wire_counters_gen(w, &r->sent, &short_frames);
	*elapsed_ns = t1 > t0 ? t1 - t0 : 0;
	r->gen_cpu_share = wall > 0 ? cpu / wall : 0;
	return err;
}
