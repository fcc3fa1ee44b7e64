/* SPDX-License-Identifier: GPL-2.0 */
/*
 * XDP attached by netlink, where a bpf_link cannot be used (offload on
 * some drivers): attach only where no program is
 * (XDP_FLAGS_UPDATE_IF_NOEXIST), detach only our own program
 * (XDP_FLAGS_REPLACE with its fd), and undo it on every way out: at exit,
 * on the kill path of signals.h (a raw netlink message, async-signal-safe)
 * and, after a SIGKILL, from the next run (runlock.h), which detaches the
 * program only if it is still the one attached.
 */
#ifndef __XDPNL_H
#define __XDPNL_H

#include <linux/types.h>

/* Attach prog_fd to ifindex of the calling thread's namespace; 0 or -errno. */
int xdpnl_attach(int ifindex, int prog_fd, __u32 flags);
/*
 * Detach what xdpnl_attach() attached there in the mode of flags; 0 or
 * -errno. When it fails, the program stays recorded (unless it is known
 * to be gone): the next call, the exit and kill paths and the next run
 * detach it.
 */
int xdpnl_detach(int ifindex, __u32 flags);
/* Detach what runs proven dead attached and left; how many. */
int xdpnl_cleanup_stale(void);

#endif /* __XDPNL_H */
