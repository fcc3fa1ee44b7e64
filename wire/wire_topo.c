// SPDX-License-Identifier: GPL-2.0
/*
 * The wire's topology: three namespaces joined by two veth pairs, XDP
 * programs attached in them, and the check that nothing of a session
 * outlives it.
 */
#include <dirent.h>
#include <linux/if_link.h>

#include "test_perf.h"
#include "util.h"
#include "wire_priv.h"
#include "xdpnl.h"

/* ---- topology ---- */

static const char *const ns_role[WIRE_NS_MAX] = { "gen", "dut", "sink" };
static const char *const dev_role[WIRE_DEV_MAX] = { "gen", "dua", "dub", "snk" };
static const enum wire_ns dev_ns[WIRE_DEV_MAX] = {
	WIRE_NS_GEN, WIRE_NS_DUT, WIRE_NS_DUT, WIRE_NS_SINK,
};

enum wire_ns wire_topo_ns_of(enum wire_dev d)
{
	return dev_ns[d];
}

static const char *topo_dev_ns(const struct wire_topo *t, enum wire_dev d)
{
	return t->ns[dev_ns[d]];
}

static void topo_names(struct wire_topo *t)
{
	int i, n;

	netns_run_tag(t->tag, sizeof(t->tag));
	n = atoi(strchr(t->tag, '-') + 1);
	for (i = 0; i < WIRE_NS_MAX; i++)
		snprintf(t->ns[i], NETNS_NAME_MAX, NETNS_PREFIX "%s-%s", t->tag,
			 ns_role[i]);
	for (i = 0; i < WIRE_DEV_MAX; i++)
		snprintf(t->ifname[i], IFNAMSIZ, "xp%x-%x%s",
			 (unsigned int)getpid() & 0xffffff, n & 0xff,
			 dev_role[i]);
}

/* IPv6 would make every veth send router solicitations and MLD reports. */
static void topo_quiet(const struct wire_topo *t)
{
	int i;

	for (i = 0; i < WIRE_NS_MAX; i++) {
		netns_sysctl(t->ns[i], "net/ipv6/conf/all/disable_ipv6", "1");
		netns_sysctl(t->ns[i], "net/ipv6/conf/default/disable_ipv6", "1");
	}
}

static int topo_veths(struct wire_topo *t, char *why, size_t len)
{
	int err;

	err = netns_add_veth(t->ns[WIRE_NS_GEN], t->ifname[WIRE_DEV_GEN],
			     t->ns[WIRE_NS_DUT], t->ifname[WIRE_DEV_DUT_A], t->nq);
	if (!err)
		err = netns_add_veth(t->ns[WIRE_NS_DUT], t->ifname[WIRE_DEV_DUT_B],
				     t->ns[WIRE_NS_SINK], t->ifname[WIRE_DEV_SINK],
				     t->nq);
	if (err) {
		perf_msg(why, len, "cannot create veth pairs (kernel without CONFIG_VETH?): ip link add failed");
		return WIRE_SKIP;
	}
	return 0;
}

static int topo_read_devs(struct wire_topo *t, char *why, size_t len)
{
	int i, err;

	for (i = 0; i < WIRE_NS_MAX; i++) {
		err = netns_inode(t->ns[i], &t->ns_ino[i]);
		if (err)
			goto fail;
	}
	for (i = 0; i < WIRE_DEV_MAX; i++) {
		const char *ns = topo_dev_ns(t, i);

		err = netns_link_up(ns, t->ifname[i]);
		if (err)
			goto fail;
		t->ifindex[i] = netns_ifindex(ns, t->ifname[i]);
		if (t->ifindex[i] < 0) {
			err = t->ifindex[i];
			goto fail;
		}
		err = netns_mac(ns, t->ifname[i], t->mac[i]);
		if (err)
			goto fail;
	}
	return 0;
fail:
	perf_msg(why, len, "cannot set up the veth topology: %s", strerror(-err));
	return err;
}

void wire_topo_destroy(struct wire_topo *t)
{
	int i;

	for (i = 0; i < WIRE_NS_MAX; i++)
		if (t->ns[i][0])
			netns_delete(t->ns[i]);
}

int wire_topo_create(struct wire_topo *t, int nq, char *why, size_t len)
{
	int i, err, stale;

	memset(t, 0, sizeof(*t));
	t->nq = nq;
	stale = netns_cleanup_stale();
	if (stale > 0)
		test__info("wire: removed %d namespaces left by killed runs",
			   stale);
	topo_names(t);
	for (i = 0; i < WIRE_NS_MAX; i++) {
		err = netns_create(t->ns[i]);
		if (err) {
			perf_msg(why, len, err == -ENOENT ?
				 "ip(8) from iproute2 is not installed" :
				"cannot create network namespaces (ip netns add failed)");
			wire_topo_destroy(t);
			return WIRE_SKIP;
		}
	}
	topo_quiet(t);
	err = topo_veths(t, why, len);
	if (!err)
		err = topo_read_devs(t, why, len);
	if (err)
		wire_topo_destroy(t);
	return err;
}

/* ---- XDP attach ---- */

int wire_xdp_attach(const char *ns, int ifindex, int prog_fd, __u32 flags,
		    int *link_fd, bool *netlink)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = flags);
	int saved = -1, err = 0;

	*link_fd = -1;
	*netlink = false;
	if (ns && (err = netns_enter(ns, &saved)))
		return err;
	*link_fd = bpf_link_create(prog_fd, ifindex, BPF_XDP, &opts);
	if (*link_fd < 0) {
		err = -errno;
		/* Offload through links is driver dependent: try netlink. */
		if ((flags & XDP_FLAGS_HW_MODE) &&
		    (err == -EINVAL || err == -EOPNOTSUPP)) {
			err = xdpnl_attach(ifindex, prog_fd, flags);
			*netlink = !err;
		}
	}
	if (ns)
		netns_leave(saved);
	return err;
}

void wire_xdp_detach(const char *ns, int ifindex, __u32 flags, int *link_fd,
		     bool *netlink)
{
	int saved = -1;

	if (*link_fd >= 0) {
		close(*link_fd);
		*link_fd = -1;
	}
	if (!*netlink)
		return;
	if (ns && netns_enter(ns, &saved))
		return;
	xdpnl_detach(ifindex, flags);
	if (ns)
		netns_leave(saved);
	*netlink = false;
}

void wire_track_prog(struct wire *w, int prog_fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	if (w->nr_prog_ids >= (int)ARRAY_SIZE(w->prog_ids))
		return;
	if (!bpf_obj_get_info_by_fd(prog_fd, &info, &len))
		w->prog_ids[w->nr_prog_ids++] = info.id;
}

/* ---- cleanup check ---- */

static bool prog_alive(__u32 id)
{
	int fd = bpf_prog_get_fd_by_id(id);

	if (fd < 0)
		return errno != ENOENT;
	close(fd);
	return true;
}

static int link_holding(const struct wire *w, __u32 *link_id, __u32 *prog_id)
{
	struct bpf_link_info info;
	__u32 id = 0, len;
	int fd, i;

	while (!bpf_link_get_next_id(id, &id)) {
		fd = bpf_link_get_fd_by_id(id);
		if (fd < 0)
			continue;
		memset(&info, 0, sizeof(info));
		len = sizeof(info);
		if (!bpf_obj_get_info_by_fd(fd, &info, &len)) {
			for (i = 0; i < w->nr_prog_ids; i++) {
				if (info.prog_id == w->prog_ids[i]) {
					*link_id = id;
					*prog_id = info.prog_id;
					close(fd);
					return -EBUSY;
				}
			}
		}
		close(fd);
	}
	return 0;
}

static int pins_left(char *name, size_t len)
{
	struct dirent *de;
	DIR *dir = opendir("/sys/fs/bpf");
	int found = 0;

	if (!dir)
		return 0;
	while (!found && (de = readdir(dir))) {
		if (!strncmp(de->d_name, "xdpperf", 7)) {
			snprintf(name, len, "%s", de->d_name);
			found = 1;
		}
	}
	closedir(dir);
	return found;
}

int wire_check_clean(const struct wire *w, char *why, size_t len)
{
	__u32 link_id, prog_id;
	char pin[256];
	int i, tries;

	for (i = 0; i < WIRE_NS_MAX; i++)
		if (w->topo.ns[i][0] && netns_exists(w->topo.ns[i]))
			return perf_msg(why, len, "namespace %s left behind",
					w->topo.ns[i]), -EBUSY;
	for (i = 0; i < WIRE_DEV_MAX; i++)
		if (w->topo.ifname[i][0] && if_nametoindex(w->topo.ifname[i]))
			return perf_msg(why, len, "interface %s in the host namespace",
					w->topo.ifname[i]), -EBUSY;
	if (link_holding(w, &link_id, &prog_id))
		return perf_msg(why, len, "bpf link %u still holds program %u",
				link_id, prog_id), -EBUSY;
	if (pins_left(pin, sizeof(pin)))
		return perf_msg(why, len, "pin /sys/fs/bpf/%s left behind", pin),
		       -EBUSY;
	/* programs are freed after an RCU grace period: give it time */
	for (i = 0; i < w->nr_prog_ids; i++) {
		for (tries = 0; tries < 300 && prog_alive(w->prog_ids[i]); tries++)
			usleep(10000);
		if (prog_alive(w->prog_ids[i]))
			return perf_msg(why, len, "program %u still loaded (held by a pin, link or fd)",
					w->prog_ids[i]), -EBUSY;
	}
	return 0;
}
