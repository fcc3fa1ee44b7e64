// SPDX-License-Identifier: GPL-2.0
/* BPF run-time statistics on and off, the sysctl restored (bpf_stats.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>
#include <bpf/bpf.h>

#include "bpf_stats.h"
#include "signals.h"

/* The sysctl's value before we set it, -1 when we did not. */
static volatile sig_atomic_t sysctl_before = -1;
static bool hooks_set;

int bpf_stats_sysctl_read(void)
{
	char buf[16];
	ssize_t n;
	int fd, v = 0;

	fd = open(BPF_STATS_SYSCTL, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -EIO;
	for (ssize_t i = 0; i < n && buf[i] >= '0' && buf[i] <= '9'; i++)
		v = v * 10 + buf[i] - '0';
	return v;
}

/* Async-signal-safe: open, write, close. */
static int sysctl_write(int v)
{
	char buf[16], *p = buf + sizeof(buf);
	ssize_t n;
	int fd;

	*--p = '\n';
	do
		*--p = '0' + v % 10;
	while ((v /= 10) && p > buf);
	fd = open(BPF_STATS_SYSCTL, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, p, buf + sizeof(buf) - p);
	close(fd);
	return n == buf + sizeof(buf) - p ? 0 : -EIO;
}

/* atexit and the kill path: the value from before, once. */
static void sysctl_restore(void)
{
	int saved = errno, v = sysctl_before;

	if (v >= 0) {
		sysctl_write(v);
		sysctl_before = -1;
	}
	errno = saved;
}

int bpf_stats_sysctl_on(void)
{
	int before = bpf_stats_sysctl_read(), err;

	if (before < 0)
		return before;
	if (!hooks_set) {
		atexit(sysctl_restore);
		signals_at_kill(sysctl_restore);
		hooks_set = true;
	}
	/* recorded before it is set: a signal in between restores it */
	if (sysctl_before < 0)
		sysctl_before = before;
	err = sysctl_write(1);
	if (err)
		sysctl_restore();
	return err;
}

void bpf_stats_sysctl_off(void)
{
	sysctl_restore();
}

int bpf_stats_on(int *fd, bool *by_sysctl)
{
	*by_sysctl = false;
	*fd = bpf_enable_stats(BPF_STATS_RUN_TIME);
	if (*fd >= 0)
		return 0;
	*by_sysctl = !bpf_stats_sysctl_on();
	return *by_sysctl ? 0 : -EPERM;
}

void bpf_stats_off(int fd, bool by_sysctl)
{
	if (fd >= 0)
		close(fd);
	if (by_sysctl)
		bpf_stats_sysctl_off();
}
