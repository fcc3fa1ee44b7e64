/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Control of programs built on progs/xdp_fwd_base.bpf.h (the base
 * forwarder and every generated variant): find their maps, configure
 * ports, MACs, devmap and mode, read the per-reason verdict counters.
 * The microbenchmarks (fwd_bench.c) and the wire DUT (wire.c) both
 * configure the forwarder through this one module.
 */
#ifndef __FWD_CTL_H
#define __FWD_CTL_H

#include <stdbool.h>
#include <linux/types.h>

#include "xdp_fwd.h"

struct bpf_object;

/* The forwarder's maps in a loaded object; -1 where one is missing. */
struct fwd_ctl {
	int cfg_fd;		/* fwd_cfg: struct fwd_config */
	int ports_fd;		/* fwd_ports: struct fwd_port per port */
	int stats_fd;		/* fwd_stats: counts per enum fwd_reason */
	int tx_ports_fd;	/* fwd_tx_ports devmap; none in offload builds */
	bool stats_percpu;	/* PERCPU_ARRAY; ARRAY in offload builds */
};

/*
 * Find the maps of obj. 0, or -ENOENT when obj is not built on the base
 * forwarder (fwd_cfg, fwd_ports or fwd_stats missing): the maps it has
 * are still filled in.
 */
int fwd_ctl_open(struct fwd_ctl *ctl, struct bpf_object *obj);

/* What fwd_cfg, fwd_ports and the devmap are to hold. */
struct fwd_ctl_cfg {
	struct fwd_config config;
	struct fwd_port ports[FWD_PORT_MAX];
	__u32 tx_ifindex[FWD_PORT_MAX];	/* devmap: where each port sends */
	/* namespace the devmap resolves tx_ifindex in; NULL: the caller's */
	const char *netns;
};

/* Port p sends through ifindex, with mac as source and next as destination. */
void fwd_ctl_cfg_port(struct fwd_ctl_cfg *cfg, enum fwd_port_id p,
		      __u32 ifindex, const unsigned char *mac,
		      const unsigned char *next);

/*
 * Write ports, devmap (when the object has one) and configuration.
 * Objects without fwd_cfg or fwd_ports are left alone: 0. Else 0 or -errno.
 */
int fwd_ctl_configure(const struct fwd_ctl *ctl, const struct fwd_ctl_cfg *cfg);
/* Rewrite the configuration record only (e.g. rearm on for timed runs). */
int fwd_ctl_set_config(const struct fwd_ctl *ctl,
		       const struct fwd_config *config);

/* fwd_stats[reason], summed over CPUs. 0 or -errno. */
int fwd_ctl_count(const struct fwd_ctl *ctl, __u32 reason, __u64 *value);
/*
 * Every reason into counts[FWD_REASON_MAX] (0 where unreadable). 0, or
 * -ENOENT when the object has no fwd_stats.
 */
int fwd_ctl_counts(const struct fwd_ctl *ctl, __u64 *counts);

/* The reasons that send a frame on (XDP_REDIRECT, XDP_TX). */
static inline bool fwd_reason_forwards(__u32 reason)
{
	return reason == FWD_REDIRECT || reason == FWD_TX;
}

#endif /* __FWD_CTL_H */
