// SPDX-License-Identifier: GPL-2.0
/*
 * What a trial counted: snapshots of the monotonic counters (DUT verdicts,
 * drop tracepoints, device and ethtool statistics, CPU time) taken before
 * and after, the per-trial maps of generator and sink (reset before, read
 * after), the sink's latency histogram, and CPU time from /proc.
 */
#include <dirent.h>
#include <math.h>

#include "test_perf.h"
#include "bpf_stats.h"
#include "wire_priv.h"

/* ---- CPU time, BPF run-time statistics ---- */

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

int wire_counters_ksoftirqd(int cpu)
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

/* Run-time stats on while *fd is open, or by sysctl on older kernels. */
int wire_counters_stats_on(int *fd, bool *sysctl_set)
{
	return bpf_stats_on(fd, sysctl_set);
}

void wire_counters_stats_off(int fd, bool sysctl_set)
{
	bpf_stats_off(fd, sysctl_set);
}

/*
 * sys + irq + softirq time since boot from /proc/stat, of the CPUs in
 * cpus[0..n-1], or of all CPUs when n == 0. User time is left out: it is
 * nobody's packet processing (and on a shared machine, other people's).
 */
double wire_counters_cpu_busy_ns(const int *cpus, int n)
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

void wire_counters_prog_run(int prog_fd, __u64 *run_ns, __u64 *run_cnt)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	*run_ns = *run_cnt = 0;
	if (prog_fd >= 0 && !bpf_obj_get_info_by_fd(prog_fd, &info, &len)) {
		*run_ns = info.run_time_ns;
		*run_cnt = info.run_cnt;
	}
}

/* ---- snapshots ---- */

static void snap_dev(const struct wire *w, struct wire_snap *s, int i)
{
	const struct wire_topo *t = &w->topo;
	enum wire_ns n = wire_topo_ns_of(i);
	const char *ns = t->ns[n];
	struct wire_dev_key key = {
		.netns_ino = t->ns_ino[n], .ifindex = t->ifindex[i],
	};
	int fd = wire_map_fd(w->sink_obj, "wire_drops");

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

/* CPU time of the DUT's receive path so far, ns (isolated layout). */
static double dut_napi_ns(const struct wire *w)
{
	double ns = 0;
	int i;

	for (i = 0; i < w->nr_dut_napi; i++)
		ns += wire_task_runtime_ns(w->dut_napi[i]);
	/* softirq work deferred from the DUT's kthread runs there */
	if (w->dut_ksoftirqd)
		ns += wire_task_runtime_ns(w->dut_ksoftirqd);
	return ns;
}

void wire_counters_snap(const struct wire *w, struct wire_snap *s)
{
	int i;

	memset(s, 0, sizeof(*s));
	s->have_dut = w->dut_attached &&
		      !fwd_ctl_counts(&w->dut.fwd, s->dut_reason);
	for (i = 0; i < WIRE_DEV_MAX; i++)
		snap_dev(w, s, i);
	wire_counters_prog_run(w->dut_attached ? w->dut.prog_fd : -1,
			       &s->run_ns, &s->run_cnt);
	/* on veth all the work runs on the wire's CPUs */
	s->cpu_busy_ns = wire_counters_cpu_busy_ns(w->gen_cpus,
						   w->nr_gen_cpus);
	if (w->layout == WIRE_LAYOUT_ISOLATED)
		s->cpu_busy_ns += wire_counters_cpu_busy_ns(&w->dut_cpu, 1);
	for (i = 0; i < w->nr_gen_cpus; i++)
		if (w->ksoftirqd[i])
			s->ksoftirqd_ns += task_cpu_ns(w->ksoftirqd[i]);
	if (w->layout != WIRE_LAYOUT_ISOLATED)
		return;
	s->dut_cpu_busy_ns = wire_counters_cpu_busy_ns(&w->dut_cpu, 1);
	s->dut_napi_ns = dut_napi_ns(w);
}

void wire_counters_stop(const struct wire *w, struct wire_snap *s)
{
	struct wire_sink_stats sink;

	memset(s, 0, sizeof(*s));
	s->have_dut = w->dut_attached &&
		      !fwd_ctl_counts(&w->dut.fwd, s->dut_reason);
	if (!wire_counters_sink(w, &sink))
		s->sink_pkts = sink.pkts;
	if (w->layout != WIRE_LAYOUT_ISOLATED)
		return;
	s->dut_cpu_busy_ns = wire_counters_cpu_busy_ns(&w->dut_cpu, 1);
	s->dut_napi_ns = dut_napi_ns(w);
}

/*
 * Frames forwarded while the generator ran: the DUT's verdicts (one at
 * a time; the sink gets a slow DUT's frames a NAPI poll, 64 frames, at a
 * time), or without them the sink's count.
 */
static __u64 delivered_run(const struct wire_snap *a,
			   const struct wire_snap *stop)
{
	__u64 n = 0;
	int i;

	if (!a->have_dut || !stop->have_dut)
		return stop->sink_pkts;
	for (i = 0; i < FWD_REASON_MAX; i++)
		if (fwd_reason_forwards(i))
			n += wire_delta(stop->dut_reason[i], a->dut_reason[i]);
	return n;
}

/* Kernel drops between two snapshots, each frame counted once. */
static void snap_drops(const struct wire *w, const struct wire_snap *a,
		       const struct wire_snap *b, struct wire_trial_result *r)
{
	__u64 tx_dropped, own, dev_drops;
	int i;

	for (i = 0; i < WIRE_DEV_MAX; i++) {
		__u64 before = r->drop_xmit + r->drop_redirect +
			       r->drop_exception + r->drop_skb + r->drop_rx;

		__u64 xmit_err = wire_delta(b->eth_xmit_err[i],
					    a->eth_xmit_err[i]);
		__u64 tx_err = wire_delta(b->eth_tx_err[i], a->eth_tx_err[i]);

		/* the tracepoint sees every ndo_xdp_xmit refusal, veth or not */
		if (w->have_tracepoints) {
			r->drop_xmit_dev[i] = wire_delta(b->tp[i].xmit_drops,
							 a->tp[i].xmit_drops);
			r->drop_xmit += r->drop_xmit_dev[i];
			r->drop_redirect += wire_delta(b->tp[i].redirect_err,
						       a->tp[i].redirect_err);
			r->drop_exception += wire_delta(b->tp[i].exception,
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
		tx_dropped = wire_delta(b->link[i].tx_dropped,
					a->link[i].tx_dropped);
		own = tx_err + xmit_err;
		r->drop_skb_dev[i] = tx_dropped > own ? tx_dropped - own : 0;
		r->drop_skb += r->drop_skb_dev[i];
		r->drop_rx_dev[i] = wire_delta(b->eth_rx_drops[i],
					       a->eth_rx_drops[i]);
		r->drop_rx += r->drop_rx_dev[i];
		/*
		 * gen's transmit is into port A's ring and port A is the
		 * DUT's; port B's transmit and the sink's receive are after.
		 */
		dev_drops = r->drop_xmit + r->drop_redirect + r->drop_exception +
			    r->drop_skb + r->drop_rx - before;
		if (i == WIRE_DEV_GEN || i == WIRE_DEV_DUT_A)
			r->drop_dut += dev_drops;
		else
			r->drop_sink += dev_drops;
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
	struct bpf_object *obj = gen ? w->gen_obj : w->sink_obj;
	size_t vsz = percpu ? percpu_value_size(value_size) * w->nr_cpus :
			      value_size;
	int fd = wire_map_fd(obj, obj_map), err = 0;
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
	int fd = wire_map_fd(w->sink_obj, "sink_latency"), err = 0;
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
	int fd = wire_map_fd(w->sink_obj, "sink_latency"), err = 0, c;
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
	int fd = wire_map_fd(w->sink_obj, "sink_capture");
	__u32 key = 0;

	return bpf_map_update_elem(fd, &key, &cap, BPF_ANY) ? -errno : 0;
}

int wire_counters_reset(const struct wire *w, bool capture)
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

void wire_counters_gen(const struct wire *w, __u64 *sent,
		       __u64 *short_frames)
{
	struct wire_gen_stats *st = calloc(w->nr_cpus, sizeof(*st));
	int fd = wire_map_fd(w->gen_obj, "gen_stats"), c;
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

int wire_counters_sink(const struct wire *w, struct wire_sink_stats *sum)
{
	struct wire_sink_stats *st = calloc(w->nr_cpus, sizeof(*st));
	int fd = wire_map_fd(w->sink_obj, "sink_stats"), c;
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
		sum->stamped += st[c].stamped;
		if (st[c].lat_min && (!sum->lat_min || st[c].lat_min < sum->lat_min))
			sum->lat_min = st[c].lat_min;
		if (st[c].lat_max > sum->lat_max)
			sum->lat_max = st[c].lat_max;
	}
	free(st);
	return 0;
}

/* Gaps and late arrivals, from the per-CPU view of every stream. */
void wire_counters_sequences(const struct wire *w, __u64 *lost,
			     __u64 *reordered)
{
	struct wire_stream_stats *st = calloc(w->nr_cpus, sizeof(*st));
	int fd = wire_map_fd(w->sink_obj, "sink_streams"), c;
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

void wire_counters_capture(const struct wire *w, struct wire_trial_result *r)
{
	int fd = wire_map_fd(w->sink_obj, "sink_capture");
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

int wire_counters_latency(const struct wire *w,
			  const struct wire_sink_stats *s,
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

void wire_counters_compute(const struct wire *w, const struct wire_snap *a,
			   const struct wire_snap *stop,
			   const struct wire_snap *b, double elapsed_ns,
			   struct wire_trial_result *r)
{
	int i;

	r->elapsed_s = elapsed_ns / NS_PER_S;
	snap_drops(w, a, b, r);
	r->have_dut_counts = a->have_dut && b->have_dut;
	if (r->have_dut_counts) {
		for (i = 0; i < FWD_REASON_MAX; i++) {
			__u64 d = wire_delta(b->dut_reason[i],
					     a->dut_reason[i]);

			r->dut_reason[i] = d;
			r->dut_seen += d;
			if (fwd_reason_forwards(i))
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
		r->delivered_run = delivered_run(a, stop);
		r->delivered_pps = r->delivered_run * NS_PER_S / elapsed_ns;
		r->host_core_pct = 100 * (b->cpu_busy_ns - a->cpu_busy_ns) /
				   elapsed_ns;
	}
	r->loss_ratio = r->sent ? (double)(r->sent > r->received ?
					   r->sent - r->received : 0) / r->sent : 0;
	if (r->received)
		r->host_ns_per_pkt = (b->cpu_busy_ns - a->cpu_busy_ns) /
				     r->received;
	r->have_dut_cpu = w->layout == WIRE_LAYOUT_ISOLATED &&
			  w->nr_dut_napi > 0 && elapsed_ns > 0;
	if (r->have_dut_cpu) {
		double dut = b->dut_napi_ns - a->dut_napi_ns;

		/* the share while the load was offered, the drain left out */
		r->dut_cpu_share = (stop->dut_napi_ns - a->dut_napi_ns) /
				   elapsed_ns;
		r->dut_ns_per_pkt = r->dut_seen ? dut / r->dut_seen :
				    r->received ? dut / r->received : 0;
		r->dut_cpu_busy_share = (stop->dut_cpu_busy_ns -
					 a->dut_cpu_busy_ns) / elapsed_ns;
	}
	if (b->run_cnt > a->run_cnt) {
		r->have_prog_stats = true;
		r->prog_ns_per_pkt = (double)(b->run_ns - a->run_ns) /
				     (b->run_cnt - a->run_cnt);
		r->prog_core_pct = elapsed_ns > 0 ?
				   100.0 * (b->run_ns - a->run_ns) / elapsed_ns : 0;
	}
}
