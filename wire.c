// SPDX-License-Identifier: GPL-2.0
/*
 * Real-wire runs (see wire.h; method in the README section "Wire mode").
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
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <dirent.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <linux/if_link.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "test_perf.h"
#include "results.h"
#include "runner.h"
#include "wire.h"

/* The kernel's "operation not supported" for BPF (not in uapi errno.h). */
#ifndef ENOTSUPP
#define ENOTSUPP		524
#endif

#define GEN_OBJ			"bpf/xdp_trafficgen.bpf.o"
#define SINK_OBJ		"bpf/xdp_sink.bpf.o"
#define GEN_TTL			64
#define GEN_PORT		9	/* discard */
#define NS_PER_S		1e9
/* Paced bursts are spaced at least this far apart (per-call cost ~6 us). */
#define PACE_BURST_NS		50000.0
/* A late paced call catches up with at most this many frames. */
#define PACE_MAX_CALL		4096
/* Unpaced calls are sized to last about this long (stop latency). */
#define FULL_CALL_NS		2e6
#define DRAIN_POLL_US		5000
#define DRAIN_STABLE_POLLS	3
#define DRAIN_MAX_POLLS		200
#define SEARCH_RES_QUICK	0.05
#define SEARCH_RES_FULL		0.01
#define SEARCH_MAX_STEPS	12
/* A trial that offered less than this share of its target fell short. */
#define SEARCH_SHORT		0.95
#define QUICK_MAX_REPS		3
/* Below this share of its CPU the generator was competing for it. */
#define GEN_CPU_SHARE_LOW	0.9

struct wire_opts wire_opts;

static const char *const mode_names[WIRE_MODE_MAX] = {
	[WIRE_MODE_GENERIC] = "generic",
	[WIRE_MODE_NATIVE] = "native",
	[WIRE_MODE_OFFLOAD] = "offload",
};

const char *wire_mode_name(enum wire_mode mode)
{
	return mode < WIRE_MODE_MAX ? mode_names[mode] : "unknown";
}

__u32 wire_mode_flags(enum wire_mode mode)
{
	switch (mode) {
	case WIRE_MODE_GENERIC:
		return XDP_FLAGS_SKB_MODE;
	case WIRE_MODE_NATIVE:
		return XDP_FLAGS_DRV_MODE;
	default:
		return XDP_FLAGS_HW_MODE;
	}
}

static double mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

static double thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * NS_PER_S + ts.tv_nsec;
}

/* utime + stime of a task, from /proc/<pid>/stat, in ns. */
static double task_cpu_ns(int pid)
{
	unsigned long long utime, stime;
	char path[64], buf[1024], *p;
	FILE *f;
	int n;

	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n > 0 ? n : 0] = '\0';
	p = strrchr(buf, ')');
	/* after "(comm)": state ppid pgrp session tty tpgid flags minflt
	 * cminflt majflt cmajflt utime stime */
	if (!p || sscanf(p + 2, "%*c %*s %*s %*s %*s %*s %*s %*s %*s %*s %*s %llu %llu",
			 &utime, &stime) != 2)
		return 0;
	return (double)(utime + stime) * NS_PER_S / sysconf(_SC_CLK_TCK);
}

static int find_ksoftirqd(int cpu)
{
	char want[32], path[300], comm[32];
	struct dirent *de;
	DIR *dir = opendir("/proc");
	int pid = 0;
	FILE *f;

	if (!dir)
		return 0;
	snprintf(want, sizeof(want), "ksoftirqd/%d\n", cpu);
	while (!pid && (de = readdir(dir))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (fgets(comm, sizeof(comm), f) && !strcmp(comm, want))
			pid = atoi(de->d_name);
		fclose(f);
	}
	closedir(dir);
	return pid;
}

/* ---- options ---- */

static double parse_number(const char *opt, const char *arg, double lo,
			   double hi, bool suffix, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (suffix && end != arg) {
		if (*end == 'k' || *end == 'K')
			v *= 1e3, end++;
		else if (*end == 'M')
			v *= 1e6, end++;
		else if (*end == 'G')
			v *= 1e9, end++;
	}
	if (errno || end == arg || *end || !isfinite(v) || v < lo || v > hi)
		perf_usage_error("--%s wants %s in [%g, %g], not '%s'", opt,
				 what, lo, hi, arg);
	return v;
}

static int parse_rate(const char *arg)
{
	if (!strcmp(arg, "max"))
		wire_opts.rate_pps = 0;
	else
		wire_opts.rate_pps = parse_number("rate", arg, 1, 1e9, true,
					"packets per second (k/M/G suffix or 'max')");
	return 0;
}

static int parse_duration(const char *arg)
{
	wire_opts.duration_set = true;
	wire_opts.duration_ms = 1e3 * parse_number("duration", arg, 0.01, 3600,
						   false, "seconds");
	return 0;
}

static int parse_trial_ms(const char *arg)
{
	wire_opts.trial_ms = parse_number("trial-ms", arg, 10, 3600e3, false,
					  "milliseconds");
	return 0;
}

static int parse_gen_threads(const char *arg)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	double max = ncpu < WIRE_MAX_THREADS ? ncpu : WIRE_MAX_THREADS;

	wire_opts.gen_threads = (int)parse_number("gen-threads", arg, 1, max,
						  false, "a thread count (one per online CPU at most)");
	if (wire_opts.gen_threads != atof(arg))
		perf_usage_error("--gen-threads wants a whole number, not '%s'",
				 arg);
	return 0;
}

static int parse_gen_batch(const char *arg)
{
	wire_opts.gen_batch = (int)parse_number("gen-batch", arg, 1, 256, false,
						"frames per live batch");
	if (wire_opts.gen_batch != atof(arg))
		perf_usage_error("--gen-batch wants a whole number, not '%s'",
				 arg);
	return 0;
}

static int parse_loss_tolerance(const char *arg)
{
	wire_opts.loss_tolerance = parse_number("loss-tolerance", arg, 0, 50,
						false, "a loss in percent") / 100;
	return 0;
}

static int parse_latency_at(const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int n = 0;

	if (!copy)
		perf_usage_error("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == WIRE_MAX_LATENCY_AT)
			perf_usage_error("--latency-at takes at most %d loads",
					 WIRE_MAX_LATENCY_AT);
		wire_opts.latency_at[n++] = parse_number("latency-at", tok, 1,
				100, false, "percents of the zero-loss rate (e.g. 10,50,90)") / 100;
	}
	free(copy);
	if (!n)
		perf_usage_error("--latency-at wants a comma list of percents, e.g. 10,50,90");
	wire_opts.nr_latency_at = n;
	return 0;
}

static void parse_ifname(const char *opt, const char *name, char *dst)
{
	if (!*name || strlen(name) >= IFNAMSIZ)
		perf_usage_error("--%s: '%s' is not an interface name", opt,
				 name);
	if (!if_nametoindex(name))
		perf_usage_error("--%s: no interface '%s' here (see ip link)",
				 opt, name);
	snprintf(dst, IFNAMSIZ, "%s", name);
}

static int parse_offload_dev(const char *arg)
{
	parse_ifname("offload-dev", arg, wire_opts.offload_dev);
	return 0;
}

static int parse_dut_dev(const char *arg)
{
	char in[64], out[64];
	const char *comma = strchr(arg, ',');

	if (!comma || comma - arg >= (long)sizeof(in) ||
	    strlen(comma + 1) >= sizeof(out) || strchr(comma + 1, ','))
		perf_usage_error("--dut-dev wants IN,OUT (two interface names), not '%s'",
				 arg);
	snprintf(in, sizeof(in), "%.*s", (int)(comma - arg), arg);
	snprintf(out, sizeof(out), "%s", comma + 1);
	if (!strcmp(in, out))
		perf_usage_error("--dut-dev: IN and OUT must be two interfaces, got '%s' twice",
				 in);
	parse_ifname("dut-dev", in, wire_opts.dut_in);
	parse_ifname("dut-dev", out, wire_opts.dut_out);
	return 0;
}

PERF_OPTION(wire_rate, .name = "rate", .arg = "PPS",
	    .help = "wire: offered load cap, packets/s, k/M suffix (default max)",
	    .parse = parse_rate);
PERF_OPTION(wire_duration, .name = "duration", .arg = "SEC",
	    .help = "wire: length of full-load trials (default 0.25; --quick 0.2)",
	    .parse = parse_duration);
PERF_OPTION(wire_trial_ms, .name = "trial-ms", .arg = "MS",
	    .help = "wire: length of search/latency trials (default 200; --quick 100)",
	    .parse = parse_trial_ms);
PERF_OPTION(wire_gen_threads, .name = "gen-threads", .arg = "N",
	    .help = "wire: generator threads, one per CPU (default 1)",
	    .parse = parse_gen_threads);
PERF_OPTION(wire_gen_batch, .name = "gen-batch", .arg = "N",
	    .help = "wire: live frames per batch, 1..256 (default 64)",
	    .parse = parse_gen_batch);
PERF_OPTION(wire_loss, .name = "loss-tolerance", .arg = "PCT",
	    .help = "wire: loss accepted as zero loss, percent (default 0)",
	    .parse = parse_loss_tolerance);
PERF_OPTION(wire_latency_at, .name = "latency-at", .arg = "LIST",
	    .help = "wire: latency at these % of zero-loss rate (default 10,50,90)",
	    .parse = parse_latency_at);
PERF_OPTION(wire_offload_dev, .name = "offload-dev", .arg = "IFNAME",
	    .help = "wire: offload-capable NIC for the offload mode",
	    .parse = parse_offload_dev);
PERF_OPTION(wire_dut_dev, .name = "dut-dev", .arg = "IN,OUT",
	    .help = "wire: run the DUT on these host NICs, external generator",
	    .parse = parse_dut_dev);

void wire_opts_resolve(void)
{
	/*
	 * 30 repetitions of every (mode, size) point must fit the 30 minute
	 * budget of the whole evaluation: a quarter of a second at ~6 Mpps is
	 * still 1.5 million frames per trial.
	 */
	if (!wire_opts.duration_ms)
		wire_opts.duration_ms = env.quick ? 200 : 250;
	if (!wire_opts.trial_ms)
		wire_opts.trial_ms = env.quick ? 100 : 200;
	if (!wire_opts.gen_threads)
		wire_opts.gen_threads = 1;
	if (!wire_opts.gen_batch)
		wire_opts.gen_batch = 64;
	if (!wire_opts.nr_latency_at) {
		wire_opts.latency_at[0] = 0.10;
		wire_opts.latency_at[1] = 0.50;
		wire_opts.latency_at[2] = 0.90;
		wire_opts.nr_latency_at = 3;
	}
}

int wire_reps(void)
{
	if (env.quick && env.reps > QUICK_MAX_REPS)
		return QUICK_MAX_REPS;
	return env.reps < WIRE_MAX_REPS ? env.reps : WIRE_MAX_REPS;
}

int wire_sizes(int *sizes, int max)
{
	int i, n = 0;

	if (env.quick && env.nr_sizes > 2 && max >= 2) {
		sizes[0] = env.sizes[0];
		sizes[1] = env.sizes[env.nr_sizes - 1];
		return 2;
	}
	for (i = 0; i < env.nr_sizes && n < max; i++)
		sizes[n++] = env.sizes[i];
	return n;
}

double wire_gbps(double pps, unsigned int frame_size)
{
	return pps * frame_size * 8 / 1e9;
}

/* ---- topology ---- */

static const char *const ns_role[WIRE_NS_MAX] = { "gen", "dut", "sink" };
static const char *const dev_role[WIRE_DEV_MAX] = { "gen", "dua", "dub", "snk" };
static const enum wire_ns dev_ns[WIRE_DEV_MAX] = {
	WIRE_NS_GEN, WIRE_NS_DUT, WIRE_NS_DUT, WIRE_NS_SINK,
};

static const char *topo_dev_ns(const struct wire_topo *t, enum wire_dev d)
{
	return t->ns[dev_ns[d]];
}

static void topo_names(struct wire_topo *t)
{
	int i, n;

	netns_run_tag(t->tag, sizeof(t->tag));
	n = atoi(strchr(t->tag, '-') + 1);
	for (i = 0; i < WIRE_NS_MAX; i++)
		snprintf(t->ns[i], NETNS_NAME_MAX, NETNS_PREFIX "%s-%s", t->tag,
			 ns_role[i]);
	for (i = 0; i < WIRE_DEV_MAX; i++)
		snprintf(t->ifname[i], IFNAMSIZ, "xp%x-%x%s",
			 (unsigned int)getpid() & 0xffffff, n & 0xff,
			 dev_role[i]);
}

/* IPv6 would make every veth send router solicitations and MLD reports. */
static void topo_quiet(const struct wire_topo *t)
{
	int i;

	for (i = 0; i < WIRE_NS_MAX; i++) {
		netns_sysctl(t->ns[i], "net/ipv6/conf/all/disable_ipv6", "1");
		netns_sysctl(t->ns[i], "net/ipv6/conf/default/disable_ipv6", "1");
	}
}

static int topo_veths(struct wire_topo *t, char *why, size_t len)
{
	int err;

	err = netns_add_veth(t->ns[WIRE_NS_GEN], t->ifname[WIRE_DEV_GEN],
			     t->ns[WIRE_NS_DUT], t->ifname[WIRE_DEV_DUT_A], t->nq);
	if (!err)
		err = netns_add_veth(t->ns[WIRE_NS_DUT], t->ifname[WIRE_DEV_DUT_B],
				     t->ns[WIRE_NS_SINK], t->ifname[WIRE_DEV_SINK],
				     t->nq);
	if (err) {
		perf_msg(why, len, "cannot create veth pairs (kernel without CONFIG_VETH?): ip link add failed");
		return WIRE_SKIP;
	}
	return 0;
}

static int topo_read_devs(struct wire_topo *t, char *why, size_t len)
{
	int i, err;

	for (i = 0; i < WIRE_NS_MAX; i++) {
		err = netns_inode(t->ns[i], &t->ns_ino[i]);
		if (err)
			goto fail;
	}
	for (i = 0; i < WIRE_DEV_MAX; i++) {
		const char *ns = topo_dev_ns(t, i);

		err = netns_link_up(ns, t->ifname[i]);
		if (err)
			goto fail;
		t->ifindex[i] = netns_ifindex(ns, t->ifname[i]);
		if (t->ifindex[i] < 0) {
			err = t->ifindex[i];
			goto fail;
		}
		err = netns_mac(ns, t->ifname[i], t->mac[i]);
		if (err)
			goto fail;
	}
	return 0;
fail:
	perf_msg(why, len, "cannot set up the veth topology: %s", strerror(-err));
	return err;
}

static void topo_destroy(struct wire_topo *t)
{
	int i;

	for (i = 0; i < WIRE_NS_MAX; i++)
		if (t->ns[i][0])
			netns_delete(t->ns[i]);
}

static int topo_create(struct wire_topo *t, int nq, char *why, size_t len)
{
	int i, err, stale;

	memset(t, 0, sizeof(*t));
	t->nq = nq;
	stale = netns_cleanup_stale();
	if (stale > 0)
		test__info("wire: removed %d namespaces left by killed runs",
			   stale);
	topo_names(t);
	for (i = 0; i < WIRE_NS_MAX; i++) {
		err = netns_create(t->ns[i]);
		if (err) {
			perf_msg(why, len, err == -ENOENT ?
				"ip(8) from iproute2 is not installed" :
				"cannot create network namespaces (ip netns add failed)");
			topo_destroy(t);
			return WIRE_SKIP;
		}
	}
	topo_quiet(t);
	err = topo_veths(t, why, len);
	if (!err)
		err = topo_read_devs(t, why, len);
	if (err)
		topo_destroy(t);
	return err;
}

/* ---- XDP attach ---- */

/* Attach in namespace ns (NULL: here) with a link, netlink as fallback. */
static int xdp_attach(const char *ns, int ifindex, int prog_fd, __u32 flags,
		      int *link_fd, bool *netlink)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int saved = -1, err = 0;

	*link_fd = -1;
	*netlink = false;
	if (ns && (err = netns_enter(ns, &saved)))
		return err;
	*link_fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
	if (*link_fd < 0) {
		err = -errno;
		/* Offload through links is driver dependent: try netlink. */
		if ((flags & XDP_FLAGS_HW_MODE) &&
		    (err == -EINVAL || err == -EOPNOTSUPP)) {
			err = bpf_xdp_attach(ifindex, prog_fd, flags, NULL);
			*netlink = !err;
		}
	}
	if (ns)
		netns_leave(saved);
	return err;
}

static void xdp_detach(const char *ns, int ifindex, __u32 flags, int *link_fd,
		       bool *netlink)
{
	int saved = -1;

	if (*link_fd >= 0) {
		close(*link_fd);
		*link_fd = -1;
	}
	if (!*netlink)
		return;
	if (ns && netns_enter(ns, &saved))
		return;
	bpf_xdp_detach(ifindex, flags, NULL);
	if (ns)
		netns_leave(saved);
	*netlink = false;
}

static void remember_prog(struct wire *w, int prog_fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (w->nr_prog_ids >= (int)(sizeof(w->prog_ids) / sizeof(w->prog_ids[0])))
		return;
	if (!bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		w->prog_ids[w->nr_prog_ids++] = info.id;
}

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

	for (i = 0; ok && i < sizeof(tps) / sizeof(tps[0]); i++)
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

	obj = open_obj(SINK_OBJ, why, len);
	if (!obj)
		return -ENOENT;
	w->sink_obj = obj;
	w->have_tracepoints = have_xdp_tracepoints();
	for (i = 0; i < sizeof(tp_progs) / sizeof(tp_progs[0]); i++) {
		prog = bpf_object__find_program_by_name(obj, tp_progs[i]);
		if (prog)
			bpf_program__set_autoload(prog, w->have_tracepoints);
	}
	if (bpf_object__load(obj)) {
		perf_msg(why, len, "cannot load %s: %s", SINK_OBJ,
			strerror(errno));
		return -errno;
	}
	if (!w->have_tracepoints)
		return 0;
	for (i = 0; i < sizeof(tp_progs) / sizeof(tp_progs[0]); i++) {
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

static struct bpf_object *sink_obj(const struct wire *w)
{
	return w->sink_obj;
}

static struct bpf_object *gen_obj(const struct wire *w)
{
	return w->gen_obj;
}

static int obj_map_fd(struct bpf_object *obj, const char *name)
{
	return bpf_object__find_map_fd_by_name(obj, name);
}

static int obj_prog_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, name);

	return prog ? bpf_program__fd(prog) : -ENOENT;
}

/* Write w->gen_cfg to the generator's map (between trials only). */
static int gen_cfg_push(const struct wire *w)
{
	int fd = obj_map_fd(gen_obj(w), "gen_config");
	__u32 key = 0;

	if (fd < 0)
		return fd;
	return bpf_map_update_elem(fd, &key, &w->gen_cfg, BPF_ANY) ? -errno : 0;
}

static __u32 prefix_host_mask(const struct pkt_prefix *p)
{
	return p->len >= 32 ? 0 : 0xffffffffU >> p->len;
}

static int gen_load(struct wire *w, char *why, size_t len)
{
	struct wire_gen_cfg *cfg;
	struct bpf_object *obj;
	int err;

	obj = open_obj(GEN_OBJ, why, len);
	if (!obj)
		return -ENOENT;
	w->gen_obj = obj;
	if (bpf_object__load(obj)) {
		perf_msg(why, len, "cannot load %s: %s", GEN_OBJ, strerror(errno));
		return -errno;
	}
	cfg = &w->gen_cfg;
	memcpy(cfg->src_mac, w->topo.mac[WIRE_DEV_GEN], 6);
	memcpy(cfg->dst_mac, w->topo.mac[WIRE_DEV_DUT_A], 6);
	cfg->src_addr = env.src_prefix.addr;
	cfg->src_host_mask = prefix_host_mask(&env.src_prefix);
	cfg->dst_addr = env.dst_prefix.addr;
	cfg->dst_host_mask = prefix_host_mask(&env.dst_prefix);
	cfg->sport = GEN_PORT;
	cfg->dport = GEN_PORT;
	cfg->ttl = GEN_TTL;
	cfg->ts_offset_ns = 0;
	err = gen_cfg_push(w);
	if (err)
		perf_msg(why, len, "cannot write gen_config: %s", strerror(-err));
	return err;
}

/* Devices whose drops the tracepoint programs count. */
static int drops_register(struct wire *w, __u32 ino, int ifindex)
{
	struct wire_dev_key key = { .netns_ino = ino, .ifindex = ifindex };
	struct wire_dev_drops zero = {};
	int fd = obj_map_fd(sink_obj(w), "wire_drops");

	if (fd < 0)
		return fd;
	return bpf_map_update_elem(fd, &key, &zero, BPF_ANY) ? -errno : 0;
}

static int attach_ends(struct wire *w, char *why, size_t len)
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
	err = xdp_attach(t->ns[WIRE_NS_GEN], t->ifindex[WIRE_DEV_GEN],
			 obj_prog_fd(gen_obj(w), "xdp_trafficgen"),
			 XDP_FLAGS_DRV_MODE, &w->gen_link_fd, &netlink);
	if (!err)
		err = xdp_attach(t->ns[WIRE_NS_SINK], t->ifindex[WIRE_DEV_SINK],
				 obj_prog_fd(sink_obj(w), "xdp_sink"),
				 XDP_FLAGS_DRV_MODE, &w->sink_link_fd, &netlink);
	if (err) {
		perf_msg(why, len, "cannot attach XDP in native mode to veth: %s",
			strerror(-err));
		return err == -EOPNOTSUPP || err == -EINVAL ? WIRE_SKIP : err;
	}
	remember_prog(w, obj_prog_fd(gen_obj(w), "xdp_trafficgen"));
	remember_prog(w, obj_prog_fd(sink_obj(w), "xdp_sink"));
	for (i = 0; w->have_tracepoints && i < WIRE_DEV_MAX; i++) {
		err = drops_register(w, t->ns_ino[dev_ns[i]], t->ifindex[i]);
		if (err) {
			perf_msg(why, len, "cannot fill wire_drops: %s",
				strerror(-err));
			return err;
		}
	}
	return 0;
}

/* ---- frames ---- */

static __u16 udp4_checksum(const __u8 *ip, const __u8 *udp, size_t udp_len)
{
	__u8 buf[12 + PKT_MAX_FRAME];
	__u16 csum;

	memcpy(buf, ip + 12, 8);		/* saddr, daddr */
	buf[8] = 0;
	buf[9] = IPPROTO_UDP;
	buf[10] = udp_len >> 8;
	buf[11] = udp_len & 0xff;
	memcpy(buf + 12, udp, udp_len);
	csum = pkt_csum(buf, 12 + udp_len);
	return csum;
}

/* The template: a valid frame with our magic; the program rewrites it. */
static int build_template(const struct wire *w, unsigned int frame_size,
			  __u8 *buf, __u32 *len)
{
	struct wire_payload pl = { .magic = WIRE_MAGIC };
	struct pkt_spec spec;
	struct pkt_rng rng;
	size_t udp_len;
	__u16 csum;
	int n;

	pkt_spec_init(&spec, frame_size);
	spec.src = env.src_prefix;
	spec.dst = env.dst_prefix;
	spec.sport = GEN_PORT;
	spec.dport = GEN_PORT;
	spec.ttl = GEN_TTL;
	memcpy(spec.src_mac, w->topo.mac[WIRE_DEV_GEN], 6);
	memcpy(spec.dst_mac, w->topo.mac[WIRE_DEV_DUT_A], 6);
	pkt_rng_seed(&rng, env.seed);
	n = pkt_build_udp4(&spec, &rng, buf, PKT_BUF_LEN(PKT_MAX_FRAME));
	if (n < WIRE_PAYLOAD_OFF + (int)sizeof(pl))
		return -EINVAL;
	memcpy(buf + WIRE_PAYLOAD_OFF, &pl, sizeof(pl));
	udp_len = n - 34;
	buf[34 + 6] = buf[34 + 7] = 0;
	csum = udp4_checksum(buf + 14, buf + 34, udp_len);
	csum = csum ?: 0xffff;
	buf[34 + 6] = csum >> 8;
	buf[34 + 7] = csum & 0xff;
	*len = n;
	return 0;
}

int wire_check_forwarded(const struct wire *w, const __u8 *f, __u32 len,
			 unsigned int frame_size, char *why, size_t why_len)
{
	const struct wire_topo *t = &w->topo;
	const __u8 *ip = f + 14, *udp = f + 34;
	struct wire_payload pl;
	__u32 saddr, daddr;

	if (len != PKT_BUF_LEN(frame_size))
		return perf_msg(why, why_len, "length %u, sent %u", len,
			       PKT_BUF_LEN(frame_size)), -1;
	if (memcmp(f, t->mac[WIRE_DEV_SINK], 6) ||
	    memcmp(f + 6, t->mac[WIRE_DEV_DUT_B], 6))
		return perf_msg(why, why_len, "MACs not rewritten to DUT port B -> sink"), -1;
	if (f[12] != 0x08 || f[13] != 0x00 || ip[0] != 0x45 || ip[9] != IPPROTO_UDP)
		return perf_msg(why, why_len, "not the IPv4/UDP frame sent"), -1;
	if (ip[8] != GEN_TTL - 1)
		return perf_msg(why, why_len, "TTL %u, sent %u: expected %u",
			       ip[8], GEN_TTL, GEN_TTL - 1), -1;
	if (pkt_csum(ip, 20))
		return perf_msg(why, why_len, "IPv4 header checksum invalid"), -1;
	saddr = (__u32)ip[12] << 24 | ip[13] << 16 | ip[14] << 8 | ip[15];
	daddr = (__u32)ip[16] << 24 | ip[17] << 16 | ip[18] << 8 | ip[19];
	if (!pkt_prefix_contains(&env.src_prefix, saddr) ||
	    !pkt_prefix_contains(&env.dst_prefix, daddr))
		return perf_msg(why, why_len, "addresses outside --src/--dst"), -1;
	memcpy(&pl, f + WIRE_PAYLOAD_OFF, sizeof(pl));
	if (pl.magic != WIRE_MAGIC)
		return perf_msg(why, why_len, "payload magic lost"), -1;
	/* The whole UDP datagram is in the capture only for short frames. */
	if (len <= WIRE_CAPTURE_LEN &&
	    udp4_checksum(ip, udp, len - 34) != 0)
		return perf_msg(why, why_len, "UDP checksum invalid"), -1;
	return 0;
}

/* ---- open / close ---- */

/*
 * One live frame out of the generator's veth: kernels before 5.18 reject
 * the flag with EINVAL. The frame reaches the sink before any trial resets
 * the counters.
 */
static int probe_live_frames(struct wire *w, char *why, size_t len)
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

	err = build_template(w, PKT_MIN_FRAME, pkt, &n);
	if (err)
		return perf_msg(why, len, "cannot build a frame"), err;
	ctx.data_end = n;
	opts.data_size_in = n;
	err = netns_enter(w->topo.ns[WIRE_NS_GEN], &saved);
	if (err)
		return perf_msg(why, len, "cannot enter %s", w->topo.ns[WIRE_NS_GEN]),
		       err;
	if (bpf_prog_test_run_opts(obj_prog_fd(gen_obj(w), "xdp_trafficgen"),
				   &opts))
		err = -errno;
	netns_leave(saved);
	if (err == -EINVAL || err == -EOPNOTSUPP || err == -ENOTSUPP) {
		perf_msg(why, len, "kernel without BPF_F_TEST_XDP_LIVE_FRAMES (5.18+): %s",
			strerror(-err));
		return WIRE_SKIP;
	}
	if (err)
		perf_msg(why, len, "live-frames test_run failed: %s", strerror(-err));
	return err;
}

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
		w->ksoftirqd[i] = find_ksoftirqd(w->gen_cpus[i]);
	/*
	 * One queue per generator thread: native frames stay on the ring of
	 * the CPU that sent them, and skbs (generic mode) cannot be spread by
	 * flow hash over several rings and reordered.
	 */
	err = topo_create(&w->topo, wire_opts.gen_threads, why, len);
	if (err)
		return err;
	w->have_topo = true;
	err = gen_load(w, why, len);
	if (!err)
		err = sink_load(w, why, len);
	if (!err)
		err = attach_ends(w, why, len);
	if (!err)
		err = probe_live_frames(w, why, len);
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
	xdp_detach(NULL, 0, 0, &w->gen_link_fd, &netlink);
	xdp_detach(NULL, 0, 0, &w->sink_link_fd, &netlink);
	for (i = 0; i < 3; i++) {
		bpf_link__destroy(w->tp_links[i]);
		w->tp_links[i] = NULL;
	}
	bpf_object__close(gen_obj(w));
	bpf_object__close(sink_obj(w));
	w->gen_obj = NULL;
	w->sink_obj = NULL;
	if (w->have_topo)
		topo_destroy(&w->topo);
	w->have_topo = false;
	w->open = false;
}

/* ---- the DUT ---- */

static void dut_find_maps(struct wire_dut *d, struct bpf_object *obj)
{
	struct bpf_map *stats = bpf_object__find_map_by_name(obj, "fwd_stats");

	d->cfg_fd = obj_map_fd(obj, "fwd_cfg");
	d->ports_fd = obj_map_fd(obj, "fwd_ports");
	d->tx_ports_fd = obj_map_fd(obj, "fwd_tx_ports");
	d->stats_fd = stats ? bpf_map__fd(stats) : -1;
	d->stats_percpu = stats &&
			  bpf_map__type(stats) == BPF_MAP_TYPE_PERCPU_ARRAY;
}

/*
 * Programs built on the base forwarder: frames from IN go out of OUT with
 * OUT's MAC as source and next_out as destination (and the reverse). The
 * devmap resolves ifindexes in the caller's netns: filled inside ns.
 */
static int dut_configure(struct wire_dut *d, const char *ns, int in, int out,
			 const unsigned char *mac_in, const unsigned char *next_in,
			 const unsigned char *mac_out,
			 const unsigned char *next_out)
{
	struct fwd_config cfg = {
		.port_a_ifindex = in,
		.use_tx = d->tx_ports_fd < 0,	/* offload build: XDP_TX */
	};
	struct fwd_port port_a = {}, port_b = {};
	__u32 key, ifindex;
	int saved = -1, err = 0;

	if (d->cfg_fd < 0 || d->ports_fd < 0)
		return 0;
	memcpy(port_a.src_mac, mac_in, 6);
	memcpy(port_a.dst_mac, next_in, 6);
	memcpy(port_b.src_mac, mac_out, 6);
	memcpy(port_b.dst_mac, next_out, 6);
	key = 0;
	if (bpf_map_update_elem(d->cfg_fd, &key, &cfg, BPF_ANY))
		return -errno;
	key = FWD_PORT_A;
	if (bpf_map_update_elem(d->ports_fd, &key, &port_a, BPF_ANY))
		return -errno;
	key = FWD_PORT_B;
	if (bpf_map_update_elem(d->ports_fd, &key, &port_b, BPF_ANY))
		return -errno;
	if (d->tx_ports_fd < 0)
		return 0;
	if (ns && (err = netns_enter(ns, &saved)))
		return err;
	key = FWD_PORT_A;
	ifindex = in;
	if (bpf_map_update_elem(d->tx_ports_fd, &key, &ifindex, BPF_ANY))
		err = -errno;
	key = FWD_PORT_B;
	ifindex = out;
	if (!err && bpf_map_update_elem(d->tx_ports_fd, &key, &ifindex, BPF_ANY))
		err = -errno;
	if (ns)
		netns_leave(saved);
	return err;
}

static int dut_count(const struct wire_dut *d, __u64 *reasons)
{
	__u32 key;

	memset(reasons, 0, FWD_REASON_MAX * sizeof(*reasons));
	if (d->stats_fd < 0)
		return -ENOENT;
	for (key = 0; key < FWD_REASON_MAX; key++)
		if (fwd_stats_sum(d->stats_fd, d->stats_percpu, key,
				  &reasons[key]))
			reasons[key] = 0;
	return 0;
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
	dut_find_maps(d, obj);
	err = dut_configure(d, ns, d->ifindex, d->out_ifindex,
			    t->mac[WIRE_DEV_DUT_A], t->mac[WIRE_DEV_GEN],
			    t->mac[WIRE_DEV_DUT_B], t->mac[WIRE_DEV_SINK]);
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
	err = xdp_attach(ns, d->ifindex, d->prog_fd, wire_mode_flags(mode),
			 &d->link_fd, &d->netlink_attached);
	if (err) {
		perf_msg(why, len, "cannot attach the DUT program in %s mode: %s",
			wire_mode_name(mode), strerror(-err));
		return err == -EOPNOTSUPP ? WIRE_SKIP : err;
	}
	remember_prog(w, d->prog_fd);
	w->dut_attached = true;
	return 0;
}

void wire_dut_detach(struct wire *w)
{
	struct wire_dut *d = &w->dut;

	if (!w->dut_attached)
		return;
	xdp_detach(d->ns, d->ifindex, wire_mode_flags(d->mode), &d->link_fd,
		   &d->netlink_attached);
	w->dut_attached = false;
}

/* ---- counters ---- */

/* Monotonic counters, read before and after a trial. */
struct wire_snap {
	__u64 dut_reason[FWD_REASON_MAX];
	bool have_dut;
	struct wire_dev_drops tp[WIRE_DEV_MAX];
	struct netns_link_stats link[WIRE_DEV_MAX];
	__u64 eth_xmit_err[WIRE_DEV_MAX];	/* ndo_xdp_xmit refused */
	__u64 eth_tx_err[WIRE_DEV_MAX];		/* own XDP_TX failed */
	__u64 eth_rx_drops[WIRE_DEV_MAX];
	__u64 run_ns, run_cnt;
	double cpu_busy_ns;
	double ksoftirqd_ns;
};

/*
 * sys + irq + softirq time since boot from /proc/stat, of the CPUs in
 * cpus[0..n-1], or of all CPUs when n == 0. User time is left out: it is
 * nobody's packet processing (and on a shared machine, other people's).
 */
static double proc_stat_busy_ns(const int *cpus, int n)
{
	unsigned long long user, nice, sys, idle, iowait, irq, softirq;
	double tick_ns = NS_PER_S / sysconf(_SC_CLK_TCK), busy = 0;
	char line[512], name[16];
	FILE *f = fopen("/proc/stat", "re");
	int i, cpu;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%15s %llu %llu %llu %llu %llu %llu %llu", name,
			   &user, &nice, &sys, &idle, &iowait, &irq,
			   &softirq) != 8 || strncmp(name, "cpu", 3))
			continue;
		if (!n) {
			if (!strcmp(name, "cpu")) {
				busy = (double)(sys + irq + softirq) * tick_ns;
				break;
			}
			continue;
		}
		if (sscanf(name, "cpu%d", &cpu) != 1)
			continue;
		for (i = 0; i < n; i++)
			if (cpus[i] == cpu)
				busy += (double)(sys + irq + softirq) * tick_ns;
	}
	fclose(f);
	return busy;
}

static void prog_run_stats(int prog_fd, __u64 *run_ns, __u64 *run_cnt)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	*run_ns = *run_cnt = 0;
	if (prog_fd >= 0 && !bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		*run_ns = info.run_time_ns;
		*run_cnt = info.run_cnt;
	}
}

static void snap_dev(const struct wire *w, struct wire_snap *s, int i)
{
	const struct wire_topo *t = &w->topo;
	const char *ns = topo_dev_ns(t, i);
	struct wire_dev_key key = {
		.netns_ino = t->ns_ino[dev_ns[i]], .ifindex = t->ifindex[i],
	};
	int fd = obj_map_fd(sink_obj(w), "wire_drops");

	if (w->have_tracepoints && fd >= 0)
		bpf_map_lookup_elem(fd, &key, &s->tp[i]);
	netns_link_stats(ns, t->ifname[i], &s->link[i]);
	netns_ethtool_queue_sum(ns, t->ifname[i], "tx", "xdp_xmit_errors",
				&s->eth_xmit_err[i]);
	netns_ethtool_queue_sum(ns, t->ifname[i], "rx", "xdp_tx_errors",
				&s->eth_tx_err[i]);
	netns_ethtool_queue_sum(ns, t->ifname[i], "rx", "drops",
				&s->eth_rx_drops[i]);
}

static void snap_take(const struct wire *w, struct wire_snap *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->have_dut = w->dut_attached && !dut_count(&w->dut, s->dut_reason);
	for (i = 0; i < WIRE_DEV_MAX; i++)
		snap_dev(w, s, i);
	prog_run_stats(w->dut_attached ? w->dut.prog_fd : -1, &s->run_ns,
		       &s->run_cnt);
	/* on veth all the work runs on the generator's CPUs */
	s->cpu_busy_ns = proc_stat_busy_ns(w->gen_cpus, w->nr_gen_cpus);
	for (i = 0; i < w->nr_gen_cpus; i++)
		if (w->ksoftirqd[i])
			s->ksoftirqd_ns += task_cpu_ns(w->ksoftirqd[i]);
}

static __u64 delta(__u64 after, __u64 before)
{
	return after >= before ? after - before : 0;
}

/* Kernel drops between two snapshots, each frame counted once. */
static void snap_drops(const struct wire *w, const struct wire_snap *a,
		       const struct wire_snap *b, struct wire_trial_result *r)
{
	__u64 tx_dropped, own;
	int i;

	for (i = 0; i < WIRE_DEV_MAX; i++) {
		__u64 xmit_err = delta(b->eth_xmit_err[i], a->eth_xmit_err[i]);
		__u64 tx_err = delta(b->eth_tx_err[i], a->eth_tx_err[i]);

		/* the tracepoint sees every ndo_xdp_xmit refusal, veth or not */
		if (w->have_tracepoints) {
			r->drop_xmit_dev[i] = delta(b->tp[i].xmit_drops,
						    a->tp[i].xmit_drops);
			r->drop_xmit += r->drop_xmit_dev[i];
			r->drop_redirect += delta(b->tp[i].redirect_err,
						  a->tp[i].redirect_err);
			r->drop_exception += delta(b->tp[i].exception,
						   a->tp[i].exception);
		} else {
			r->drop_xmit_dev[i] = xmit_err;
			r->drop_xmit += xmit_err;
		}
		/*
		 * veth's tx_dropped = skb drops in veth_xmit + own failed
		 * XDP_TX + the peer queue's ndo_xdp_xmit refusals: keep the
		 * first, the others are counted above and below.
		 */
		tx_dropped = delta(b->link[i].tx_dropped, a->link[i].tx_dropped);
		own = tx_err + xmit_err;
		r->drop_skb += tx_dropped > own ? tx_dropped - own : 0;
		r->drop_rx += delta(b->eth_rx_drops[i], a->eth_rx_drops[i]);
	}
	r->kernel_drops = r->drop_xmit + r->drop_redirect + r->drop_exception +
			  r->drop_skb + r->drop_rx;
}

/* ---- per-trial maps of generator and sink ---- */

static size_t percpu_value_size(size_t size)
{
	return (size + 7) & ~(size_t)7;
}

/* Zero entries 0..n-1 of a (per-CPU) array. */
static int map_zero(const struct wire *w, const char *obj_map, bool gen,
		    __u32 n, size_t value_size, bool percpu)
{
	struct bpf_object *obj = gen ? gen_obj(w) : sink_obj(w);
	size_t vsz = percpu ? percpu_value_size(value_size) * w->nr_cpus :
			      value_size;
	int fd = obj_map_fd(obj, obj_map), err = 0;
	void *zero = calloc(1, vsz);
	__u32 key;

	if (fd < 0 || !zero) {
		free(zero);
		return fd < 0 ? fd : -ENOMEM;
	}
	for (key = 0; key < n && !err; key++)
		if (bpf_map_update_elem(fd, &key, zero, BPF_ANY))
			err = -errno;
	free(zero);
	return err;
}

/* The histogram has 7424 buckets: one batch call instead of 7424. */
static int hist_zero(const struct wire *w)
{
	int fd = obj_map_fd(sink_obj(w), "sink_latency"), err = 0;
	__u32 n = WIRE_HIST_BUCKETS, i, count = n;
	size_t vsz = sizeof(__u64) * w->nr_cpus;
	__u32 *keys = calloc(n, sizeof(*keys));
	void *vals = calloc(n, vsz);

	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++)
		keys[i] = i;
	if (bpf_map_update_batch(fd, keys, vals, &count, NULL)) {
		err = 0;	/* no batch ops: one by one */
		for (i = 0; i < n && !err; i++)
			if (bpf_map_update_elem(fd, &keys[i],
						(char *)vals + i * vsz, BPF_ANY))
				err = -errno;
	}
out:
	free(keys);
	free(vals);
	return err;
}

/* Histogram summed over CPUs into h[WIRE_HIST_BUCKETS]. */
static int hist_read(const struct wire *w, __u64 *h)
{
	int fd = obj_map_fd(sink_obj(w), "sink_latency"), err = 0, c;
	__u32 n = WIRE_HIST_BUCKETS, i, count = n, out_batch;
	size_t per = w->nr_cpus;
	__u32 *keys = calloc(n, sizeof(*keys));
	__u64 *vals = calloc(n * per, sizeof(*vals));

	if (!keys || !vals) {
		err = -ENOMEM;
		goto out;
	}
	if (bpf_map_lookup_batch(fd, NULL, &out_batch, keys, vals, &count,
				 NULL) && errno != ENOENT) {
		for (i = 0; i < n && !err; i++) {
			keys[i] = i;
			if (bpf_map_lookup_elem(fd, &i, vals + i * per))
				err = -errno;
		}
		count = n;
	}
	memset(h, 0, n * sizeof(*h));
	for (i = 0; i < count && !err; i++)
		for (c = 0; c < w->nr_cpus; c++)
			if (keys[i] < n)
				h[keys[i]] += vals[i * per + c];
out:
	free(keys);
	free(vals);
	return err;
}

static int capture_set(const struct wire *w, __u32 state)
{
	struct wire_capture cap = { .state = state };
	int fd = obj_map_fd(sink_obj(w), "sink_capture");
	__u32 key = 0;

	return bpf_map_update_elem(fd, &key, &cap, BPF_ANY) ? -errno : 0;
}

static int trial_reset(const struct wire *w, bool capture)
{
	int err;

	err = map_zero(w, "gen_stats", true, 1, sizeof(struct wire_gen_stats),
		       true);
	if (!err)
		err = map_zero(w, "sink_stats", false, 1,
			       sizeof(struct wire_sink_stats), true);
	if (!err)
		err = map_zero(w, "sink_streams", false, WIRE_MAX_STREAMS,
			       sizeof(struct wire_stream_stats), true);
	if (!err)
		err = hist_zero(w);
	if (!err)
		err = capture_set(w, capture ? WIRE_CAPTURE_ARMED :
					       WIRE_CAPTURE_IDLE);
	return err;
}

static void gen_totals(const struct wire *w, __u64 *sent, __u64 *short_frames)
{
	struct wire_gen_stats *st = calloc(w->nr_cpus, sizeof(*st));
	int fd = obj_map_fd(gen_obj(w), "gen_stats"), c;
	__u32 key = 0;

	*sent = *short_frames = 0;
	if (!st || bpf_map_lookup_elem(fd, &key, st)) {
		free(st);
		return;
	}
	for (c = 0; c < w->nr_cpus; c++) {
		*sent += st[c].sent;
		*short_frames += st[c].short_frames;
	}
	free(st);
}

static int sink_totals(const struct wire *w, struct wire_sink_stats *sum)
{
	struct wire_sink_stats *st = calloc(w->nr_cpus, sizeof(*st));
	int fd = obj_map_fd(sink_obj(w), "sink_stats"), c;
	__u32 key = 0;

	memset(sum, 0, sizeof(*sum));
	if (!st)
		return -ENOMEM;
	if (bpf_map_lookup_elem(fd, &key, st)) {
		free(st);
		return -errno;
	}
	for (c = 0; c < w->nr_cpus; c++) {
		sum->pkts += st[c].pkts;
		sum->bytes += st[c].bytes;
		sum->foreign += st[c].foreign;
		sum->bad_stream += st[c].bad_stream;
		sum->clock_neg += st[c].clock_neg;
		if (st[c].lat_min && (!sum->lat_min || st[c].lat_min < sum->lat_min))
			sum->lat_min = st[c].lat_min;
		if (st[c].lat_max > sum->lat_max)
			sum->lat_max = st[c].lat_max;
	}
	free(st);
	return 0;
}

/* Gaps and late arrivals, from the per-CPU view of every stream. */
static void sink_sequences(const struct wire *w, __u64 *lost, __u64 *reordered)
{
	struct wire_stream_stats *st = calloc(w->nr_cpus, sizeof(*st));
	int fd = obj_map_fd(sink_obj(w), "sink_streams"), c;
	__u64 highest, received;
	__u32 key;

	*lost = *reordered = 0;
	if (!st)
		return;
	for (key = 0; key < WIRE_MAX_STREAMS; key++) {
		if (bpf_map_lookup_elem(fd, &key, st))
			continue;
		highest = received = 0;
		for (c = 0; c < w->nr_cpus; c++) {
			received += st[c].received;
			*reordered += st[c].reordered;
			if (st[c].next_seq > highest)
				highest = st[c].next_seq;
		}
		*lost += highest > received ? highest - received : 0;
	}
	free(st);
}

static void capture_read(const struct wire *w, struct wire_trial_result *r)
{
	int fd = obj_map_fd(sink_obj(w), "sink_capture");
	struct wire_capture cap;
	__u32 key = 0;

	if (bpf_map_lookup_elem(fd, &key, &cap) ||
	    cap.state != WIRE_CAPTURE_DONE)
		return;
	r->captured = true;
	r->cap_len = cap.len;
	memcpy(r->cap, cap.data, sizeof(r->cap));
}

/* ---- latency percentiles ---- */

/* Value reported for bucket idx: its middle, within the exact min/max. */
static double hist_value(__u32 idx, double min, double max)
{
	double v = wire_hist_lower(idx) + (wire_hist_width(idx) - 1) / 2.0;

	if (v < min)
		v = min;
	if (v > max)
		v = max;
	return v;
}

static double hist_quantile(const __u64 *h, __u64 total, double q,
			    double min, double max)
{
	__u64 rank = (__u64)ceil(q * total), cum = 0;
	__u32 i;

	if (!rank)
		rank = 1;
	for (i = 0; i < WIRE_HIST_BUCKETS; i++) {
		cum += h[i];
		if (cum >= rank)
			return hist_value(i, min, max);
	}
	return max;
}

static int latency_read(const struct wire *w, const struct wire_sink_stats *s,
			struct wire_latency *lat)
{
	__u64 *h = calloc(WIRE_HIST_BUCKETS, sizeof(*h)), total = 0;
	int err, i;

	memset(lat, 0, sizeof(*lat));
	if (!h)
		return -ENOMEM;
	err = hist_read(w, h);
	for (i = 0; !err && i < (int)WIRE_HIST_BUCKETS; i++)
		total += h[i];
	if (!err && total) {
		lat->count = total;
		lat->min = s->lat_min;
		lat->max = s->lat_max;
		lat->p50 = hist_quantile(h, total, 0.50, lat->min, lat->max);
		lat->p90 = hist_quantile(h, total, 0.90, lat->min, lat->max);
		lat->p99 = hist_quantile(h, total, 0.99, lat->min, lat->max);
		lat->p999 = hist_quantile(h, total, 0.999, lat->min, lat->max);
	}
	free(h);
	return err;
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

struct gen_thread {
	pthread_t tid;
	const struct wire *w;
	const struct wire_trial_cfg *cfg;
	struct gen_start *start;
	const __u8 *pkt;
	__u32 len;
	int cpu;
	double rate;		/* this thread's share, pps; 0 = unpaced */
	double t_start, t_end;
	double cpu_ns;		/* thread CPU time over the loop */
	long vol_switches;	/* it blocked (a lock, a sleep) */
	long invol_switches;	/* it was preempted */
	__u64 frames;		/* frames asked of test_run */
	int err;
};

static void sleep_until(double t_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(t_ns / NS_PER_S),
		.tv_nsec = (long)fmod(t_ns, NS_PER_S),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) == EINTR)
		;
}

/*
 * Paced: one test_run call per burst of `burst` frames (PACE_BURST_NS of
 * traffic) on a schedule counted from the start. A call that comes late
 * sends everything due (up to PACE_MAX_CALL frames): the per-call cost is
 * then spread over more frames and the average rate holds up to nearly the
 * unpaced rate. Unpaced: calls sized to FULL_CALL_NS.
 */
static void gen_loop(struct gen_thread *g, int prog_fd, int ifindex)
{
	struct xdp_md ctx = { .data_end = g->len, .ingress_ifindex = ifindex };
	LIBBPF_OPTS(bpf_test_run_opts, opts,
		.data_in = g->pkt,
		.data_size_in = g->len,
		.ctx_in = &ctx,
		.ctx_size_in = sizeof(ctx),
		.flags = BPF_F_TEST_XDP_LIVE_FRAMES,
	);
	__u32 batch = g->cfg->batch, n = 4096, burst = 1;
	double end, now, due, late, t0, t1;
	struct rusage ru;

	if (g->rate > 0) {
		burst = (__u32)ceil(g->rate * PACE_BURST_NS / NS_PER_S);
		burst = burst < 1 ? 1 : burst > batch ? batch : burst;
	}
	getrusage(RUSAGE_THREAD, &ru);
	g->vol_switches = -ru.ru_nvcsw;
	g->invol_switches = -ru.ru_nivcsw;
	g->cpu_ns = -thread_cpu_ns();
	g->t_start = mono_ns();
	end = g->t_start + g->cfg->duration_ms * 1e6;
	for (;;) {
		now = mono_ns();
		if (now >= end || test__stopping())
			break;
		if (g->rate > 0) {
			due = g->t_start + g->frames * NS_PER_S / g->rate;
			if (now < due) {
				sleep_until(due < end ? due : end);
				continue;
			}
			late = (now - g->t_start) * g->rate / NS_PER_S - g->frames;
			n = late <= burst ? burst :
			    late >= PACE_MAX_CALL ? PACE_MAX_CALL : (__u32)late;
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
	g->t_end = mono_ns();
	g->cpu_ns += thread_cpu_ns();
	getrusage(RUSAGE_THREAD, &ru);
	g->vol_switches += ru.ru_nvcsw;
	g->invol_switches += ru.ru_nivcsw;
}

static void *gen_thread_fn(void *arg)
{
	struct gen_thread *g = arg;
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
		gen_loop(g, obj_prog_fd(gen_obj(w), "xdp_trafficgen"),
			 w->topo.ifindex[WIRE_DEV_GEN]);
	netns_leave(saved);
	return NULL;
}

static int gen_run(const struct wire *w, const struct wire_trial_cfg *cfg,
		   const __u8 *pkt, __u32 len, double *elapsed_ns,
		   struct wire_trial_result *r)
{
	struct gen_start start = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
	};
	struct gen_thread g[WIRE_MAX_THREADS] = {};
	int i, n = cfg->threads, err = 0, started = 0;
	double t0 = 0, t1 = 0, cpu = 0, wall = 0;

	if (n < 1 || n > w->nr_gen_cpus)
		n = w->nr_gen_cpus;
	for (i = 0; i < n; i++) {
		g[i].w = w;
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
		r->gen_vol_switches += g[i].vol_switches;
		r->gen_invol_switches += g[i].invol_switches;
	}
	*elapsed_ns = t1 > t0 ? t1 - t0 : 0;
	r->gen_cpu_share = wall > 0 ? cpu / wall : 0;
	return err;
}

/*
 * After the generator stopped, frames may still sit in veth rings or wait
 * for a NAPI run: poll until the sink count stops moving.
 */
static void drain(const struct wire *w)
{
	struct wire_sink_stats s;
	__u64 last = ~0ULL;
	int stable = 0, i;

	for (i = 0; i < DRAIN_MAX_POLLS && stable < DRAIN_STABLE_POLLS; i++) {
		usleep(DRAIN_POLL_US);
		if (sink_totals(w, &s))
			return;
		stable = s.pkts == last ? stable + 1 : 0;
		last = s.pkts;
	}
}

/* BPF run-time statistics: on while *fd is open (or the sysctl is set). */
static int stats_enable(int *fd, bool *sysctl_set)
{
	FILE *f;

	*sysctl_set = false;
	*fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (*fd >= 0)
		return 0;
	f = fopen("/proc/sys/kernel/bpf_stats_enabled", "we");
	if (!f)
		return -errno;
	fputs("1\n", f);
	*sysctl_set = !fclose(f);
	return *sysctl_set ? 0 : -EPERM;
}

static void stats_restore(int fd, bool sysctl_set)
{
	FILE *f;

	if (fd >= 0)
		close(fd);
	if (!sysctl_set)
		return;
	f = fopen("/proc/sys/kernel/bpf_stats_enabled", "we");
	if (f) {
		fputs("0\n", f);
		fclose(f);
	}
}

void wire_trial_defaults(struct wire_trial_cfg *cfg, unsigned int frame_size,
			 double rate_pps, double duration_ms)
{
	memset(cfg, 0, sizeof(*cfg));
	cfg->frame_size = frame_size;
	cfg->rate_pps = rate_pps;
	cfg->duration_ms = duration_ms;
	cfg->threads = wire_opts.gen_threads;
	cfg->batch = wire_opts.gen_batch;
}

static void trial_compute(const struct wire *w, const struct wire_snap *a,
			  const struct wire_snap *b, double elapsed_ns,
			  struct wire_trial_result *r)
{
	int i;

	r->elapsed_s = elapsed_ns / NS_PER_S;
	snap_drops(w, a, b, r);
	r->have_dut_counts = a->have_dut && b->have_dut;
	if (r->have_dut_counts) {
		for (i = 0; i < FWD_REASON_MAX; i++) {
			__u64 d = delta(b->dut_reason[i], a->dut_reason[i]);

			r->dut_reason[i] = d;
			r->dut_seen += d;
			if (i == FWD_REDIRECT || i == FWD_TX)
				r->dut_forwarded += d;
			else
				r->dut_passed += d;
		}
	}
	r->unaccounted = (__s64)r->sent - (__s64)r->received -
			 (__s64)r->dut_passed - (__s64)r->kernel_drops;
	if (elapsed_ns > 0 && w->nr_gen_cpus)
		r->ksoftirqd_share = (b->ksoftirqd_ns - a->ksoftirqd_ns) /
				     (elapsed_ns * w->nr_gen_cpus);
	if (elapsed_ns > 0) {
		r->offered_pps = r->sent * NS_PER_S / elapsed_ns;
		r->delivered_pps = r->received * NS_PER_S / elapsed_ns;
		r->host_core_pct = 100 * (b->cpu_busy_ns - a->cpu_busy_ns) /
				   elapsed_ns;
	}
	r->loss_ratio = r->sent ? (double)(r->sent > r->received ?
					   r->sent - r->received : 0) / r->sent : 0;
	if (r->received)
		r->host_ns_per_pkt = (b->cpu_busy_ns - a->cpu_busy_ns) /
				     r->received;
	if (b->run_cnt > a->run_cnt) {
		r->have_prog_stats = true;
		r->prog_ns_per_pkt = (double)(b->run_ns - a->run_ns) /
				     (b->run_cnt - a->run_cnt);
		r->prog_core_pct = elapsed_ns > 0 ?
				   100.0 * (b->run_ns - a->run_ns) / elapsed_ns : 0;
	}
}

int wire_trial(struct wire *w, const struct wire_trial_cfg *cfg,
	       struct wire_trial_result *r)
{
	__u8 pkt[PKT_BUF_LEN(PKT_MAX_FRAME)];
	struct wire_snap *a = NULL, *b = NULL;
	struct wire_sink_stats sink;
	int err, stats_fd = -1;
	bool stats_sysctl = false;
	double elapsed = 0;
	__u64 short_frames;
	__u32 len;

	memset(r, 0, sizeof(*r));
	err = build_template(w, cfg->frame_size, pkt, &len);
	if (err)
		return err;
	a = calloc(1, sizeof(*a));
	b = calloc(1, sizeof(*b));
	if (!a || !b) {
		err = -ENOMEM;
		goto out;
	}
	w->gen_cfg.ts_offset_ns = cfg->ts_offset_ns;
	err = gen_cfg_push(w);
	if (!err)
		err = trial_reset(w, cfg->capture);
	if (err)
		goto out;
	if (cfg->bpf_stats) {
		err = stats_enable(&stats_fd, &stats_sysctl);
		if (err)
			goto out;
	}
	snap_take(w, a);
	err = gen_run(w, cfg, pkt, len, &elapsed, r);
	drain(w);
	snap_take(w, b);
	stats_restore(stats_fd, stats_sysctl);
	if (err)
		goto out;
	gen_totals(w, &r->sent, &short_frames);
	err = sink_totals(w, &sink);
	if (err)
		goto out;
	r->received = sink.pkts;
	r->foreign = sink.foreign;
	r->bad_stream = sink.bad_stream;
	r->clock_neg = sink.clock_neg;
	sink_sequences(w, &r->seq_lost, &r->reordered);
	trial_compute(w, a, b, elapsed, r);
	err = latency_read(w, &sink, &r->lat);
	if (cfg->capture)
		capture_read(w, r);
out:
	free(a);
	free(b);
	return err;
}

void wire_trial_log(const char *what, const struct wire_trial_result *r)
{
	int i;

	for (i = FWD_TX + 1; i < FWD_REASON_MAX; i++)
		if (r->dut_reason[i])
			test__info("wire %s: DUT passed %llu frames for reason %d (enum fwd_reason)",
				   what, (unsigned long long)r->dut_reason[i], i);
	test__info("wire %s: %.3f s (cpu gen %.0f%% ksoftirqd %.0f%%) sent %llu (%.3f Mpps) received %llu (%.3f Mpps) loss %.4f%% | dut fwd %llu pass %llu | drops xmit %llu redirect %llu exception %llu skb %llu rx %llu | unaccounted %lld | seq lost %llu reordered %llu | lat n %llu p50 %.0f p99 %.0f max %.0f ns",
		   what, r->elapsed_s, 100 * r->gen_cpu_share,
		   100 * r->ksoftirqd_share,
		   (unsigned long long)r->sent,
		   r->offered_pps / 1e6, (unsigned long long)r->received,
		   r->delivered_pps / 1e6, 100 * r->loss_ratio,
		   (unsigned long long)r->dut_forwarded,
		   (unsigned long long)r->dut_passed,
		   (unsigned long long)r->drop_xmit,
		   (unsigned long long)r->drop_redirect,
		   (unsigned long long)r->drop_exception,
		   (unsigned long long)r->drop_skb,
		   (unsigned long long)r->drop_rx, (long long)r->unaccounted,
		   (unsigned long long)r->seq_lost,
		   (unsigned long long)r->reordered,
		   (unsigned long long)r->lat.count, r->lat.p50, r->lat.p99,
		   r->lat.max);
}

/* ---- measured points ---- */

static void point_track(struct wire_point *pt, const struct wire_trial_result *r)
{
	__s64 u = r->unaccounted < 0 ? -r->unaccounted : r->unaccounted;
	__s64 worst = pt->unaccounted < 0 ? -pt->unaccounted : pt->unaccounted;

	if (u > worst)
		pt->unaccounted = r->unaccounted;
}

/*
 * RFC 2544 throughput: the highest offered rate with loss within the
 * tolerance, by bisection between 0 and the rate the generator reached at
 * full load. The bounds move to the rates the generator really offered
 * (a paced trial can fall short of its target), and that is what is
 * recorded. A passing trial well short of its target means the generator,
 * not the DUT, is the limit: the search stops there.
 */
static int zero_loss_search(struct wire *w, unsigned int frame_size,
			    const struct wire_trial_result *full,
			    struct wire_point *pt, double *best)
{
	double lo = 0, hi = full->offered_pps, mid;
	double res = env.quick ? SEARCH_RES_QUICK : SEARCH_RES_FULL;
	struct wire_trial_result r;
	struct wire_trial_cfg cfg;
	char what[64];
	int step, err;

	*best = 0;
	if (full->loss_ratio <= wire_opts.loss_tolerance) {
		/* the DUT kept up with all the generator could offer */
		pt->gen_limited = true;
		*best = full->offered_pps;
		return 0;
	}
	for (step = 0; step < SEARCH_MAX_STEPS && hi - lo > res * hi &&
	     !test__stopping(); step++) {
		mid = (lo + hi) / 2;
		wire_trial_defaults(&cfg, frame_size, mid, wire_opts.trial_ms);
		err = wire_trial(w, &cfg, &r);
		if (err)
			return err;
		point_track(pt, &r);
		snprintf(what, sizeof(what), "search %.3f Mpps", mid / 1e6);
		wire_trial_log(what, &r);
		if (r.loss_ratio <= wire_opts.loss_tolerance) {
			if (r.offered_pps > *best)
				*best = r.offered_pps;
			lo = r.offered_pps > lo ? r.offered_pps : lo;
			if (r.offered_pps < SEARCH_SHORT * mid) {
				pt->gen_limited = true;
				break;
			}
		} else {
			hi = r.offered_pps > lo && r.offered_pps < mid ?
			     r.offered_pps : mid;
		}
	}
	return 0;
}

static int latency_points(struct wire *w, unsigned int frame_size,
			  double zero_loss, struct wire_point *pt, int rep)
{
	struct wire_trial_result r;
	struct wire_trial_cfg cfg;
	char what[64];
	int i, err, n;

	for (i = 0; i < wire_opts.nr_latency_at && !test__stopping(); i++) {
		if (zero_loss <= 0)
			return 0;
		wire_trial_defaults(&cfg, frame_size,
				    zero_loss * wire_opts.latency_at[i],
				    wire_opts.trial_ms);
		err = wire_trial(w, &cfg, &r);
		if (err)
			return err;
		point_track(pt, &r);
		snprintf(what, sizeof(what), "latency at %.0f%%",
			 100 * wire_opts.latency_at[i]);
		wire_trial_log(what, &r);
		if (!r.lat.count)
			continue;
		n = pt->lat_reps[i]++;
		pt->lat[i][0][n] = r.lat.p50;
		pt->lat[i][1][n] = r.lat.p90;
		pt->lat[i][2][n] = r.lat.p99;
		pt->lat[i][3][n] = r.lat.p999;
		pt->lat[i][4][n] = r.lat.max;
		(void)rep;
	}
	return 0;
}

/*
 * At full load the generator (with the softirq work it does inline) should
 * own its CPU. If it did not: blocked (voluntary switches: typically the
 * XDP dispatcher mutex, which every BPF_PROG_TEST_RUN call with repeat > 1
 * of any other process takes for two RCU grace periods) or preempted.
 */
static void gen_starved_log(const struct wire *w,
			    const struct wire_trial_result *r)
{
	bool blocked = r->gen_vol_switches > r->gen_invol_switches;

	test__info("wire: generator %.0f%% + ksoftirqd %.0f%% of CPU %d at full load, %ld blocked / %ld preempted switches: %s; this repetition reads low",
		   100 * r->gen_cpu_share, 100 * r->ksoftirqd_share,
		   w->gen_cpus[0], r->gen_vol_switches, r->gen_invol_switches,
		   blocked ? "blocked in the kernel (another process's BPF_PROG_TEST_RUN holding the XDP dispatcher?)" :
			     "other load on that CPU");
}

static int measure_rep(struct wire *w, const struct wire_measure_cfg *mc,
		       struct wire_point *pt, int rep)
{
	struct wire_trial_result full, cpu;
	struct wire_trial_cfg cfg;
	double zero_loss;
	int err;

	wire_trial_defaults(&cfg, mc->frame_size, wire_opts.rate_pps,
			    mc->duration_ms > 0 ? mc->duration_ms :
						  wire_opts.duration_ms);
	err = wire_trial(w, &cfg, &full);
	if (err)
		return err;
	point_track(pt, &full);
	wire_trial_log("full load", &full);
	pt->mpps_max[rep] = full.delivered_pps / 1e6;
	pt->gbps_max[rep] = wire_gbps(full.delivered_pps, mc->frame_size);
	pt->offered_max[rep] = full.offered_pps / 1e6;
	pt->loss_max[rep] = 100 * full.loss_ratio;
	pt->host_ns[rep] = full.host_ns_per_pkt;
	pt->host_pct[rep] = full.host_core_pct;
	pt->gen_cpu_pct[rep] = 100 * full.gen_cpu_share;
	pt->ksoftirqd_pct[rep] = 100 * full.ksoftirqd_share;
	if (full.gen_cpu_share + full.ksoftirqd_share < GEN_CPU_SHARE_LOW)
		gen_starved_log(w, &full);
	if (mc->cpu) {
		/* a trial of its own: the stats slow every program down */
		cfg.bpf_stats = true;
		err = wire_trial(w, &cfg, &cpu);
		if (err)
			return err;
		point_track(pt, &cpu);
		wire_trial_log("cpu (bpf_stats on)", &cpu);
		pt->have_prog_stats = cpu.have_prog_stats;
		pt->prog_ns[rep] = cpu.prog_ns_per_pkt;
		pt->prog_pct[rep] = cpu.prog_core_pct;
	}
	if (!mc->search)
		return 0;
	err = zero_loss_search(w, mc->frame_size, &full, pt, &zero_loss);
	if (err)
		return err;
	pt->mpps_zero_loss[rep] = zero_loss / 1e6;
	pt->gbps_zero_loss[rep] = wire_gbps(zero_loss, mc->frame_size);
	return latency_points(w, mc->frame_size, zero_loss, pt, rep);
}

int wire_measure(struct wire *w, const struct wire_measure_cfg *mc,
		 struct wire_point *pt)
{
	int reps = wire_reps(), rep, err;

	memset(pt, 0, sizeof(*pt));
	for (rep = 0; rep < reps && !test__stopping(); rep++) {
		err = measure_rep(w, mc, pt, rep);
		if (err)
			return err;
		pt->reps = rep + 1;
		test__progress(rep + 1, reps);
	}
	return 0;
}

static void add_metric(const struct point_key *key, enum metric_id metric,
		       const double *x, int n)
{
	struct sample_stats st;

	if (n >= 1 && !stats_compute(x, n, &st))
		results_add(key, metric, &st);
}

void wire_results_add(const struct wire_point *pt, const char *property,
		      long n, const char *variant, unsigned int frame_size,
		      enum wire_mode mode, bool search)
{
	static const enum metric_id lat_metrics[5] = {
		METRIC_LATENCY_P50, METRIC_LATENCY_P90, METRIC_LATENCY_P99,
		METRIC_LATENCY_P999, METRIC_LATENCY_MAX,
	};
	struct point_key key = {
		.property = property, .n = n, .variant = variant ?: "",
		.op = "", .frame_size = frame_size,
		.mode = wire_mode_name(mode),
	};
	char op[32];
	int i, j;

	add_metric(&key, METRIC_MPPS_MAX, pt->mpps_max, pt->reps);
	add_metric(&key, METRIC_GBPS_MAX, pt->gbps_max, pt->reps);
	add_metric(&key, METRIC_MPPS_OFFERED_MAX, pt->offered_max, pt->reps);
	add_metric(&key, METRIC_LOSS_PCT_MAX, pt->loss_max, pt->reps);
	add_metric(&key, METRIC_CPU_HOST_NS, pt->host_ns, pt->reps);
	add_metric(&key, METRIC_CPU_HOST_PCT, pt->host_pct, pt->reps);
	add_metric(&key, METRIC_GEN_CPU_PCT, pt->gen_cpu_pct, pt->reps);
	add_metric(&key, METRIC_KSOFTIRQD_PCT, pt->ksoftirqd_pct, pt->reps);
	if (pt->have_prog_stats) {
		add_metric(&key, METRIC_CPU_PROG_NS, pt->prog_ns, pt->reps);
		add_metric(&key, METRIC_CPU_PROG_PCT, pt->prog_pct, pt->reps);
	}
	if (!search)
		return;
	add_metric(&key, METRIC_MPPS_ZERO_LOSS, pt->mpps_zero_loss, pt->reps);
	add_metric(&key, METRIC_GBPS_ZERO_LOSS, pt->gbps_zero_loss,
		   pt->reps);
	for (i = 0; i < wire_opts.nr_latency_at; i++) {
		snprintf(op, sizeof(op), "load_%.0fpct",
			 100 * wire_opts.latency_at[i]);
		key.op = op;
		for (j = 0; j < 5; j++)
			add_metric(&key, lat_metrics[j], pt->lat[i][j],
				   pt->lat_reps[i]);
	}
}

/* ---- the DUT on host NICs (--dut-dev, --offload-dev) ---- */

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
	double prog_ns[WIRE_MAX_REPS], prog_pct[WIRE_MAX_REPS];
	int nr_prog;
	double frame_bytes;
};

static void devrun_snap(const struct wire_dut *d, const char *in,
			const char *out, struct devrun_snap *s)
{
	memset(s, 0, sizeof(*s));
	s->have_dut = !dut_count(d, s->reasons);
	netns_link_stats(NULL, in, &s->in);
	netns_link_stats(NULL, out, &s->out);
	prog_run_stats(d->prog_fd, &s->run_ns, &s->run_cnt);
	s->busy_ns = proc_stat_busy_ns(NULL, 0);
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
		fwd = delta(b->reasons[FWD_REDIRECT], a->reasons[FWD_REDIRECT]) +
		      delta(b->reasons[FWD_TX], a->reasons[FWD_TX]);
	rx = delta(b->in.rx_packets, a->in.rx_packets);
	out_pkts = delta(b->out.tx_packets, a->out.tx_packets);
	s->mpps_in[i] = rx * 1e3 / t;
	s->mpps_fwd[i] = fwd * 1e3 / t;
	s->mpps_out[i] = out_pkts * 1e3 / t;
	if (out_pkts)
		s->frame_bytes = (double)delta(b->out.tx_bytes, a->out.tx_bytes) /
				 out_pkts + PKT_FCS_LEN;
	s->gbps_out[i] = wire_gbps(out_pkts * NS_PER_S / t, (unsigned int)s->frame_bytes);
	rx += delta(b->in.rx_dropped, a->in.rx_dropped);
	s->drop_pct_in[i] = rx ? 100.0 * delta(b->in.rx_dropped,
					       a->in.rx_dropped) / rx : 0;
	s->host_pct[i] = 100 * (b->busy_ns - a->busy_ns) / t;
	s->host_ns[i] = fwd ? (b->busy_ns - a->busy_ns) / fwd : 0;
	s->n++;
}

static void devrun_results(const struct devrun_samples *s, enum wire_mode mode)
{
	struct point_key key = {
		.property = "dut_dev", .n = -1, .variant = "", .op = "",
		.frame_size = (int)(s->frame_bytes + 0.5),
		.mode = wire_mode_name(mode),
	};

	add_metric(&key, METRIC_MPPS_IN, s->mpps_in, s->n);
	add_metric(&key, METRIC_MPPS_FWD, s->mpps_fwd, s->n);
	add_metric(&key, METRIC_MPPS_OUT, s->mpps_out, s->n);
	add_metric(&key, METRIC_GBPS_OUT, s->gbps_out, s->n);
	add_metric(&key, METRIC_DROP_PCT_IN, s->drop_pct_in, s->n);
	add_metric(&key, METRIC_CPU_HOST_NS, s->host_ns, s->n);
	add_metric(&key, METRIC_CPU_HOST_PCT, s->host_pct, s->n);
	add_metric(&key, METRIC_CPU_PROG_NS, s->prog_ns, s->nr_prog);
	add_metric(&key, METRIC_CPU_PROG_PCT, s->prog_pct, s->nr_prog);
}

/* XDP_PASS on OUT: some drivers transmit redirected frames only then. */
static int devrun_attach_pass(struct wire_dut *d, int out_idx,
			      struct bpf_object **pass_obj, char *why,
			      size_t len)
{
	struct bpf_program *p;
	bool netlink;
	int err;

	*pass_obj = open_obj(SINK_OBJ, why, len);
	if (!*pass_obj)
		return -ENOENT;
	bpf_object__for_each_program(p, *pass_obj)
		bpf_program__set_autoload(p, !strcmp(bpf_program__name(p),
						     "xdp_wire_pass"));
	if (bpf_object__load(*pass_obj))
		return perf_msg(why, len, "cannot load xdp_wire_pass: %s",
			       strerror(errno)), -errno;
	err = xdp_attach(NULL, out_idx, obj_prog_fd(*pass_obj, "xdp_wire_pass"),
			 XDP_FLAGS_DRV_MODE, &d->pass_link_fd, &netlink);
	if (err)
		perf_msg(why, len, "cannot attach XDP to the egress port: %s",
			strerror(-err));
	return err;
}

static int devrun_setup(struct wire_dut *d, struct bpf_object *obj,
			const char *in, const char *out, char *why, size_t len)
{
	static const unsigned char bcast[6] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff };
	unsigned char mac_in[6], mac_out[6];
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
	dut_find_maps(d, obj);
	/* next hops unknown: broadcast reaches a back-to-back generator port */
	err = dut_configure(d, NULL, in_idx, out_idx, mac_in, bcast, mac_out,
			    bcast);
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

	wire_opts_resolve();
	if (!s)
		return -ENOMEM;
	if (!out)
		out = in;	/* one port: the program answers with XDP_TX */
	err = devrun_setup(&d, obj, in, out, why, len);
	if (err)
		goto out;
	if (mode == WIRE_MODE_NATIVE && strcmp(in, out)) {
		err = devrun_attach_pass(&d, d.out_ifindex, &pass_obj, why, len);
		if (err)
			goto out;
	}
	err = xdp_attach(NULL, d.ifindex, d.prog_fd, wire_mode_flags(mode),
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
		if (stats_enable(&stats_fd, &stats_sysctl))
			continue;
		devrun_window(&d, in, out, &a, &b);
		stats_restore(stats_fd, stats_sysctl);
		devrun_record(s, &a, &b, true);
	}
	/* the forwarder's count when there is one: IN also sees ARP, ND, ... */
	for (rep = 0, sum = 0; rep < s->n; rep++)
		sum += d.stats_fd >= 0 ? s->mpps_fwd[rep] : s->mpps_in[rep];
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
	xdp_detach(NULL, d.ifindex, wire_mode_flags(mode), &d.link_fd,
		   &d.netlink_attached);
	xdp_detach(NULL, d.out_ifindex, XDP_FLAGS_DRV_MODE, &d.pass_link_fd,
		   &pass_netlink);
	bpf_object__close(pass_obj);
	free(s);
	return err;
}

/* ---- cleanup check ---- */

static bool prog_alive(__u32 id)
{
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd < 0)
		return errno != ENOENT;
	close(fd);
	return true;
}

static int link_holding(const struct wire *w, __u32 *link_id, __u32 *prog_id)
{
	struct bpf_link_info info;
	__u32 id = 0, len;
	int fd, i;

	while (!bpf_link_get_next_id(id, &id)) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
			for (i = 0; i < w->nr_prog_ids; i++) {
				if (info.prog_id == w->prog_ids[i]) {
					*link_id = id;
					*prog_id = info.prog_id;
					close(fd);
					return -EBUSY;
				}
			}
		}
		close(fd);
	}
	return 0;
}

static int pins_left(char *name, size_t len)
{
	struct dirent *de;
	DIR *dir = opendir("/sys/fs/bpf");
	int found = 0;

	if (!dir)
		return 0;
	while (!found && (de = readdir(dir))) {
		if (!strncmp(de->d_name, "xdpperf", 7)) {
			snprintf(name, len, "%s", de->d_name);
			found = 1;
		}
	}
	closedir(dir);
	return found;
}

int wire_check_clean(const struct wire *w, char *why, size_t len)
{
	__u32 link_id, prog_id;
	char pin[256];
	int i, tries;

	for (i = 0; i < WIRE_NS_MAX; i++)
		if (w->topo.ns[i][0] && netns_exists(w->topo.ns[i]))
			return perf_msg(why, len, "namespace %s left behind",
				       w->topo.ns[i]), -EBUSY;
	for (i = 0; i < WIRE_DEV_MAX; i++)
		if (w->topo.ifname[i][0] && if_nametoindex(w->topo.ifname[i]))
			return perf_msg(why, len, "interface %s in the host namespace",
				       w->topo.ifname[i]), -EBUSY;
	if (link_holding(w, &link_id, &prog_id))
		return perf_msg(why, len, "bpf link %u still holds program %u",
			       link_id, prog_id), -EBUSY;
	if (pins_left(pin, sizeof(pin)))
		return perf_msg(why, len, "pin /sys/fs/bpf/%s left behind", pin),
		       -EBUSY;
	/* programs are freed after an RCU grace period: give it time */
	for (i = 0; i < w->nr_prog_ids; i++) {
		for (tries = 0; tries < 300 && prog_alive(w->prog_ids[i]); tries++)
			usleep(10000);
		if (prog_alive(w->prog_ids[i]))
			return perf_msg(why, len, "program %u still loaded (held by a pin, link or fd)",
				       w->prog_ids[i]), -EBUSY;
	}
	return 0;
}
