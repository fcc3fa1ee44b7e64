// SPDX-License-Identifier: GPL-2.0
/*
 * Network namespaces and veth pairs for the wire tests (see netns.h).
 *
 * Creation goes through ip(8), which also makes /run/netns a shared mount
 * point the way every other tool expects; deletion is what `ip netns del`
 * does (lazy unmount of the bind mount, unlink), done directly so that it is
 * safe from atexit and signal paths. The kernel tears the namespace and its
 * veths down once the last reference (mount, fd, thread) is gone.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

#include "netns.h"
#include "runlock.h"
#include "signals.h"
#include "util.h"

#define NETNS_MAX_OWN	32

/* Namespaces this process created and has not removed yet. */
static char own_names[NETNS_MAX_OWN][NETNS_NAME_MAX];
static int run_counter;
static bool atexit_done;

void netns_run_tag(char *buf, size_t len)
{
	snprintf(buf, len, "%s-%d", runlock_tag(), run_counter++);
}

static void netns_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/%s", NETNS_RUN_DIR, name);
}

bool netns_exists(const char *name)
{
	char path[NETNS_NAME_MAX + sizeof(NETNS_RUN_DIR) + 1];

	netns_path(path, sizeof(path), name);
	return access(path, F_OK) == 0;
}

/* ip(8) with argv (NULL-terminated): 0 on exit 0, else its stderr shown. */
static int netns_ip(const char *const argv[])
{
	const char *args[24] = { "ip" };
	char err[256] = "";
	struct run_opts opts = {
		.out = err, .out_len = sizeof(err), .stderr_only = true,
	};
	size_t got;
	int i, ret;

	for (i = 0; argv[i] && i < 22; i++)
		args[i + 1] = argv[i];
	args[i + 1] = NULL;
	ret = run_cmd(args, &opts);
	if (!ret)
		return 0;
	got = strlen(err);
	fprintf(stderr, "netns: ip");
	for (i = 0; argv[i]; i++)
		fprintf(stderr, " %s", argv[i]);
	fprintf(stderr, ": %s%s", got ? err : "failed",
		got && err[got - 1] == '\n' ? "" : "\n");
	if (ret == 127)
		return -ENOENT;
	return ret < 0 ? ret : -EIO;
}

static void netns_register(const char *name)
{
	int i;

	if (!atexit_done) {
		atexit(netns_destroy_all);
		signals_at_kill(netns_destroy_all);
		atexit_done = true;
	}
	for (i = 0; i < NETNS_MAX_OWN; i++) {
		if (!own_names[i][0]) {
			runlock_note(true, "netns", name);
			snprintf(own_names[i], NETNS_NAME_MAX, "%s", name);
			return;
		}
	}
}

static void netns_unregister(const char *name)
{
	int i;

	for (i = 0; i < NETNS_MAX_OWN; i++) {
		if (!strcmp(own_names[i], name)) {
			runlock_note(false, "netns", name);
			own_names[i][0] = '\0';
		}
	}
}

static int netns_remove_path(const char *name);

int netns_create(const char *name)
{
	const char *argv[] = { "netns", "add", name, NULL };
	int err;

	if (strlen(name) >= NETNS_NAME_MAX)
		return -ENAMETOOLONG;
	/* Registered first: a signal between add and register leaks nothing. */
	netns_register(name);
	err = netns_ip(argv);
	if (err && !netns_remove_path(name))	/* ip may have made half */
		netns_unregister(name);
	return err;
}

/* Async-signal-safe: only syscalls on a stack buffer. */
static int netns_remove_path(const char *name)
{
	char path[NETNS_NAME_MAX + sizeof(NETNS_RUN_DIR) + 1];

	netns_path(path, sizeof(path), name);
	umount2(path, MNT_DETACH);
	if (unlink(path) && errno != ENOENT)
		return -errno;
	return 0;
}

int netns_delete(const char *name)
{
	int err = netns_remove_path(name);

	if (!err)
		netns_unregister(name);
	return err;
}

/* Async-signal-safe too: the kill path of signals.h runs it. */
void netns_destroy_all(void)
{
	int i;

	for (i = 0; i < NETNS_MAX_OWN; i++) {
		if (!own_names[i][0] || netns_remove_path(own_names[i]))
			continue;
		runlock_note(false, "netns", own_names[i]);
		own_names[i][0] = '\0';
	}
}

/* A namespace a dead run recorded (runlock.h): one of ours by its name. */
static int remove_stale(const char *name)
{
	if (strncmp(name, NETNS_PREFIX, strlen(NETNS_PREFIX)))
		return -EINVAL;
	return netns_remove_path(name);
}

int netns_cleanup_stale(void)
{
	return runlock_cleanup_stale("netns", remove_stale);
}

int netns_create_anon(void)
{
	int saved, fd, err = 0;

	saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (saved < 0)
		return -errno;
	/* unshare(CLONE_NEWNET) moves the calling thread only */
	if (unshare(CLONE_NEWNET)) {
		err = -errno;
		close(saved);
		return err;
	}
	fd = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		err = -errno;
	if (setns(saved, CLONE_NEWNET))
		err = -errno;	/* cannot happen: we were just there */
	close(saved);
	if (err && fd >= 0)
		close(fd);
	return err ?: fd;
}

int netns_enter_fd(int fd, int *saved)
{
	*saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0)
		return -errno;
	if (setns(fd, CLONE_NEWNET)) {
		int err = -errno;

		close(*saved);
		*saved = -1;
		return err;
	}
	return 0;
}

int netns_enter(const char *name, int *saved)
{
	char path[NETNS_NAME_MAX + sizeof(NETNS_RUN_DIR) + 1];
	int fd, err = 0;

	*saved = open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
	if (*saved < 0)
		return -errno;
	netns_path(path, sizeof(path), name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || setns(fd, CLONE_NEWNET))
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (err) {
		close(*saved);
		*saved = -1;
	}
	return err;
}

void netns_leave(int saved)
{
	if (saved < 0)
		return;
	setns(saved, CLONE_NEWNET);
	close(saved);
}

int netns_inode(const char *name, __u32 *ino)
{
	char path[NETNS_NAME_MAX + sizeof(NETNS_RUN_DIR) + 1];
	struct stat st;

	netns_path(path, sizeof(path), name);
	if (stat(path, &st))
		return -errno;
	*ino = (__u32)st.st_ino;
	return 0;
}

int netns_add_veth(const char *ns_a, const char *if_a, const char *ns_b,
		   const char *if_b, int nq)
{
	char q[16];
	const char *argv[] = { "link", "add", if_a, "numtxqueues", q,
			       "numrxqueues", q, "netns", ns_a, "type", "veth",
			       "peer", "name", if_b, "numtxqueues", q,
			       "numrxqueues", q, "netns", ns_b, NULL };

	snprintf(q, sizeof(q), "%d", nq);
	return netns_ip(argv);
}

int netns_link_up(const char *ns, const char *ifname)
{
	const char *argv[] = { "-n", ns, "link", "set", "dev", ifname, "up",
			       NULL };

	return netns_ip(argv);
}

/* ioctl on an interface of namespace ns (the socket must be made there). */
static int netns_ifioctl(const char *ns, const char *ifname,
			 unsigned long req, struct ifreq *ifr)
{
	int saved = -1, fd, err = 0;

	if (ns && (err = netns_enter(ns, &saved)))
		return err;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		err = -errno;
	} else {
		snprintf(ifr->ifr_name, IFNAMSIZ, "%s", ifname);
		if (ioctl(fd, req, ifr))
			err = -errno;
		close(fd);
	}
	if (ns)
		netns_leave(saved);
	return err;
}

/* The legacy one-feature ethtool commands: still served by every kernel. */
static int netns_set_feature(const char *ns, const char *ifname, __u32 cmd,
			     bool on)
{
	struct ethtool_value ev = { .cmd = cmd, .data = on };
	struct ifreq ifr = { .ifr_data = (void *)&ev };

	return netns_ifioctl(ns, ifname, SIOCETHTOOL, &ifr);
}

int netns_set_gro(const char *ns, const char *ifname, bool on)
{
	return netns_set_feature(ns, ifname, ETHTOOL_SGRO, on);
}

int netns_set_tso(const char *ns, const char *ifname, bool on)
{
	return netns_set_feature(ns, ifname, ETHTOOL_STSO, on);
}

int netns_sysctl(const char *ns, const char *path, const char *value)
{
	char full[256];
	int saved, fd, err;
	ssize_t len = strlen(value);

	err = netns_enter(ns, &saved);
	if (err)
		return err;
	snprintf(full, sizeof(full), "/proc/sys/%s", path);
	fd = open(full, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		err = -errno;
	else if (write(fd, value, len) != len)
		err = -errno;
	if (fd >= 0)
		close(fd);
	netns_leave(saved);
	return err;
}

int netns_ifindex(const char *ns, const char *ifname)
{
	struct ifreq ifr = {};
	int err;

	err = netns_ifioctl(ns, ifname, SIOCGIFINDEX, &ifr);
	return err ?: ifr.ifr_ifindex;
}

int netns_mac(const char *ns, const char *ifname, unsigned char mac[6])
{
	struct ifreq ifr = {};
	int err;

	err = netns_ifioctl(ns, ifname, SIOCGIFHWADDR, &ifr);
	if (!err)
		memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	return err;
}

/* One line of /proc/net/dev: "name: rx 8 fields tx 8 fields". */
static int netns_parse_dev_line(const char *line, const char *ifname,
				struct netns_link_stats *st)
{
	unsigned long long v[16];
	const char *colon;
	size_t nlen;

	while (*line == ' ')
		line++;
	colon = strchr(line, ':');
	nlen = strlen(ifname);
	if (!colon || (size_t)(colon - line) != nlen || strncmp(line, ifname, nlen))
		return -ENOENT;
	if (sscanf(colon + 1,
		   "%llu %llu %llu %llu %llu %llu %llu %llu "
		   "%llu %llu %llu %llu %llu %llu %llu %llu",
		   &v[0], &v[1], &v[2], &v[3], &v[4], &v[5], &v[6], &v[7],
		   &v[8], &v[9], &v[10], &v[11], &v[12], &v[13], &v[14],
		   &v[15]) != 16)
		return -EINVAL;
	st->rx_bytes = v[0];
	st->rx_packets = v[1];
	st->rx_dropped = v[3];
	st->tx_bytes = v[8];
	st->tx_packets = v[9];
	st->tx_dropped = v[11];
	return 0;
}

int netns_link_stats(const char *ns, const char *ifname,
		     struct netns_link_stats *st)
{
	int saved = -1, err = -ENOENT;
	char line[512];
	FILE *f;

	memset(st, 0, sizeof(*st));
	if (ns && (err = netns_enter(ns, &saved)))
		return err;
	err = -ENOENT;
	/* thread-self: /proc/self/net would show the main thread's netns. */
	f = fopen("/proc/thread-self/net/dev", "re");
	if (f) {
		while (err == -ENOENT && fgets(line, sizeof(line), f))
			err = netns_parse_dev_line(line, ifname, st);
		fclose(f);
	} else {
		err = -errno;
	}
	if (ns)
		netns_leave(saved);
	return err;
}

static int netns_ethtool_count(const char *ns, const char *ifname)
{
	/* ethtool_sset_info ends in a flexible array: room for one entry */
	__u64 buf[(sizeof(struct ethtool_sset_info) + sizeof(__u32) + 7) / 8] = {};
	struct ethtool_sset_info *info = (void *)buf;
	struct ifreq ifr = { .ifr_data = (void *)info };
	int err;

	info->cmd = ETHTOOL_GSSET_INFO;
	info->sset_mask = 1ULL << ETH_SS_STATS;
	err = netns_ifioctl(ns, ifname, SIOCETHTOOL, &ifr);
	if (err)
		return err;
	return info->sset_mask ? (int)info->data[0] : 0;
}

/* "rx_queue_3_drops" is queue stat "drops" of direction "rx". */
static bool ethtool_queue_stat(const char *name, const char *dir,
			       const char *stat)
{
	size_t dlen = strlen(dir);
	const char *p;

	if (strncmp(name, dir, dlen) || strncmp(name + dlen, "_queue_", 7))
		return false;
	p = name + dlen + 7;
	if (*p < '0' || *p > '9')
		return false;
	while (*p >= '0' && *p <= '9')
		p++;
	return *p == '_' && !strcmp(p + 1, stat);
}

int netns_ethtool_queue_sum(const char *ns, const char *ifname,
			    const char *dir, const char *stat, __u64 *sum)
{
	struct ethtool_gstrings *names = NULL;
	struct ethtool_stats *vals = NULL;
	struct ifreq ifr = {};
	char name[ETH_GSTRING_LEN + 1];
	int n, i, err;

	*sum = 0;
	n = netns_ethtool_count(ns, ifname);
	if (n <= 0)
		return n ?: -EOPNOTSUPP;
	names = calloc(1, sizeof(*names) + (size_t)n * ETH_GSTRING_LEN);
	vals = calloc(1, sizeof(*vals) + (size_t)n * sizeof(__u64));
	if (!names || !vals) {
		err = -ENOMEM;
		goto out;
	}
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_STATS;
	names->len = n;
	ifr.ifr_data = (void *)names;
	err = netns_ifioctl(ns, ifname, SIOCETHTOOL, &ifr);
	if (err)
		goto out;
	vals->cmd = ETHTOOL_GSTATS;
	vals->n_stats = n;
	ifr.ifr_data = (void *)vals;
	err = netns_ifioctl(ns, ifname, SIOCETHTOOL, &ifr);
	if (err)
		goto out;
	for (i = 0; i < n; i++) {
		memcpy(name, names->data + i * ETH_GSTRING_LEN, ETH_GSTRING_LEN);
		name[ETH_GSTRING_LEN] = '\0';
		if (ethtool_queue_stat(name, dir, stat))
			*sum += vals->data[i];
	}
out:
	free(names);
	free(vals);
	return err;
}
