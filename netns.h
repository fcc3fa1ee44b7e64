/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Network namespaces and veth pairs for the wire tests.
 *
 * A namespace with a name is named NETNS_PREFIX "<tag>-<n>-" ROLE (tag:
 * runlock.h, the pid and the start time of the process), lives in
 * /run/netns like `ip netns add` makes it, and is registered for teardown:
 * netns_destroy_all() runs from atexit and from the kill path of
 * signals.h, and is idempotent and async-signal-safe (umount2 + unlink,
 * no allocation); the run's lock file records it, so a run killed with
 * SIGKILL has its namespaces removed by the next one
 * (netns_cleanup_stale()). A namespace that needs no name (the engine's)
 * is held by a file descriptor only: it goes with the process, however it
 * ends. Interfaces are created directly inside the namespaces, so nothing
 * ever appears in the host namespace.
 */
#ifndef __NETNS_H
#define __NETNS_H

#include <stdbool.h>
#include <net/if.h>
#include <linux/types.h>

#define NETNS_PREFIX		"xdpperf-"
#define NETNS_NAME_MAX		48
#define NETNS_RUN_DIR		"/run/netns"

/* Name a new run: "<tag>-<n>", n counting the topologies of this process. */
void netns_run_tag(char *buf, size_t len);

/* `ip netns add`; the name is registered for netns_destroy_all(). */
int netns_create(const char *name);
/* Remove one namespace (its veths go with it); 0 when already gone. */
int netns_delete(const char *name);
bool netns_exists(const char *name);
/* Remove every namespace this process registered (atexit, signals). */
void netns_destroy_all(void);
/*
 * Remove the namespaces runs proven dead left (runlock.h). Returns how
 * many were removed, or -errno.
 */
int netns_cleanup_stale(void);

/*
 * A new namespace without a name: an fd that holds it (close it and the
 * namespace goes), or -errno. The calling thread stays where it was.
 */
int netns_create_anon(void);
/* netns_enter() for a namespace held by fd. */
int netns_enter_fd(int fd, int *saved);

/*
 * Switch the calling thread into a namespace; *saved gets an fd of the
 * namespace it was in, for netns_leave(). Threads switch independently.
 */
int netns_enter(const char *name, int *saved);
void netns_leave(int saved);
/* Inode number of the namespace: with an ifindex it names a device. */
int netns_inode(const char *name, __u32 *ino);

/* A veth pair: end a in namespace ns_a, end b in ns_b, nq queues each. */
int netns_add_veth(const char *ns_a, const char *if_a, const char *ns_b,
		   const char *if_b, int nq);
/* Settings applied inside namespace ns. */
int netns_link_up(const char *ns, const char *ifname);
int netns_set_gro(const char *ns, const char *ifname, bool on);
int netns_set_tso(const char *ns, const char *ifname, bool on);
int netns_sysctl(const char *ns, const char *path, const char *value);
int netns_ifindex(const char *ns, const char *ifname);
int netns_mac(const char *ns, const char *ifname, unsigned char mac[6]);

/* Kernel counters of one device (ns NULL: the current namespace). */
struct netns_link_stats {
	__u64 rx_packets, rx_bytes, rx_dropped;
	__u64 tx_packets, tx_bytes, tx_dropped;
};
int netns_link_stats(const char *ns, const char *ifname,
		     struct netns_link_stats *st);
/* Sum over queues of ethtool -S "<dir>_queue_<n>_<stat>" (veth names). */
int netns_ethtool_queue_sum(const char *ns, const char *ifname,
			    const char *dir, const char *stat, __u64 *sum);

#endif /* __NETNS_H */
