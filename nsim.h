/* SPDX-License-Identifier: GPL-2.0 */
/*
 * netdevsim devices for the offload tests: the module, one device per
 * process, its removal on every exit path, and what its debugfs says.
 *
 * netdevsim emulates the control path of an offload NIC (bind, load,
 * attach in HW mode, device-side maps) and runs nothing. A device this
 * process creates has ID NSIM_ID_BASE + pid and is recorded in the run's
 * lock file (runlock.h), so that nsim_cleanup_stale() can remove a device
 * a killed run left once that run is proven dead; the device is also
 * removed from atexit and from the kill path of signals.h.
 *
 *	if (!nsim_available(&loaded)) skip;
 *	nsim_cleanup_stale();
 *	(enter the network namespace the netdev should appear in)
 *	nsim_create(&dev);
 *	... bpf_program__set_ifindex(prog, dev.ifindex) ...
 *	nsim_destroy(&dev);
 *	if (loaded) nsim_unload();
 */
#ifndef __NSIM_H
#define __NSIM_H

#include <stdbool.h>
#include <stddef.h>
#include <net/if.h>
#include <linux/types.h>

struct ethtool_drvinfo;

#define NSIM_BUS		"/sys/bus/netdevsim"
#define NSIM_DEBUGFS		"/sys/kernel/debug/netdevsim"
/* netdevsim's NSIM_BPF_MAX_KEYS: entries of an offloaded map */
#define NSIM_MAX_ENTRIES	2
/* Our device IDs: base + pid. */
#define NSIM_ID_BASE		1482686464u
#define NSIM_ID_SPAN		(1u << 22)	/* pid_max limit */

struct nsim_dev {
	unsigned int id;
	char ifname[IF_NAMESIZE];	/* its one port, "" before nsim_create */
	int ifindex;
	char debugfs[96];		/* its debugfs directory, "" if none */
};

/*
 * True when netdevsim devices can be created, after loading the module
 * with modprobe if needed (then *loaded is set; else left alone). With
 * false, why says what is missing.
 */
bool nsim_available(bool *loaded, char *why, size_t why_len);
/*
 * modprobe -r netdevsim (after nsim_available() loaded it), unless a
 * device exists: another run's or a user's would go with the module.
 */
void nsim_unload(void);
/* Remove the devices runs proven dead left (runlock.h); how many. */
int nsim_cleanup_stale(void);

/*
 * Create this process's device, with one port whose netdev appears in the
 * calling thread's network namespace, and find that netdev. The device is
 * removed at exit if nsim_destroy() was not called. 0 or -errno; d->id is
 * 0 when no device was created.
 */
int nsim_create(struct nsim_dev *d);
/* Remove the device and wait until the kernel has. */
void nsim_destroy(struct nsim_dev *d);
/* Does netdevsim device id (or its debugfs directory) exist? */
bool nsim_exists(unsigned int id);
bool nsim_debugfs_exists(unsigned int id);

/* Driver name and bus of a netdev of the current namespace (ethtool). */
int nsim_drvinfo(const char *ifname, struct ethtool_drvinfo *info);
/* Is ifname a netdevsim port? *id gets its device's ID. */
bool nsim_netdev_id(const char *ifname, unsigned int *id);
/* The debugfs directory of device id into d->debugfs, "" if absent. */
void nsim_find_debugfs(struct nsim_dev *d);

/*
 * netdevsim's view of bound program id: its state ("xlated", ...; ""
 * when the device does not hold it) and whether a port runs it.
 */
void nsim_bound_state(const struct nsim_dev *d, __u32 id, char *state,
		      size_t len, bool *loaded);
/* The program ID a port of the device runs in HW mode, 0 when none. */
__u32 nsim_offloaded_id(const struct nsim_dev *d);

#endif /* __NSIM_H */
