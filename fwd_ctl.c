// SPDX-License-Identifier: GPL-2.0
/* Control of programs built on the base forwarder (see fwd_ctl.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "fwd_ctl.h"
#include "netns.h"

static int map_fd(struct bpf_object *obj, const char *name)
{
	struct bpf_map *map = bpf_object__find_map_by_name(obj, name);

	return map ? bpf_map__fd(map) : -1;
}

int fwd_ctl_open(struct fwd_ctl *ctl, struct bpf_object *obj)
{
	struct bpf_map *stats = bpf_object__find_map_by_name(obj, "fwd_stats");

	ctl->cfg_fd = map_fd(obj, "fwd_cfg");
	ctl->ports_fd = map_fd(obj, "fwd_ports");
	ctl->tx_ports_fd = map_fd(obj, "fwd_tx_ports");
	ctl->stats_fd = stats ? bpf_map__fd(stats) : -1;
	ctl->stats_percpu = stats &&
			    bpf_map__type(stats) == BPF_MAP_TYPE_PERCPU_ARRAY;
	if (ctl->cfg_fd < 0 || ctl->ports_fd < 0 || ctl->stats_fd < 0)
		return -ENOENT;
	return 0;
}

void fwd_ctl_cfg_port(struct fwd_ctl_cfg *cfg, enum fwd_port_id p,
		      __u32 ifindex, const unsigned char *mac,
		      const unsigned char *next)
{
	cfg->tx_ifindex[p] = ifindex;
	memcpy(cfg->ports[p].src_mac, mac, sizeof(cfg->ports[p].src_mac));
	memcpy(cfg->ports[p].dst_mac, next, sizeof(cfg->ports[p].dst_mac));
}

/* The devmap resolves ifindexes in the caller's netns: filled inside ns. */
static int set_devmap(const struct fwd_ctl *ctl, const struct fwd_ctl_cfg *cfg)
{
	int saved = -1, err = 0;
	__u32 port;

	if (cfg->netns && (err = netns_enter(cfg->netns, &saved)))
		return err;
	for (port = 0; port < FWD_PORT_MAX && !err; port++)
		if (bpf_map_update_elem(ctl->tx_ports_fd, &port,
					&cfg->tx_ifindex[port], BPF_ANY))
			err = -errno;
	if (cfg->netns)
		netns_leave(saved);
	return err;
}

int fwd_ctl_set_config(const struct fwd_ctl *ctl,
		       const struct fwd_config *config)
{
	__u32 key = 0;

	if (bpf_map_update_elem(ctl->cfg_fd, &key, config, BPF_ANY))
		return -errno;
	return 0;
}

int fwd_ctl_configure(const struct fwd_ctl *ctl, const struct fwd_ctl_cfg *cfg)
{
	__u32 port;
	int err;

	if (ctl->cfg_fd < 0 || ctl->ports_fd < 0)
		return 0;
	for (port = 0; port < FWD_PORT_MAX; port++)
		if (bpf_map_update_elem(ctl->ports_fd, &port, &cfg->ports[port],
					BPF_ANY))
			return -errno;
	if (ctl->tx_ports_fd >= 0) {
		err = set_devmap(ctl, cfg);
		if (err)
			return err;
	}
	return fwd_ctl_set_config(ctl, &cfg->config);
}

int fwd_ctl_count(const struct fwd_ctl *ctl, __u32 reason, __u64 *value)
{
	int i, n = ctl->stats_percpu ? libbpf_num_possible_cpus() : 1;
	__u64 *vals;

	if (n < 1)
		return n ?: -EINVAL;
	vals = calloc(n, sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	if (bpf_map_lookup_elem(ctl->stats_fd, &reason, vals)) {
		free(vals);
		return -errno;
	}
	*value = 0;
	for (i = 0; i < n; i++)
		*value += vals[i];
	free(vals);
	return 0;
}

int fwd_ctl_counts(const struct fwd_ctl *ctl, __u64 *counts)
{
	__u32 reason;

	memset(counts, 0, FWD_REASON_MAX * sizeof(*counts));
	if (ctl->stats_fd < 0)
		return -ENOENT;
	for (reason = 0; reason < FWD_REASON_MAX; reason++)
		if (fwd_ctl_count(ctl, reason, &counts[reason]))
			counts[reason] = 0;
	return 0;
}
