// SPDX-License-Identifier: GPL-2.0
/* Host interfaces the user names: in use or not (see ifcheck.h). */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <limits.h>
#include <netinet/in.h>
#include <net/if.h>
#include <sys/socket.h>
#include <linux/if_link.h>
#include <linux/netlink.h>
#include <linux/route.h>
#include <linux/rtnetlink.h>

#include "test_perf.h"
#include "ifcheck.h"

#define MAX_DEVS	4

/* Where the options keep the names: read once all options are parsed. */
static struct {
	const char *opt;
	const char *name;
} devs[MAX_DEVS];
static int nr_devs;
static bool force_dev;
static unsigned char next_hop[2][6];
static int nr_next_hops;

static void why_add(char *why, size_t len, const char *fmt, const char *arg)
{
	size_t used = strlen(why);

	if (used < len)
		snprintf(why + used, len - used, fmt, used ? ", " : "", arg);
}

/* IPv4 addresses and IPv6 ones but link-local (every link has one). */
static void check_addrs(const char *ifname, char *why, size_t len)
{
	char text[INET6_ADDRSTRLEN];
	struct ifaddrs *ifs, *i;

	if (getifaddrs(&ifs))
		return;
	for (i = ifs; i; i = i->ifa_next) {
		const struct sockaddr *sa = i->ifa_addr;
		const void *a;

		if (!sa || strcmp(i->ifa_name, ifname))
			continue;
		if (sa->sa_family == AF_INET) {
			a = &((const struct sockaddr_in *)sa)->sin_addr;
		} else if (sa->sa_family == AF_INET6) {
			a = &((const struct sockaddr_in6 *)sa)->sin6_addr;
			if (IN6_IS_ADDR_LINKLOCAL(a))
				continue;
		} else {
			continue;
		}
		if (inet_ntop(sa->sa_family, a, text, sizeof(text)))
			why_add(why, len, "%saddress %s", text);
	}
	freeifaddrs(ifs);
}

/* /proc/net/route and ipv6_route: a default route through ifname. */
static bool carries_default(const char *ifname)
{
	char line[512], dev[IF_NAMESIZE + 1], dst[40];
	unsigned int d, m, flags, plen;
	bool found = false;
	FILE *f;

	/* thread-self: the namespace of this thread, where ifname is */
	f = fopen("/proc/thread-self/net/route", "re");
	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%16s %x %*x %x %*d %*d %*d %x", dev, &d,
			       &flags, &m) == 4 && !strcmp(dev, ifname) &&
			!d && !m && (flags & RTF_UP);
	if (f)
		fclose(f);
	f = fopen("/proc/thread-self/net/ipv6_route", "re");
	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%39s %x %*s %*s %*s %*s %*s %*s %x %16s",
			       dst, &plen, &flags, dev) == 4 &&
			!strcmp(dev, ifname) && !plen &&
			strspn(dst, "0") == 32 && (flags & RTF_UP) &&
			!(flags & RTF_REJECT);
	if (f)
		fclose(f);
	return found;
}

/*
 * The ifindex of the bridge or bond ifname is a port of (IFLA_MASTER of
 * RTM_GETLINK, from this thread's namespace: sysfs shows the host's), 0.
 */
static int master_of(int ifindex)
{
	struct {
		struct nlmsghdr nh;
		struct ifinfomsg ifi;
	} req = {
		.nh = { .nlmsg_len = sizeof(req), .nlmsg_type = RTM_GETLINK,
			.nlmsg_flags = NLM_F_REQUEST },
		.ifi = { .ifi_family = AF_UNSPEC, .ifi_index = ifindex },
	};
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_ROUTE);
	__u32 buf[2048];
	struct nlmsghdr *nh = (void *)buf;
	struct rtattr *rta;
	int master = 0, attrlen;
	ssize_t n;

	if (fd < 0)
		return 0;
	n = send(fd, &req, sizeof(req), 0) < 0 ? -1 :
	    recv(fd, buf, sizeof(buf), 0);
	close(fd);
	if (n < (ssize_t)NLMSG_LENGTH(sizeof(struct ifinfomsg)) ||
	    !NLMSG_OK(nh, (size_t)n) || nh->nlmsg_type != RTM_NEWLINK)
		return 0;
	attrlen = nh->nlmsg_len - NLMSG_LENGTH(sizeof(struct ifinfomsg));
	for (rta = IFLA_RTA(NLMSG_DATA(nh)); RTA_OK(rta, attrlen);
	     rta = RTA_NEXT(rta, attrlen))
		if (rta->rta_type == IFLA_MASTER &&
		    RTA_PAYLOAD(rta) >= sizeof(__u32))
			master = *(__u32 *)RTA_DATA(rta);
	return master;
}

bool ifcheck_in_use(const char *ifname, char *why, size_t len)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);
	char master[IF_NAMESIZE] = "", id[16];
	int ifindex = if_nametoindex(ifname), m;

	why[0] = '\0';
	check_addrs(ifname, why, len);
	if (carries_default(ifname))
		why_add(why, len, "%s%sthe default route", "");
	m = ifindex ? master_of(ifindex) : 0;
	if (m) {
		if (!if_indextoname(m, master))
			snprintf(master, sizeof(master), "ifindex %d", m);
		why_add(why, len, "%sa port of %s", master);
	}
	if (ifindex && !bpf_xdp_query(ifindex, 0, &q) &&
	    q.attach_mode != XDP_ATTACHED_NONE) {
		snprintf(id, sizeof(id), "%u", q.prog_id ?: q.hw_prog_id ?:
			 q.drv_prog_id ?: q.skb_prog_id);
		why_add(why, len, "%sXDP program %s attached", id);
	}
	return why[0] != '\0';
}

/* The last value of each option: the one the wire will use. */
static void check_devs(void)
{
	char why[512];

	for (int i = 0; i < nr_devs; i++)
		if (devs[i].name[0] && !if_nametoindex(devs[i].name))
			perf_usage_error("--%s: no interface '%s' here (see ip link)",
					 devs[i].opt, devs[i].name);
	for (int i = 0; i < nr_devs && !force_dev; i++)
		if (devs[i].name[0] &&
		    ifcheck_in_use(devs[i].name, why, sizeof(why)))
			perf_usage_error("--%s: %s is in use (%s): the forwarder would take its traffic; name a dedicated interface, or add --force-dev",
					 devs[i].opt, devs[i].name, why);
}

void ifcheck_host_dev(const char *opt, const char *ifname)
{
	int i;

	if (!nr_devs)
		perf_at_parsed(check_devs);
	for (i = 0; i < nr_devs && devs[i].name != ifname; i++)
		;
	if (i < nr_devs)
		return;		/* given again: still checked, as it is then */
	if (nr_devs == MAX_DEVS) {
		fprintf(stderr, "test_perf: more than %d host interfaces to check (a bug)\n",
			MAX_DEVS);
		exit(1);
	}
	devs[nr_devs].opt = opt;
	devs[nr_devs].name = ifname;
	nr_devs++;
}

PERF_OPTION(force_dev, .name = "force-dev", .group = PERF_GRP_WIRE,
	    .type = PERF_OPT_FLAG, .dest = &force_dev,
	    .help = "use a --dut-dev or --offload-dev interface that looks in use (an address, the default route, a bridge or bond port, an XDP program)");

/* ---- --next-hop ---- */

static int parse_mac(const char *s, unsigned char mac[6])
{
	unsigned int b[6];
	int end = 0;

	if (sscanf(s, "%2x:%2x:%2x:%2x:%2x:%2x%n", &b[0], &b[1], &b[2], &b[3],
		   &b[4], &b[5], &end) != 6 || (s[end] && s[end] != ','))
		return -EINVAL;
	for (int i = 0; i < 6; i++)
		mac[i] = b[i];
	return end;
}

static int parse_next_hop(const struct perf_option *o, const char *arg)
{
	int n = parse_mac(arg, next_hop[0]), m = 0;

	if (n > 0 && arg[n] == ',')
		m = parse_mac(arg + n + 1, next_hop[1]);
	if (n <= 0 || m < 0 || (m && arg[n + 1 + m]))
		perf_usage_error("--next-hop wants OUT_MAC[,IN_MAC] like 02:00:00:00:00:01, not '%s'",
				 arg);
	nr_next_hops = m ? 2 : 1;
	if (!m)
		memcpy(next_hop[1], next_hop[0], 6);
	return 0;
}

const unsigned char *ifcheck_next_hop(int port, const unsigned char *dflt)
{
	return nr_next_hops && port >= 0 && port < 2 ? next_hop[port] : dflt;
}

PERF_OPTION(next_hop, .name = "next-hop", .arg = "MAC[,MAC]",
	    .group = PERF_GRP_WIRE, .type = PERF_OPT_CUSTOM,
	    .parse = parse_next_hop,
	    .help = "--dut-dev: destination MAC of frames out of OUT (and of IN), default broadcast");
