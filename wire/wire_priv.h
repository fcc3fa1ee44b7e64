/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the wire harness files share among themselves; the tests see
 * wire.h only. One job a file, each using only those listed above it:
 *
 *   wire_opts.c      options, profile defaults, modes
 *   wire_topo.c      namespaces and veths, XDP attach, cleanup check
 *   wire_afpacket.c  the AF_PACKET sender (kernels refusing live frames)
 *   wire_traffic.c   generator and sink objects, frames, pacing, threads
 *   wire_napi.c      threaded NAPI: switch on, find and place kthreads
 *   wire_counters.c  counter snapshots, per-trial maps, latency, CPU time
 *   wire.c           a session: open, close, layout, the DUT and its cost
 *   wire_trial.c     one trial
 *   wire_check.c     functional checks: rates from the DUT's cost, verdicts
 *   wire_search.c    RFC 2544 search, load trials, generator efficiency
 *   wire_point.c     measured points (repetitions of trials), results
 *   wire_session.c   the tests' side: start-up, sessions, checks, points
 *   wire_devrun.c    the DUT on host NICs (--dut-dev, --offload-dev)
 */
#ifndef __WIRE_PRIV_H
#define __WIRE_PRIV_H

#include <errno.h>
#include <pthread.h>
#include <stddef.h>
#include <time.h>
#include <bpf/libbpf.h>

#include "metrics.h"
#include "wire.h"

struct point_id;

#define WIRE_GEN_OBJ		"bpf/xdp_trafficgen.bpf.o"
#define WIRE_SINK_OBJ		"bpf/xdp_sink.bpf.o"
#define WIRE_GEN_TTL		64
#define WIRE_GEN_PORT		9	/* discard */
#define NS_PER_S		1e9
/* Per generator thread, from this rate up the program paces itself. */
#define WIRE_PACE_PROG_PPS	10000.0
/* A paced batch (flushed to the DUT at its end) spans at most this long. */
#define WIRE_BATCH_SPAN_NS	20000.0
/* Frames a late paced generator may send back to back to catch up. */
#define WIRE_PACE_CATCHUP	128
/*
 * The path around a DUT program on veth, per frame, generously: 0.4 to
 * 0.9 us measured (docs/benchmarks.md), more with the AF_PACKET sender.
 */
#define WIRE_PATH_NS		2000.0
/* A veth receive ring (VETH_RING_SIZE). */
#define WIRE_RING_FRAMES	256

static inline int wire_map_fd(struct bpf_object *obj, const char *name)
{
	return bpf_object__find_map_fd_by_name(obj, name);
}

static inline int wire_prog_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_program *prog = bpf_object__find_program_by_name(obj, name);

	return prog ? bpf_program__fd(prog) : -ENOENT;
}

/* Growth of a monotonic counter; 0 if it went backwards (reset). */
static inline __u64 wire_delta(__u64 after, __u64 before)
{
	return after >= before ? after - before : 0;
}

/* Sleep until CLOCK_MONOTONIC reads t_ns. */
static inline void wire_sleep_until(double t_ns)
{
	struct timespec ts = {
		.tv_sec = (time_t)(t_ns / NS_PER_S),
		.tv_nsec = (long)(t_ns - (double)(time_t)(t_ns / NS_PER_S) *
				  NS_PER_S),
	};

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) ==
	       EINTR)
		;
}

/* Frames per second the DUT attached can forward, by its cost; 0: unknown. */
static inline double wire_dut_capacity(const struct wire *w)
{
	return w->dut_attached && w->dut.cost_ns > 0 ?
	       NS_PER_S / (w->dut.cost_ns + WIRE_PATH_NS) : 0;
}

/* ---- wire_opts.c ---- */
__u32 wire_mode_flags(enum wire_mode mode);
/* Gbit/s of frames of frame_size at pps, FCS included, no preamble/IFG. */
double wire_gbps(double pps, unsigned int frame_size);

/* ---- wire_topo.c ---- */
int wire_topo_create(struct wire_topo *t, int nq, char *why, size_t why_len);
void wire_topo_destroy(struct wire_topo *t);
/* The namespace device d lives in. */
enum wire_ns wire_topo_ns_of(enum wire_dev d);
/* Attach in namespace ns (NULL: here) with a link, netlink as fallback. */
int wire_xdp_attach(const char *ns, int ifindex, int prog_fd, __u32 flags,
		    int *link_fd, bool *netlink);
void wire_xdp_detach(const char *ns, int ifindex, __u32 flags, int *link_fd,
		     bool *netlink);
/* Remember a program of this session: the cleanup check looks for it. */
void wire_track_prog(struct wire *w, int prog_fd);
/*
 * After wire_close(): nothing of this session left (namespaces, links,
 * programs held by a pin or link). 0 or -EBUSY with why.
 */
int wire_check_clean(const struct wire *w, char *why, size_t why_len);

/* A generator thread of a trial (started by wire_traffic_run()). */
struct gen_start;
struct wire_gen_thread {
	pthread_t tid;
	const struct wire *w;
	const struct wire_trial_cfg *cfg;
	struct gen_start *start;
	int idx;		/* thread index: its AF_PACKET socket */
	const __u8 *pkt;	/* the template frame */
	__u32 len;
	int cpu;
	double rate;		/* this thread's share, pps; 0 = unpaced */
	double t_start, t_end;
	double cpu_ns;		/* thread CPU time over the loop */
	long vol_switches;	/* it blocked (a lock, a sleep) */
	long invol_switches;	/* it was preempted */
	__u64 frames;		/* frames made (live: asked of test_run) */
	__u64 sent;		/* AF_PACKET: frames the kernel took */
	int err;
};

/* ---- wire_afpacket.c ---- */
/*
 * A packet socket per generator thread on the generator's veth, which
 * gets TSO off (veth hands only such a sender's skbs to port A's NAPI);
 * one frame sent as a probe. 0, or -errno with why.
 */
int wire_afp_open(struct wire *w, char *why, size_t len);
void wire_afp_close(struct wire *w);
/* Thread g's frames until end_ns (CLOCK_MONOTONIC), on its socket. */
void wire_afp_loop(struct wire_gen_thread *g, double end_ns);

/* ---- wire_traffic.c ---- */
/* Load generator and sink objects (and the drop counters' tracepoints). */
int wire_traffic_load(struct wire *w, char *why, size_t why_len);
/* Attach generator and sink at the ends of the topology. */
int wire_traffic_attach(struct wire *w, char *why, size_t why_len);
/*
 * The program attached to the generator's veth (and so in the dispatcher,
 * see wire_traffic_attach()): the generator or the bare loop.
 */
int wire_traffic_use(const struct wire *w, bool bare);
/*
 * Choose the sender (wire_opts.sender): one live frame, else the AF_PACKET
 * sender, with the reason in w->sender_note. WIRE_SKIP when neither works.
 */
int wire_traffic_probe(struct wire *w, char *why, size_t why_len);
/* Write w->gen_cfg to the generator's map (between trials only). */
int wire_traffic_config(const struct wire *w);
/* Pacing of a trial at cfg->rate_pps into w->gen_cfg (not written yet). */
void wire_traffic_pace(struct wire *w, const struct wire_trial_cfg *cfg);
/*
 * Frames per batch of a thread offering rate pps (0: unpaced): a batch
 * reaches the DUT when it ends, so paced ones span WIRE_BATCH_SPAN_NS.
 */
__u32 wire_pace_batch(const struct wire_trial_cfg *cfg, double rate);
/* The frame the generator sends for frame_size. */
int wire_traffic_frame(const struct wire *w, unsigned int frame_size,
		       __u8 *buf, __u32 *len);
/* Run the generator threads for one trial; elapsed wall time in ns. */
int wire_traffic_run(const struct wire *w, const struct wire_trial_cfg *cfg,
		     const __u8 *pkt, __u32 len, double *elapsed_ns,
		     struct wire_trial_result *r);
/* The sink object with only xdp_wire_pass (XDP_PASS) loaded. 0 or -errno. */
int wire_traffic_pass_load(struct bpf_object **obj, char *why, size_t why_len);

/* ---- wire_napi.c ---- */
/* Write /sys/class/net/IFNAME/threaded of namespace ns. 0 or -errno. */
int wire_napi_set_threaded(const char *ns, const char *ifname, bool on);
/* Pids of the kthreads "napi/IFNAME-<id>": how many, or -errno. */
int wire_napi_threads(const char *ifname, int *pids, int max);
/* Pin a NAPI kthread to cpu, SCHED_FIFO at the lowest priority. */
int wire_napi_place(int pid, int cpu);
/* Keep CPUs out of idle states slower than polling: fd to close, or -1. */
int wire_cpu_latency_hold(void);
/* CPU time a task ran, ns (/proc/<pid>/schedstat); 0 if unknown. */
double wire_task_runtime_ns(int pid);

/* ---- wire_counters.c ---- */
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
	double dut_cpu_busy_ns;		/* /proc/stat of the DUT CPU */
	double dut_napi_ns;		/* port A's NAPI kthreads ran */
	__u64 sink_pkts;		/* wire_counters_stop() only */
};

void wire_counters_snap(const struct wire *w, struct wire_snap *s);
/*
 * What only the moment the generator stops tells: frames forwarded so
 * far (the DUT's verdicts, the sink's count), the DUT's CPU time so far.
 * A slow DUT still drains its ring for a long while after (256 frames of
 * 0.5 ms: longer than a trial), which must not count as forwarded at the
 * offered load.
 */
void wire_counters_stop(const struct wire *w, struct wire_snap *s);
/*
 * Drops, DUT verdicts, rates and CPU of a trial from its snapshots before
 * (a), when the generator stopped (stop) and after the drain (b).
 */
void wire_counters_compute(const struct wire *w, const struct wire_snap *a,
			   const struct wire_snap *stop,
			   const struct wire_snap *b, double elapsed_ns,
			   struct wire_trial_result *r);
/* Zero the per-trial maps of generator and sink; arm the capture. */
int wire_counters_reset(const struct wire *w, bool capture);
void wire_counters_gen(const struct wire *w, __u64 *sent,
		       __u64 *short_frames);
int wire_counters_sink(const struct wire *w, struct wire_sink_stats *sum);
void wire_counters_sequences(const struct wire *w, __u64 *lost,
			     __u64 *reordered);
int wire_counters_latency(const struct wire *w,
			  const struct wire_sink_stats *s,
			  struct wire_latency *lat);
void wire_counters_capture(const struct wire *w, struct wire_trial_result *r);
/* sys + irq + softirq ns of cpus[0..n-1] since boot; all CPUs if n == 0. */
double wire_counters_cpu_busy_ns(const int *cpus, int n);
void wire_counters_prog_run(int prog_fd, __u64 *run_ns, __u64 *run_cnt);
/* BPF run-time statistics: on while *fd is open (or the sysctl is set). */
int wire_counters_stats_on(int *fd, bool *sysctl_set);
void wire_counters_stats_off(int fd, bool sysctl_set);
/* Pid of ksoftirqd/<cpu>, 0 when not found. */
int wire_counters_ksoftirqd(int cpu);

/* ---- wire.c ---- */
/*
 * Find the forwarder maps of obj and configure them when it is built on
 * the base forwarder: frames from IN go out of OUT with mac_out as source
 * and next_out as destination (and the reverse). Devmap filled inside ns.
 */
int wire_dut_configure(struct wire_dut *d, struct bpf_object *obj,
		       const char *ns, const unsigned char *mac_in,
		       const unsigned char *next_in,
		       const unsigned char *mac_out,
		       const unsigned char *next_out);
/* Port A's NAPI back in softirq on the sender's CPU until the next attach. */
int wire_dut_unthread(struct wire *w);

/* The DUT program's time per frame in BPF_PROG_TEST_RUN; 0: unknown. */
double wire_dut_cost(struct wire *w);

/* ---- wire_trial.c ---- */
/* Keep the worst unaccounted count of pt's trials. */
void wire_point_track(struct wire_point *pt, const struct wire_trial_result *r);
/*
 * Length of a trial at rate_pps: ms, or longer up to 10 x ms where that
 * would send fewer than a few rings of frames (a DUT slow enough that
 * its ring lasts a large part of the trial).
 */
double wire_trial_ms(double rate_pps, double ms);

/* ---- wire_search.c ---- */
struct wire_search_result {
	double zero_loss_pps;		/* what the confirming trial offered */
	bool gen_limited;		/* the DUT kept up: a lower bound */
	bool confirmed;
	int trials;
	struct wire_trial_cfg confirm_cfg;	/* the trial at 100% */
	struct wire_trial_result confirm;
};

/*
 * RFC 2544 zero-loss rate below the full-load trial full: bisection on the
 * offered rate from hint's neighbourhood (hint 0: the rate the DUT
 * forwarded at full load, where it can keep up), then a confirming trial
 * at the rate found. 0 or -errno.
 */
int wire_search(struct wire *w, unsigned int frame_size,
		const struct wire_trial_result *full, double hint,
		struct wire_point *pt, struct wire_search_result *out);
/* Record trial r at fraction frac of the zero-loss rate as load i of pt. */
void wire_load_record(struct wire_point *pt, int i, double frac,
		      const struct wire_trial_cfg *cfg,
		      const struct wire_trial_result *r, double gen_pps,
		      double prog_ns);
/* Trials at the --latency-at fractions of zero_loss (pps), loads 0..n-1. */
int wire_load_points(struct wire *w, unsigned int frame_size,
		     double zero_loss, double gen_pps, double prog_ns,
		     struct wire_point *pt);

#endif /* __WIRE_PRIV_H */
