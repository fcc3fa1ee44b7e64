/* SPDX-License-Identifier: GPL-2.0 */
/*
 * BPF run-time statistics (run_time_ns, run_cnt of bpf_prog_info) for the
 * span of a measurement: by an fd (BPF_ENABLE_STATS, kernel 5.8 and
 * later) that the kernel drops with the process, or else by the
 * kernel.bpf_stats_enabled sysctl. The sysctl outlives the process, so
 * the value it had before is put back on every way out: when the stats
 * are switched off, at exit, and on the kill path of signals.h (with
 * async-signal-safe calls only).
 */
#ifndef __BPF_STATS_H
#define __BPF_STATS_H

#include <stdbool.h>

#define BPF_STATS_SYSCTL	"/proc/sys/kernel/bpf_stats_enabled"

/* On while *fd is open, or by the sysctl (*by_sysctl); 0 or -errno. */
int bpf_stats_on(int *fd, bool *by_sysctl);
/* Off again: the fd closed, or the sysctl's earlier value restored. */
void bpf_stats_off(int fd, bool by_sysctl);

/* The sysctl way on its own (what bpf_stats_on() falls back to). */
int bpf_stats_sysctl_on(void);
void bpf_stats_sysctl_off(void);
/* The sysctl's value now, or -errno. */
int bpf_stats_sysctl_read(void);

#endif /* __BPF_STATS_H */
