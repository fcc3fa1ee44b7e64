// SPDX-License-Identifier: GPL-2.0
/* XDP by netlink, undone on every way out (see xdpnl.h). */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "runlock.h"
#include "signals.h"
#include "xdpnl.h"

#define XDPNL_MAX	8
#define MODE_FLAGS	(XDP_FLAGS_SKB_MODE | XDP_FLAGS_DRV_MODE | XDP_FLAGS_HW_MODE)

struct xdpnl_att {
	int ifindex;
	__u32 mode;		/* one of MODE_FLAGS */
	int prog_fd;		/* our dup: REPLACE needs it, and it keeps the id */
	int nl_fd;		/* a socket of the namespace it was attached in */
	unsigned long ns;	/* that namespace's inode */
	char record[64];	/* its runlock line */
};

static struct xdpnl_att atts[XDPNL_MAX];
static volatile int nr_atts;
static bool hooks_set;

static int ns_ino(unsigned long *ino)
{
	struct stat st;

	if (stat("/proc/thread-self/ns/net", &st))
		return -errno;
	*ino = st.st_ino;
	return 0;
}

static __u32 prog_id(int fd)
{
	struct bpf_prog_info info = {};
	__u32 len = sizeof(info);

	return bpf_obj_get_info_by_fd(fd, &info, &len) ? 0 : info.id;
}

/* The netlink message libbpf would send, on a stack buffer: async-safe. */
static void nl_detach_raw(const struct xdpnl_att *a)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
		char attrs[64];
	} req;
	struct nlattr *xdp, *at;
	__s32 fd_none = -1, expected = a->prog_fd;
	__u32 flags = a->mode | XDP_FLAGS_REPLACE;
	char ack[256];

	memset(&req, 0, sizeof(req));
	req.nh.nlmsg_type = RTM_SETLINK;
	req.nh.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	req.ifi.ifi_family = AF_UNSPEC;
	req.ifi.ifi_index = a->ifindex;
	xdp = (struct nlattr *)req.attrs;
	xdp->nla_type = IFLA_XDP | NLA_F_NESTED;
	at = xdp + 1;
	at->nla_type = IFLA_XDP_FD;
	at->nla_len = NLA_HDRLEN + sizeof(fd_none);
	memcpy(at + 1, &fd_none, sizeof(fd_none));
	at = (void *)at + NLA_ALIGN(at->nla_len);
	at->nla_type = IFLA_XDP_FLAGS;
	at->nla_len = NLA_HDRLEN + sizeof(flags);
	memcpy(at + 1, &flags, sizeof(flags));
	at = (void *)at + NLA_ALIGN(at->nla_len);
	at->nla_type = IFLA_XDP_EXPECTED_FD;
	at->nla_len = NLA_HDRLEN + sizeof(expected);
	memcpy(at + 1, &expected, sizeof(expected));
	at = (void *)at + NLA_ALIGN(at->nla_len);
	xdp->nla_len = (char *)at - (char *)xdp;
	req.nh.nlmsg_len = NLMSG_LENGTH(sizeof(req.ifi)) + xdp->nla_len;
	if (send(a->nl_fd, &req, req.nh.nlmsg_len, 0) > 0)
		recv(a->nl_fd, ack, sizeof(ack), 0);
}

/* atexit and the kill path: whatever is still attached. */
static void xdpnl_undo_all(void)
{
	for (int i = 0; i < nr_atts; i++) {
		if (atts[i].prog_fd < 0)
			continue;
		nl_detach_raw(&atts[i]);
		runlock_note(false, "xdp", atts[i].record);
		atts[i].prog_fd = -1;
	}
}

int xdpnl_attach(int ifindex, int prog_fd, __u32 flags)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	struct xdpnl_att *a = NULL;
	unsigned long ino;
	int err;

	for (int i = 0; i < nr_atts && !a; i++)
		if (atts[i].prog_fd < 0)
			a = &atts[i];
	if (!a && nr_atts == XDPNL_MAX)
		return -ENOSPC;
	if (!a)
		a = &atts[nr_atts];
	err = ns_ino(&ino);
	if (err)
		return err;
	a->ifindex = ifindex;
	a->mode = flags & MODE_FLAGS;
	a->ns = ino;
	a->nl_fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	a->prog_fd = fcntl(prog_fd, F_DUPFD_CLOEXEC, 3);
	if (a->nl_fd < 0 || a->prog_fd < 0) {
		err = -errno;
		goto fail;
	}
	snprintf(a->record, sizeof(a->record), "%d:%u:%u:%lu", ifindex,
		 prog_id(prog_fd), a->mode, ino);
	if (!hooks_set) {
		atexit(xdpnl_undo_all);
		signals_at_kill(xdpnl_undo_all);
		hooks_set = true;
	}
	runlock_note(true, "xdp", a->record);
	if (a == &atts[nr_atts])
		nr_atts++;
	/* never over a program someone else attached */
	if (!bpf_xdp_attach(ifindex, prog_fd, flags | XDP_FLAGS_UPDATE_IF_NOEXIST,
			    &opts))
		return 0;
	err = -errno;
	runlock_note(false, "xdp", a->record);
fail:
	if (a->nl_fd >= 0)
		close(a->nl_fd);
	if (a->prog_fd >= 0)
		close(a->prog_fd);
	a->prog_fd = a->nl_fd = -1;
	return err;
}

/* The id of the program attached in mode on ifindex (0: none), or -errno. */
static long query_id(int ifindex, __u32 mode)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (bpf_xdp_query(ifindex, 0, &q))
		return -errno;
	return mode == XDP_FLAGS_HW_MODE ? q.hw_prog_id :
	       mode == XDP_FLAGS_DRV_MODE ? q.drv_prog_id : q.skb_prog_id;
}

/* The program id attached in mode on ifindex, 0 when none. */
static __u32 attached_id(int ifindex, __u32 mode)
{
	long id = query_id(ifindex, mode);

	return id > 0 ? id : 0;
}

static void forget(struct xdpnl_att *a)
{
	runlock_note(false, "xdp", a->record);
	close(a->prog_fd);
	close(a->nl_fd);
	a->prog_fd = a->nl_fd = -1;
}

/*
 * After a failed detach: true only when ours is known to be gone from
 * there (another program, or none, is attached in its namespace), so
 * that nobody has anything of ours left to detach.
 */
static bool known_gone(const struct xdpnl_att *a)
{
	unsigned long here;
	long id;

	if (ns_ino(&here) || here != a->ns)
		return false;
	id = query_id(a->ifindex, a->mode);
	return id >= 0 && id != prog_id(a->prog_fd);
}

/*
 * Our record of ifindex in mode: the one whose program is attached there
 * now when there are two (one kept by a detach that failed).
 */
static struct xdpnl_att *find_att(int ifindex, __u32 mode)
{
	struct xdpnl_att *a = NULL;
	__u32 now = 0;

	for (int i = 0; i < nr_atts; i++) {
		if (atts[i].prog_fd < 0 || atts[i].ifindex != ifindex ||
		    atts[i].mode != mode)
			continue;
		if (!a) {
			a = &atts[i];
			now = attached_id(ifindex, mode);
		}
		if (now && prog_id(atts[i].prog_fd) == now)
			return &atts[i];
	}
	return a;
}

/*
 * A detach that failed keeps the record unless ours is known to be gone:
 * the exit path, the kill path and, after a SIGKILL, the next run try
 * again (each only while the program is still ours), and so does the
 * next xdpnl_detach().
 */
int xdpnl_detach(int ifindex, __u32 flags)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	struct xdpnl_att *a = find_att(ifindex, flags & MODE_FLAGS);
	int err;

	if (!a)
		return -ENOENT;
	opts.old_prog_fd = a->prog_fd;
	/* only if it is still ours: REPLACE fails when another one is there */
	if (!bpf_xdp_attach(ifindex, -1, a->mode | XDP_FLAGS_REPLACE, &opts)) {
		forget(a);
		return 0;
	}
	err = -errno;
	if (known_gone(a))
		forget(a);
	return err;
}

/* "ifindex:prog id:mode:netns inode" a dead run recorded. */
static int remove_stale(const char *rec)
{
	LIBBPF_OPTS(bpf_xdp_attach_opts, opts);
	unsigned long ino, here = 0;
	__u32 id, mode;
	int ifindex, err;

	if (sscanf(rec, "%d:%u:%u:%lu", &ifindex, &id, &mode, &ino) != 4 ||
	    ns_ino(&here))
		return -EINVAL;
	/* in a namespace of that run: it went with the namespace */
	if (ino != here || attached_id(ifindex, mode) != id)
		return -ENOENT;
	opts.old_prog_fd = bpf_prog_get_fd_by_id(id);
	if (opts.old_prog_fd < 0)
		return -errno;
	err = bpf_xdp_attach(ifindex, -1, mode | XDP_FLAGS_REPLACE, &opts);
	err = err ? -errno : 0;
	close(opts.old_prog_fd);
	return err;
}

int xdpnl_cleanup_stale(void)
{
	return runlock_cleanup_stale("xdp", remove_stale);
}
