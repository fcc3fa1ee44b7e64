/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Microbenchmarks of programs built on progs/xdp_fwd_base.bpf.h: the
 * forwarder configured for BPF_PROG_TEST_RUN (fixed ports, devmap to the
 * loopback, TTL rearm during timed runs) and one frame size measured by
 * the engine with the forwarded output checked byte for byte and every
 * run counted by the forwarder's own verdict counter.
 */
#ifndef __FWD_BENCH_H
#define __FWD_BENCH_H

#include <stdbool.h>
#include <linux/types.h>

#include "fwd_ctl.h"

struct bpf_object;
struct measure_result;
struct measure_tune;

struct fwd_bench {
	struct fwd_ctl ctl;
	struct fwd_config config;	/* what fwd_cfg holds between runs */
};

/* Configure obj's forwarder: XDP_TX with use_tx, else XDP_REDIRECT. */
int fwd_bench_init(struct fwd_bench *fb, struct bpf_object *obj, bool use_tx);
/* fwd_stats[reason] of fb's object, summed over CPUs. */
int fwd_bench_count(struct fwd_bench *fb, __u32 reason, __u64 *value);
/*
 * Fill pkt (PKT_BUF_LEN(frame_size) bytes) and, when expect is not NULL,
 * what the forwarder makes of it. fb may be NULL: the frame does not
 * depend on it.
 */
int fwd_bench_frame(struct fwd_bench *fb, unsigned int frame_size,
		    void *pkt, void *expect, __u32 *len);
/*
 * Untimed: runs runs of prog_fd (of fb's object) in one call on a
 * frame_size frame, the TTL rearmed so that every run forwards the same
 * input; verdict (may be NULL) of the last run. 0 or -errno.
 */
int fwd_bench_run(struct fwd_bench *fb, int prog_fd, unsigned int frame_size,
		  __u32 runs, __u32 *verdict);
/* Measure prog_fd (of fb's object) at frame_size: measure_point(). */
int fwd_bench_measure(struct fwd_bench *fb, int prog_fd,
		      unsigned int frame_size, struct measure_result *res);
/* The same as one round measures it (tune NULL: as above). */
int fwd_bench_measure_tuned(struct fwd_bench *fb, int prog_fd,
			    unsigned int frame_size,
			    const struct measure_tune *tune,
			    struct measure_result *res);

#endif /* __FWD_BENCH_H */
