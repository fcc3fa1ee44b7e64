// SPDX-License-Identifier: GPL-2.0
/*
 * Threaded NAPI on the wire's veths: the tool that puts the DUT's receive
 * path on a CPU of its own (docs/wire.md, "Layouts").
 *
 * veth runs the NAPI of a device on the CPU that scheduled it, i.e. the
 * sender's, unless the device is threaded: then each NAPI instance has a
 * kthread "napi/<dev>-<id>" that can be placed like any task. The harness
 * switches the devices of its own namespaces to threaded through a sysfs
 * mounted (detached, never attached to a mount tree) from inside their
 * namespace, finds the kthreads by name, pins them and makes them
 * SCHED_FIFO; their CPU time is read from /proc/<pid>/schedstat, in ns.
 * The kthreads go with the device, i.e. with the namespace.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>

#include "test_perf.h"
#include "wire_priv.h"

/* A sysfs of the calling thread's network namespace, as a detached mount. */
static int sysfs_here(void)
{
	int fs, mnt;

	fs = fsopen("sysfs", FSOPEN_CLOEXEC);
	if (fs < 0)
		return -errno;
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0)) {
		close(fs);
		return -errno;
	}
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOEXEC |
		      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV);
	close(fs);
	return mnt < 0 ? -errno : mnt;
}

int wire_napi_set_threaded(const char *ns, const char *ifname, bool on)
{
	char path[64];
	int saved = -1, mnt, fd, err = 0;

	err = netns_enter(ns, &saved);
	if (err)
		return err;
	mnt = sysfs_here();
	netns_leave(saved);
	if (mnt < 0)
		return mnt;
	snprintf(path, sizeof(path), "class/net/%s/threaded", ifname);
	fd = openat(mnt, path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		err = -errno;
	else if (write(fd, on ? "1" : "0", 1) != 1)
		err = -errno;
	if (fd >= 0)
		close(fd);
	close(mnt);
	return err;
}

/* True when comm is "napi/<ifname>-<digits>". */
static bool napi_comm_of(const char *comm, const char *ifname)
{
	size_t n = strlen(ifname);
	const char *p;

	if (strncmp(comm, "napi/", 5) || strncmp(comm + 5, ifname, n) ||
	    comm[5 + n] != '-' || !comm[6 + n])
		return false;
	for (p = comm + 6 + n; *p && *p != '\n'; p++)
		if (*p < '0' || *p > '9')
			return false;
	return true;
}

int wire_napi_threads(const char *ifname, int *pids, int max)
{
	char path[300], comm[80];
	struct dirent *de;
	DIR *dir = opendir("/proc");
	int n = 0, fd;
	ssize_t got;

	if (!dir)
		return -errno;
	while (n < max && (de = readdir(dir))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		got = read(fd, comm, sizeof(comm) - 1);
		close(fd);
		comm[got > 0 ? got : 0] = '\0';
		if (napi_comm_of(comm, ifname))
			pids[n++] = atoi(de->d_name);
	}
	closedir(dir);
	return n;
}

int wire_napi_place(int pid, int cpu)
{
	struct sched_param sp = { .sched_priority = 1 };
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(pid, sizeof(set), &set) ||
	    sched_setscheduler(pid, SCHED_FIFO, &sp))
		return -errno;
	return 0;
}

int wire_cpu_latency_hold(void)
{
	__s32 zero = 0;
	int fd = open("/dev/cpu_dma_latency", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	if (write(fd, &zero, sizeof(zero)) != sizeof(zero)) {
		close(fd);
		return -1;
	}
	return fd;
}

double wire_task_runtime_ns(int pid)
{
	unsigned long long run = 0;
	char path[64];
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fscanf(f, "%llu", &run) != 1)
		run = 0;
	fclose(f);
	return (double)run;
}
