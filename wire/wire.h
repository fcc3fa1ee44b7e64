/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Real-wire runs: a generator, a DUT and a sink in three network namespaces
 * joined by veth pairs, traffic made in the kernel with BPF_PROG_RUN +
 * BPF_F_TEST_XDP_LIVE_FRAMES (or, where the kernel refuses that, by an
 * AF_PACKET sender making the same frames), and the measurements the study
 * asks for (maximum forwarding rate, RFC 2544 zero-loss throughput, latency
 * percentiles, CPU cost), every packet accounted for.
 *
 *   [gen ns] gen --veth-- dut_a [dut ns] dut_b --veth-- sink [sink ns]
 *
 * docs/wire.md has the method. This header is what the tests use; the
 * harness files share wire_priv.h among themselves.
 */
#ifndef __WIRE_HARNESS_H
#define __WIRE_HARNESS_H

#include <stdbool.h>
#include <net/if.h>
#include <linux/types.h>

#include "fwd_ctl.h"
#include "metrics.h"
#include "netns.h"
#include "wire_abi.h"

struct bpf_object;
struct bpf_program;
struct bpf_link;
struct point_id;

enum wire_mode {
	WIRE_MODE_GENERIC,	/* XDP_FLAGS_SKB_MODE */
	WIRE_MODE_NATIVE,	/* XDP_FLAGS_DRV_MODE */
	WIRE_MODE_OFFLOAD,	/* XDP_FLAGS_HW_MODE */
	WIRE_MODE_MAX
};

const char *wire_mode_name(enum wire_mode mode);

/*
 * Where the stages run. shared: everything on the generator's CPU, the
 * veths' NAPI in softirq right after each batch. isolated: DUT port A's
 * NAPI threaded, pinned to a CPU of its own (the DUT CPU) and SCHED_FIFO;
 * the sink's NAPI runs in softirq after it, on the DUT CPU too (on the
 * generator's CPU it costs several times more per frame, docs/wire.md).
 */
enum wire_layout {
	WIRE_LAYOUT_AUTO,	/* isolated where there are 2 CPUs or more */
	WIRE_LAYOUT_SHARED,
	WIRE_LAYOUT_ISOLATED,
};

const char *wire_layout_name(enum wire_layout layout);

/*
 * What makes the traffic (docs/wire.md, "Generator"): the XDP generator
 * run with live frames, or the AF_PACKET sender where the kernel refuses
 * live frames. Both make the same frames, paced the same way.
 */
enum wire_sender {
	WIRE_SENDER_AUTO,	/* live frames when the kernel allows it */
	WIRE_SENDER_LIVE,
	WIRE_SENDER_AF_PACKET,
};

const char *wire_sender_name(enum wire_sender sender);
/* The value of metric gen_sender: 0 live frames, 1 AF_PACKET. */
static inline double wire_sender_metric(enum wire_sender sender)
{
	return sender == WIRE_SENDER_AF_PACKET;
}

enum wire_ns { WIRE_NS_GEN, WIRE_NS_DUT, WIRE_NS_SINK, WIRE_NS_MAX };
enum wire_dev { WIRE_DEV_GEN, WIRE_DEV_DUT_A, WIRE_DEV_DUT_B, WIRE_DEV_SINK,
		WIRE_DEV_MAX };

#define WIRE_MAX_LATENCY_AT	8
#define WIRE_MAX_THREADS	64
#define WIRE_MAX_PROGS		256	/* programs one session attaches */
#define WIRE_MAX_REPS		64	/* repetitions of one point */
/* The generator stamps 1 frame in this many (a power of 2): latency sample */
#define WIRE_STAMP_EVERY	8

/* Command-line options of the wire tests (their table: wire_opts.c). */
struct wire_opts {
	double rate_pps;		/* --rate: offered load cap, 0 = max */
	double duration_ms;		/* --duration: full-load trials */
	bool duration_set;		/* given on the command line */
	double trial_ms;		/* --trial-ms: search and latency trials */
	int gen_threads;		/* --gen-threads */
	int gen_batch;			/* --gen-batch: live frames per batch */
	double loss_tolerance;		/* --loss-tolerance, as a fraction */
	double latency_at[WIRE_MAX_LATENCY_AT];	/* --latency-at, fractions */
	int nr_latency_at;
	char offload_dev[IFNAMSIZ];	/* --offload-dev, "" = none */
	char dut_in[IFNAMSIZ];		/* --dut-dev IN,OUT, "" = none */
	char dut_out[IFNAMSIZ];
	enum wire_layout layout;	/* --wire-layout */
	enum wire_sender sender;	/* --wire-sender */
};

extern struct wire_opts wire_opts;

/* Repetitions of a wire point: env.reps, at most 3 in the quick profile. */
int wire_reps(void);
/* Frame sizes of wire runs: env.sizes, only the extremes in --quick. */
int wire_sizes(int *sizes, int max);

struct wire_topo {
	char tag[24];
	char ns[WIRE_NS_MAX][NETNS_NAME_MAX];
	__u32 ns_ino[WIRE_NS_MAX];
	char ifname[WIRE_DEV_MAX][IFNAMSIZ];
	int ifindex[WIRE_DEV_MAX];
	unsigned char mac[WIRE_DEV_MAX][6];
	int nq;				/* queues per veth */
};

/* The program under test, attached to DUT port A. */
struct wire_dut {
	int prog_fd;
	enum wire_mode mode;
	int link_fd;			/* bpf_link, or -1 */
	bool netlink_attached;		/* fallback when links are refused */
	const char *ns;			/* NULL: host namespace (--dut-dev) */
	int ifindex;			/* where it is attached */
	int out_ifindex;
	/* maps of programs built on xdp_fwd_base.bpf.h, -1 otherwise */
	struct fwd_ctl fwd;
	int pass_link_fd;		/* XDP_PASS on OUT for --dut-dev native */
	/*
	 * The program's own time per frame (BPF_PROG_TEST_RUN on the wire's
	 * largest frame, at attach; 0: unknown): what the rates of checks,
	 * the drain after a trial and the trials' lengths derive from.
	 */
	double cost_ns;
};

struct wire {
	bool open;			/* between wire_open() and wire_close() */
	struct wire_topo topo;
	bool have_topo;
	struct bpf_object *gen_obj;	/* progs/xdp_trafficgen.bpf.o */
	struct bpf_object *sink_obj;	/* progs/xdp_sink.bpf.o */
	struct wire_gen_cfg gen_cfg;	/* what map gen_config holds */
	enum wire_sender sender;	/* live or AF_PACKET, as probed */
	char sender_note[192];		/* why AF_PACKET, or "" */
	int afp_fd[WIRE_MAX_THREADS];	/* AF_PACKET: a socket per thread */
	int nr_afp_fd;
	int gen_link_fd, sink_link_fd;
	struct bpf_link *tp_links[3];
	bool have_tracepoints;
	struct wire_dut dut;
	bool dut_attached;
	int nr_cpus;			/* possible CPUs: per-CPU map values */
	int gen_cpus[WIRE_MAX_THREADS];	/* where generator threads run */
	int nr_gen_cpus;
	int ksoftirqd[WIRE_MAX_THREADS];	/* pid of ksoftirqd/<gen cpu>, 0 */
	enum wire_layout layout;	/* shared or isolated, as opened */
	char layout_note[160];		/* why isolated fell back, or "" */
	int dut_cpu;			/* isolated: port A's NAPI runs here */
	int dut_napi[WIRE_MAX_THREADS];	/* pids of port A's NAPI kthreads */
	int nr_dut_napi;
	int dut_ksoftirqd;		/* pid of ksoftirqd/<dut_cpu>, 0 */
	int cpu_latency_fd;		/* /dev/cpu_dma_latency held, or -1 */
	/* programs this session loaded: the cleanup check looks them up */
	__u32 prog_ids[WIRE_MAX_PROGS];
	int nr_prog_ids;
};

/* wire_open() results other than 0 and -errno. */
#define WIRE_SKIP	1

/*
 * Build the topology, load and attach generator, sink and drop counters.
 * Returns 0, WIRE_SKIP (environment cannot do it: no root, no veth, no
 * live frames) or -errno; why says what happened in either case.
 */
int wire_open(struct wire *w, char *why, size_t why_len);
/* Detach, unload, remove the namespaces. Idempotent. */
void wire_close(struct wire *w);

/*
 * Attach prog of obj at DUT port A in mode and configure it when it is
 * built on the base forwarder (ports, MACs, devmap A -> B). 0, WIRE_SKIP
 * (mode not possible here) or -errno, with why.
 */
int wire_dut_attach(struct wire *w, struct bpf_object *obj,
		    struct bpf_program *prog, enum wire_mode mode,
		    char *why, size_t why_len);
void wire_dut_detach(struct wire *w);

struct wire_trial_cfg {
	unsigned int frame_size;	/* bytes on the wire incl. FCS */
	double rate_pps;		/* offered load, 0 = as fast as possible */
	double duration_ms;
	int threads;
	int batch;			/* live frames per batch, <= 256 */
	__u64 ts_offset_ns;		/* stamp frames this much in the past */
	bool capture;			/* sink copies one frame */
	bool bpf_stats;			/* run-time stats on for this trial */
	bool bare;			/* the bare loop, not the generator */
};

/* Percentiles of one trial's histogram, in ns. */
struct wire_latency {
	__u64 count;
	double min, p50, p90, p99, p999, max;
};

struct wire_trial_result {
	double elapsed_s;		/* generator wall time */
	/*
	 * CPU time the generator threads got over their wall time (softirq
	 * work done on their stack included): well below 1 at full load
	 * means something else ran on their CPUs.
	 */
	double gen_cpu_share;
	/* ksoftirqd of those CPUs: softirq work deferred to it, same scale */
	double ksoftirqd_share;
	long gen_vol_switches;		/* generator threads blocked */
	long gen_invol_switches;	/* ... preempted */
	__u64 sent;			/* frames the generator transmitted */
	__u64 gen_frames;		/* frames it made (live: test_run asked for) */
	__u64 received;			/* frames of ours at the sink */
	/* forwarded when the generator stopped (wire_counters_stop()) */
	__u64 delivered_run;
	__u64 stamped;			/* ... with a timestamp: latency sample */
	__u64 foreign;			/* other frames at the sink */
	/* DUT verdicts (programs built on the base forwarder) */
	bool have_dut_counts;
	__u64 dut_seen, dut_forwarded, dut_passed;
	__u64 dut_reason[FWD_REASON_MAX];	/* enum fwd_reason counts */
	/* kernel drops, by where they were counted */
	__u64 drop_xmit;		/* ndo_xdp_xmit queue full */
	__u64 drop_xmit_dev[WIRE_DEV_MAX];	/* ... by device it went to */
	__u64 drop_redirect;		/* failed redirects */
	__u64 drop_exception;		/* aborted / invalid / failed TX */
	__u64 drop_skb;			/* veth skb path: peer ring full */
	__u64 drop_skb_dev[WIRE_DEV_MAX];	/* ... by sending device */
	__u64 drop_rx;			/* veth receive path */
	__u64 drop_rx_dev[WIRE_DEV_MAX];	/* ... by device */
	__u64 kernel_drops;		/* sum of the above */
	/*
	 * The same drops by stage: entering or inside the DUT (port A's
	 * ring full, its redirects and exceptions) and after it (the
	 * sink's ring full): loss at the DUT is the DUT's, loss after it is
	 * the sink's, a limit of the measurement.
	 */
	__u64 drop_dut, drop_sink;
	/* sent - received - passed - kernel drops: 0 when all accounted */
	__s64 unaccounted;
	__u64 seq_lost;			/* sequence numbers never seen */
	__u64 reordered;
	__u64 bad_stream, clock_neg;
	/* delivered: delivered_run over the generator's time */
	double offered_pps, delivered_pps, loss_ratio;
	struct wire_latency lat;
	/* CPU */
	bool have_prog_stats;
	double prog_ns_per_pkt;		/* DUT program, bpf_stats */
	double prog_core_pct;
	double host_ns_per_pkt;		/* sys+irq+softirq of all CPUs */
	double host_core_pct;
	/*
	 * Isolated layout: CPU time of port A's NAPI kthreads (the DUT's
	 * receive path: its program, the redirect, the transmit to the
	 * sink, whose receive runs there too; ksoftirqd of the DUT CPU
	 * included) as a share of the trial and per frame the DUT saw; busy
	 * share of the DUT CPU from /proc/stat (tick resolution) as a check
	 * that nothing else ran there.
	 */
	bool have_dut_cpu;
	double dut_cpu_share, dut_ns_per_pkt;
	double dut_cpu_busy_share;
	/* the frame the sink captured */
	bool captured;
	__u32 cap_len;
	__u8 cap[WIRE_CAPTURE_LEN];
};

int wire_trial(struct wire *w, const struct wire_trial_cfg *cfg,
	       struct wire_trial_result *res);
/* Defaults for a trial of frame_size at rate_pps from wire_opts. */
void wire_trial_defaults(struct wire_trial_cfg *cfg, unsigned int frame_size,
			 double rate_pps, double duration_ms);
/*
 * Generator efficiency: the generator and the bare live-frames loop
 * (XDP_TX of the template, no per-frame work) each offering flat out
 * for duration_ms into a DUT port that drops everything, on the
 * generator's CPU. Frames per second each offered. Attaches its own DUT:
 * detaches the one attached before.
 */
int wire_gen_compare(struct wire *w, unsigned int frame_size,
		     double duration_ms, double *gen_pps, double *bare_pps);
/* One line with what a trial counted, for -v and failures. */
void wire_trial_log(const char *what, const struct wire_trial_result *res);

/*
 * Functional checks (wire_check.c): a trial well below what the DUT
 * attached can take, every frame accounted for by cause.
 */
enum wire_verdict {
	WIRE_CLEAN,		/* every frame sent was forwarded and received */
	/*
	 * Frames lost only at a full ring while the DUT had time to spare:
	 * its vCPU (or the sink's) stalled longer than a ring lasts, the
	 * host's doing, not the program's nor the suite's.
	 */
	WIRE_HOST_LOSS,
	WIRE_FAULT,		/* the program's or the suite's doing */
};

/*
 * A check trial of frame_size for the DUT attached to w: at most 20 kpps
 * and a tenth of what the program's cost (cost_ns plus a generous path)
 * lets the DUT forward; 2000 frames, in 100 ms at least and 2 s at most.
 */
void wire_check_defaults(const struct wire *w, struct wire_trial_cfg *cfg,
			 unsigned int frame_size);
/*
 * What a trial's counters say, by cause; why names the counters of any
 * loss (which device, which drop) and, for WIRE_FAULT, whose doing it is.
 */
enum wire_verdict wire_trial_verdict(const struct wire *w,
				     const struct wire_trial_result *r,
				     char *why, size_t why_len);
/* What a functional check found. */
struct wire_check_result {
	struct wire_trial_result r;	/* its last trial */
	enum wire_verdict verdict;	/* ... and that trial's verdict */
	char why[640];			/* ... which counters, whose doing */
	int trials;
	__u64 dut_seen;			/* frames the DUT saw, all trials */
};

/*
 * The trial at cfg, repeated (3 trials in all) while its verdict is
 * WIRE_HOST_LOSS. 0 or -errno.
 */
int wire_check(struct wire *w, const struct wire_trial_cfg *cfg,
	       struct wire_check_result *c);

/*
 * The frame the generator sends for frame_size (what the sink should see
 * forwarded, apart from the per-frame fields), and checks of a captured one.
 */
int wire_check_forwarded(const struct wire *w, const __u8 *frame, __u32 len,
			 unsigned int frame_size, char *why, size_t why_len);

/* Loads of a point: --latency-at fractions, then 100% (the confirmation). */
#define WIRE_MAX_LOADS		(WIRE_MAX_LATENCY_AT + 1)

/* What the trials at one fraction of the zero-loss rate measured. */
struct wire_load {
	double frac;			/* of the zero-loss rate */
	int reps;
	double lat[5][WIRE_MAX_REPS];	/* p50 p90 p99 p999 max */
	double offered[WIRE_MAX_REPS];	/* Mpps */
	double dut_pct[WIRE_MAX_REPS];	/* DUT CPU busy share */
	double batch_ns[WIRE_MAX_REPS];	/* the batch's latency share */
	double prog_pct[WIRE_MAX_REPS];	/* bpf_stats ns x rate, same scale */
};

/* Everything measured for one (program, mode, frame size) point. */
struct wire_point {
	int reps;
	double mpps_max[WIRE_MAX_REPS], gbps_max[WIRE_MAX_REPS];
	double loss_max[WIRE_MAX_REPS], offered_max[WIRE_MAX_REPS];
	double loss_dut_max[WIRE_MAX_REPS];	/* of it, at the DUT */
	double mpps_zero_loss[WIRE_MAX_REPS], gbps_zero_loss[WIRE_MAX_REPS];
	double gen_limited[WIRE_MAX_REPS];	/* 1: zero loss is a bound */
	struct wire_load load[WIRE_MAX_LOADS];
	int nr_loads;
	double prog_ns[WIRE_MAX_REPS], prog_pct[WIRE_MAX_REPS];
	double host_ns[WIRE_MAX_REPS], host_pct[WIRE_MAX_REPS];
	/* DUT CPU per packet: at the zero-loss rate, or saturated (no search) */
	double dut_ns[WIRE_MAX_REPS], dut_pct[WIRE_MAX_REPS];
	int dut_reps;
	double dut_full_ns[WIRE_MAX_REPS];	/* at full load, NaN: none */
	double gen_cpu_pct[WIRE_MAX_REPS];	/* gen_cpu_share at full load */
	double ksoftirqd_pct[WIRE_MAX_REPS];	/* ksoftirqd_share, same */
	__s64 unaccounted;		/* worst over all trials */
	bool gen_limited_any;		/* some repetition was */
	bool have_prog_stats;
	enum wire_sender sender;	/* what made the traffic */
};

struct wire_measure_cfg {
	unsigned int frame_size;
	bool search;			/* RFC 2544 search */
	bool loads;			/* ... and trials at --latency-at loads */
	bool cpu;			/* bpf_stats trial */
	double duration_ms;		/* trials; 0: wire_opts.duration_ms */
};

/*
 * Measure a point wire_reps() times: full-load trial, CPU trial, RFC 2544
 * binary search with a confirming trial, trials at the wire_opts fractions
 * of the zero-loss rate (latency, DUT CPU). 0 or -errno.
 */
int wire_measure(struct wire *w, const struct wire_measure_cfg *mc,
		 struct wire_point *pt);
/*
 * The same one repetition at a time, so that a test can interleave its
 * points (repetitions of each spread over the whole test).
 */
void wire_point_init(struct wire_point *pt, const struct wire_measure_cfg *mc);
int wire_measure_rep(struct wire *w, const struct wire_measure_cfg *mc,
		     struct wire_point *pt);
/*
 * Statistics of x[0..n-1] recorded as metric of key; NaN values are
 * repetitions that did not measure it (nothing recorded if none did).
 */
void wire_metric_add(const struct point_id *key, enum metric_id metric,
		     const double *x, int n);
/*
 * Record a measured point with results_add(): mode column = wire mode.
 * property, n, variant and op name the program as its microbenchmark
 * does (a generated one: sweep_point_key()), so that the report draws
 * both paths together; a load trial's points get op load_<P>pct.
 */
void wire_results_add(const struct wire_point *pt, const char *property,
		      long n, const char *variant, const char *op,
		      unsigned int frame_size, enum wire_mode mode, bool search);

/*
 * The DUT on named host interfaces, traffic from an external generator:
 * attach, read counters for wire_opts.duration_ms, report rates and CPU.
 */
int wire_dut_dev_run(struct bpf_object *obj, struct bpf_program *prog,
		     enum wire_mode mode, const char *in, const char *out,
		     char *why, size_t why_len);
/* Before load: bind prog and every map of obj to --offload-dev. */
void wire_offload_bind(struct bpf_object *obj, struct bpf_program *prog);

/*
 * The wire of one test, shared by its subtests and built on first use, so
 * that a run filtered to other subtests builds none.
 */
struct wire_session {
	struct wire w;
	bool tried;			/* wire_open() was called */
	int open_err;			/* what it returned */
	char why[256];
};

/*
 * The start of a wire test (xdp_modes, wire_props, wire_agreement): the
 * test is skipped unless BPF can be used, the wire options are resolved,
 * and the session returned is opened by the first subtest that needs it.
 * NULL: nothing to run. wire_test_end() ends it.
 *
 *	s = wire_test_start();
 *	if (!s)
 *		return;
 *	if (test__start_subtest("native") && wire_session_ready(s) &&
 *	    wire_session_attach(s, obj, prog, WIRE_MODE_NATIVE) &&
 *	    wire_session_check(s, &cfg, &check))
 *		pt = wire_session_measure(s, &mc);
 *	...
 *	wire_test_end(s);
 */
struct wire_session *wire_test_start(void);
/*
 * Subtest "cleanup" (nothing of the session may be left: the test
 * releases the programs it holds first), then s closed and freed.
 */
void wire_test_end(struct wire_session *s);
/*
 * Open s on first use. True when the wire is up; otherwise the current
 * subtest is skipped (WIRE_SKIP) or failed, with the reason.
 */
bool wire_session_ready(struct wire_session *s);
/*
 * Attach prog of obj as the DUT of s in mode (wire_dut_attach()). True when
 * attached; otherwise the current subtest is skipped (WIRE_SKIP) or failed,
 * with the reason.
 */
bool wire_session_attach(struct wire_session *s, struct bpf_object *obj,
			 struct bpf_program *prog, enum wire_mode mode);
/*
 * A functional check of the DUT attached to s (wire_check(), cfg from
 * wire_check_defaults() with the test's changes). False, the subtest
 * failed with the counter named, when a loss or a frame unaccounted is
 * the program's or the suite's doing; a loss that is the host's is logged.
 */
bool wire_session_check(struct wire_session *s,
			const struct wire_trial_cfg *cfg,
			struct wire_check_result *c);
/*
 * A measured point of the DUT attached to s (wire_measure()), every frame
 * of every trial accounted for. The point, to free(), or NULL when the
 * subtest failed or nothing was measured (stopped).
 */
struct wire_point *wire_session_measure(struct wire_session *s,
					const struct wire_measure_cfg *mc);

#endif /* __WIRE_HARNESS_H */
