// SPDX-License-Identifier: GPL-2.0
/*
 * netdevsim devices for the offload tests (see nsim.h): sysfs bus writes
 * for the lifecycle, ethtool to find the port, debugfs for the device's
 * own view of what it holds.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "nsim.h"
#include "runlock.h"
#include "signals.h"
#include "util.h"

/* The device to remove at exit: created and not destroyed yet. */
static volatile unsigned int atexit_id;
static bool atexit_registered;

static int write_str(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC), err = 0;
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(s))
		err = -EIO;
	close(fd);
	return err;
}

static int read_str(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int read_u32(const char *path, __u32 *val)
{
	char buf[32], *end;

	if (read_str(path, buf, sizeof(buf)))
		return -errno;
	*val = strtoul(buf, &end, 10);
	return end == buf ? -EINVAL : 0;
}

/* ---- the module and the bus ---- */

bool nsim_available(bool *loaded, char *why, size_t len)
{
	const char *const argv[] = { "modprobe", "-q", "netdevsim", NULL };
	int rc;

	if (!access(NSIM_BUS "/new_device", W_OK))
		return true;
	rc = run_cmd(argv, NULL);
	if (!access(NSIM_BUS "/new_device", W_OK)) {
		*loaded = true;
		return true;
	}
	snprintf(why, len, "netdevsim is not available in this kernel (CONFIG_NETDEVSIM unset, modprobe netdevsim %s)",
		 rc == 127 ? "not found" : "failed");
	return false;
}

/* Devices on the bus, ours or another run's; -errno when unreadable. */
static int nsim_count_devices(void)
{
	DIR *dir = opendir(NSIM_BUS "/devices");
	struct dirent *de;
	int n = 0;

	if (!dir)
		return -errno;
	while ((de = readdir(dir)))
		n += !strncmp(de->d_name, "netdevsim", 9);
	closedir(dir);
	return n;
}

void nsim_unload(void)
{
	const char *const argv[] = { "modprobe", "-r", "-q", "netdevsim", NULL };

	/* another run's device (or a user's) would go with the module */
	if (nsim_count_devices() == 0)
		run_cmd(argv, NULL);
}

/* "%u" without stdio: the kill path calls this. */
static void utoa(unsigned int v, char buf[12])
{
	char tmp[12];
	int n = 0, i = 0;

	do
		tmp[n++] = '0' + v % 10;
	while ((v /= 10));
	while (n)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
}

/* Async-signal-safe. */
static int nsim_del(unsigned int id)
{
	char buf[12];

	utoa(id, buf);
	return write_str(NSIM_BUS "/del_device", buf);
}

static void nsim_atexit(void)
{
	char buf[12];

	if (atexit_id && !nsim_del(atexit_id)) {
		utoa(atexit_id, buf);
		runlock_note(false, "nsim", buf);
		atexit_id = 0;
	}
}

bool nsim_exists(unsigned int id)
{
	char path[128];

	snprintf(path, sizeof(path), NSIM_BUS "/devices/netdevsim%u", id);
	return !access(path, F_OK);
}

bool nsim_debugfs_exists(unsigned int id)
{
	char path[128];

	snprintf(path, sizeof(path), NSIM_DEBUGFS "/netdevsim%u", id);
	return !access(path, F_OK);
}

/* A device a dead run recorded (runlock.h): in our ID range, still there. */
static int remove_stale(const char *name)
{
	char *end;
	unsigned long id = strtoul(name, &end, 10);

	if (*end || id < NSIM_ID_BASE || id - NSIM_ID_BASE >= NSIM_ID_SPAN)
		return -EINVAL;
	if (!nsim_exists(id))
		return -ENOENT;
	return nsim_del(id);
}

int nsim_cleanup_stale(void)
{
	return runlock_cleanup_stale("nsim", remove_stale);
}

/* ---- the device ---- */

int nsim_drvinfo(const char *ifname, struct ethtool_drvinfo *info)
{
	struct ifreq ifr = {};
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	memset(info, 0, sizeof(*info));
	info->cmd = ETHTOOL_GDRVINFO;
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", ifname);
	ifr.ifr_data = (void *)info;
	if (ioctl(fd, SIOCETHTOOL, &ifr))
		err = -errno;
	close(fd);
	return err;
}

bool nsim_netdev_id(const char *ifname, unsigned int *id)
{
	struct ethtool_drvinfo info;

	return !nsim_drvinfo(ifname, &info) && !strcmp(info.driver, "netdevsim") &&
	       sscanf(info.bus_info, "netdevsim%u", id) == 1;
}

void nsim_find_debugfs(struct nsim_dev *d)
{
	snprintf(d->debugfs, sizeof(d->debugfs), NSIM_DEBUGFS "/netdevsim%u",
		 d->id);
	if (access(d->debugfs, F_OK))
		d->debugfs[0] = '\0';
}

/* The netdev of our device in this namespace: the one on its bus. */
static int nsim_find_netdev(struct nsim_dev *d)
{
	unsigned int id;

	for (int tries = 0; tries < 200; tries++) {
		struct if_nameindex *ifs = if_nameindex(), *i;

		for (i = ifs; i && i->if_index; i++) {
			if (!nsim_netdev_id(i->if_name, &id) || id != d->id)
				continue;
			snprintf(d->ifname, sizeof(d->ifname), "%s", i->if_name);
			d->ifindex = i->if_index;
		}
		if_freenameindex(ifs);
		if (d->ifindex)
			return 0;
		usleep(10000);
	}
	return -ENODEV;
}

int nsim_create(struct nsim_dev *d)
{
	char buf[32];
	int err;

	memset(d, 0, sizeof(*d));
	if (!atexit_registered) {
		if (atexit(nsim_atexit))
			return -ENOMEM;
		signals_at_kill(nsim_atexit);
		atexit_registered = true;
	}
	d->id = NSIM_ID_BASE + getpid();
	/* recorded first: a kill before the write leaves nothing unknown */
	snprintf(buf, sizeof(buf), "%u", d->id);
	runlock_note(true, "nsim", buf);
	/* the port's netdev appears in the writer's namespace */
	snprintf(buf, sizeof(buf), "%u 1", d->id);
	atexit_id = d->id;
	err = write_str(NSIM_BUS "/new_device", buf);
	if (err) {
		snprintf(buf, sizeof(buf), "%u", d->id);
		runlock_note(false, "nsim", buf);
		atexit_id = 0;
		d->id = 0;
		return err;
	}
	err = nsim_find_netdev(d);
	if (!err)
		nsim_find_debugfs(d);
	return err;
}

void nsim_destroy(struct nsim_dev *d)
{
	char buf[12];

	if (!d->id)
		return;
	nsim_del(d->id);
	for (int i = 0; i < 200 && nsim_exists(d->id); i++)
		usleep(10000);
	if (!nsim_exists(d->id)) {
		utoa(d->id, buf);
		runlock_note(false, "nsim", buf);
	}
	if (atexit_id == d->id)
		atexit_id = 0;
}

/* ---- what the device says (debugfs) ---- */

void nsim_bound_state(const struct nsim_dev *d, __u32 id, char *state,
		      size_t len, bool *loaded)
{
	char dir[160], path[512], buf[16];
	struct dirent *de;
	__u32 got;
	DIR *dp;

	state[0] = '\0';
	*loaded = false;
	snprintf(dir, sizeof(dir), "%s/bpf_bound_progs", d->debugfs);
	dp = opendir(dir);
	while (dp && (de = readdir(dp))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/id", dir, de->d_name);
		if (read_u32(path, &got) || got != id)
			continue;
		snprintf(path, sizeof(path), "%s/%s/state", dir, de->d_name);
		read_str(path, state, len);
		snprintf(path, sizeof(path), "%s/%s/loaded", dir, de->d_name);
		*loaded = !read_str(path, buf, sizeof(buf)) && buf[0] == 'Y';
	}
	if (dp)
		closedir(dp);
}

__u32 nsim_offloaded_id(const struct nsim_dev *d)
{
	char dir[160], path[512];
	struct dirent *de;
	__u32 id = 0, got;
	DIR *dp;

	snprintf(dir, sizeof(dir), "%s/ports", d->debugfs);
	dp = opendir(dir);
	while (dp && (de = readdir(dp))) {
		snprintf(path, sizeof(path), "%s/%s/bpf_offloaded_id", dir,
			 de->d_name);
		if (de->d_name[0] != '.' && !read_u32(path, &got) && got)
			id = got;
	}
	if (dp)
		closedir(dp);
	return id;
}
