/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a run creates outside its own memory (network namespaces with a
 * name, netdevsim devices, XDP programs attached by netlink), recorded so
 * that nothing outlives it, even SIGKILL.
 *
 * A run holds RUNLOCK_DIR/<tag>.lock with flock() for as long as it
 * lives; the kernel releases the lock however the process ends, so a run
 * that can take another's lock has proven it dead. A pid proves nothing:
 * pids are reused, and a process of another pid namespace sharing
 * /run/netns has a pid that means something else here. The tag
 * "<pid>.<start time, hex>" names the run's resources (xdpperf-<tag>-...).
 * Each resource is a line of the lock file, "+KIND NAME" when created
 * (before it is: a kill in between leaves nothing unrecorded) and
 * "-KIND NAME" when removed; the file goes with the last removal. A
 * later run removes what a dead run left (runlock_cleanup_stale()), then
 * its lock file. A lock file that cannot be locked, read or parsed is
 * left alone.
 */
#ifndef __RUNLOCK_H
#define __RUNLOCK_H

#include <stdbool.h>

#define RUNLOCK_DIR	"/run/xdp-perf"

/* This run's tag. */
const char *runlock_tag(void);
/*
 * Record that resource KIND NAME was created (before creating it: the
 * first record takes the lock) or removed. Async-signal-safe for
 * removals (the kill path of signals.h removes resources too).
 */
void runlock_note(bool created, const char *kind, const char *name);
/*
 * Remove the resources of kind that dead runs left, with remove(name)
 * (0 or -ENOENT: gone), and the lock files left with nothing. How many
 * were removed, or -errno.
 */
int runlock_cleanup_stale(const char *kind, int (*remove)(const char *name));

#endif /* __RUNLOCK_H */
