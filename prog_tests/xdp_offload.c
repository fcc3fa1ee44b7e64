// SPDX-License-Identifier: GPL-2.0
/*
 * XDP offload mode, control path only: load, bind, attach, map access,
 * refusal, detach, cleanup. No packet is timed: netdevsim emulates what a
 * SmartNIC driver does with an offloaded program (it keeps maps in the
 * driver and the program on the "device") but runs nothing, so no
 * performance figure can come from it. Offloaded programs cannot be
 * test-run either (checked below): offload numbers come only from the wire
 * (xdp_modes, wire_props with --offload-dev).
 *
 * The device: the one --offload-dev names (the user's own NIC, e.g. a
 * Netronome port), otherwise a netdevsim device the test creates inside a
 * network namespace of its own (netdevsim module loaded with modprobe when
 * needed) and removes at the end. Without either the test is skipped with
 * the reason; `make vmtest` runs it in a VM whose kernel has netdevsim.
 *
 * The programs are the generator's offload variants of the sweep
 * (gen-progs/, every point built with --offload). netdevsim 6.1 stores at
 * most 2 entries per map, so on netdevsim maps declared larger are created
 * with 2 entries (said in the log; the device_limits subtest shows the
 * device refusing them unchanged). For every distinct reason the generator
 * gives for refusing --offload on a sweep point, the non-offload build of
 * that point is loaded bound to the device and must be refused; where the
 * kernel itself enforces the generator's rule (map types, tail calls), the
 * offending map must be the one the device refuses. Rules only nfp's own
 * verifier enforces (64-bit multiply, bpf_loop, ...) are not checked by
 * netdevsim: the log says so.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <limits.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>
#include <linux/sockios.h>

#include "test_perf.h"
#include "netns.h"
#include "wire.h"
#include "gen/gen_spec.h"

#define NSIM_BUS		"/sys/bus/netdevsim"
#define NSIM_DEBUGFS		"/sys/kernel/debug/netdevsim"
/* netdevsim's NSIM_BPF_MAX_KEYS: entries of an offloaded map */
#define NSIM_MAX_ENTRIES	2
/* Our device IDs: base + pid, so that a stale one names its owner. */
#define NSIM_ID_BASE		1482686464u
#define NSIM_ID_SPAN		(1u << 22)	/* pid_max limit */
#define SWEEP_CONF		"gen-progs/sweep.conf"
#define MAX_IDS			512
#define VLOG_SIZE		(1 << 20)
/* BPF_PROG_TEST_RUN on an offloaded program: ENOTSUPP, not in libc */
#define ENOTSUPP_KERNEL		524

struct offload_dev {
	bool tried, closed;
	int err;			/* 0, 1: skip (why), -errno: failure */
	char why[320];
	char ns[NETNS_NAME_MAX];	/* our namespace, "" for the user's NIC */
	int saved_ns;			/* namespace to return to, -1 */
	bool nsim;			/* netdevsim: its limits and debugfs */
	unsigned int nsim_id;
	bool nsim_created;
	bool module_loaded;		/* by us: unloaded at the end */
	char ifname[IF_NAMESIZE];
	int ifindex;
	__u64 ns_dev, ns_ino;		/* the device's network namespace */
	char debugfs[96];		/* netdevsim's debugfs dir, "" none */
	bool bpftool;			/* bpftool runs here */
	__u32 prog_ids[MAX_IDS], map_ids[MAX_IDS];
	int nr_prog_ids, nr_map_ids;
};

static struct offload_dev dev = { .saved_ns = -1 };
/* For the exit path: the device to delete if the test did not. */
static volatile unsigned int atexit_nsim_id;

/* ---- small helpers ---- */

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

static void remember(__u32 *ids, int *nr, __u32 id)
{
	for (int i = 0; i < *nr; i++)
		if (ids[i] == id)
			return;
	if (*nr < MAX_IDS)
		ids[(*nr)++] = id;
}

/*
 * Run argv (PATH lookup) in the calling thread's network namespace with
 * stdout (and stderr) into out. Exit status, 127 when it cannot be run.
 */
static int run_capture(const char *const argv[], char *out, size_t len)
{
	int pfd[2], st;
	size_t got = 0;
	ssize_t n;
	pid_t pid;

	if (pipe2(pfd, O_CLOEXEC))
		return -errno;
	fflush(stdout);
	pid = fork();
	if (pid < 0)
		return -errno;
	if (!pid) {
		dup2(pfd[1], STDOUT_FILENO);
		dup2(pfd[1], STDERR_FILENO);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(pfd[1]);
	while (len && (n = read(pfd[0], out + got, len - 1 - got)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			break;
		got += n;
		if (got == len - 1)
			break;
	}
	if (len)
		out[got] = '\0';
	close(pfd[0]);
	if (waitpid(pid, &st, 0) != pid)
		return -errno;
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Driver name and bus of a device of the current namespace (ethtool). */
static int dev_drvinfo(const char *ifname, struct ethtool_drvinfo *info)
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

static int set_why(struct offload_dev *d, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int set_why(struct offload_dev *d, int err, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(d->why, sizeof(d->why), fmt, ap);
	va_end(ap);
	d->err = err;
	return err;
}

/* ---- netdevsim ---- */

static void nsim_del(unsigned int id)
{
	char buf[16];

	snprintf(buf, sizeof(buf), "%u", id);
	write_str(NSIM_BUS "/del_device", buf);
}

static void offload_atexit(void)
{
	if (atexit_nsim_id)
		nsim_del(atexit_nsim_id);
}

static bool pid_alive(int pid)
{
	char path[64];

	if (kill(pid, 0) && errno == ESRCH)
		return false;
	snprintf(path, sizeof(path), "/proc/%d", pid);
	return access(path, F_OK) == 0;
}

/* Devices of our ID range whose owner died (a killed run) are removed. */
static void nsim_cleanup_stale(void)
{
	DIR *dir = opendir(NSIM_BUS "/devices");
	struct dirent *de;
	unsigned int id;

	while (dir && (de = readdir(dir))) {
		if (sscanf(de->d_name, "netdevsim%u", &id) != 1 ||
		    id < NSIM_ID_BASE || id - NSIM_ID_BASE >= NSIM_ID_SPAN ||
		    (int)(id - NSIM_ID_BASE) == getpid() ||
		    pid_alive(id - NSIM_ID_BASE))
			continue;
		test__info("removing netdevsim%u left by a killed run", id);
		nsim_del(id);
	}
	if (dir)
		closedir(dir);
}

static bool nsim_available(struct offload_dev *d)
{
	const char *const argv[] = { "modprobe", "-q", "netdevsim", NULL };
	char out[512];
	int rc;

	if (!access(NSIM_BUS "/new_device", W_OK))
		return true;
	rc = run_capture(argv, out, sizeof(out));
	if (!access(NSIM_BUS "/new_device", W_OK)) {
		d->module_loaded = true;
		return true;
	}
	set_why(d, 1, "no offload-capable device: netdevsim is not available in this kernel (CONFIG_NETDEVSIM unset, modprobe netdevsim %s) and no --offload-dev IFNAME was given; `make vmtest` runs this test with netdevsim",
		rc == 127 ? "not found" : "failed");
	return false;
}

/* The netdevsim netdev of our namespace: the one whose bus is ours. */
static int nsim_find_netdev(struct offload_dev *d)
{
	struct ethtool_drvinfo info;
	char bus[32];

	snprintf(bus, sizeof(bus), "netdevsim%u", d->nsim_id);
	for (int tries = 0; tries < 200; tries++) {
		struct if_nameindex *ifs = if_nameindex(), *i;

		for (i = ifs; i && i->if_index; i++) {
			if (dev_drvinfo(i->if_name, &info) ||
			    strcmp(info.driver, "netdevsim") ||
			    strcmp(info.bus_info, bus))
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

static int nsim_create(struct offload_dev *d)
{
	char tag[24], buf[32];
	int err;

	netns_run_tag(tag, sizeof(tag));
	snprintf(d->ns, sizeof(d->ns), "%s%s-offload", NETNS_PREFIX, tag);
	err = netns_create(d->ns);
	if (err) {
		d->ns[0] = '\0';
		return set_why(d, err, "cannot create a network namespace: %s",
			       strerror(-err));
	}
	err = netns_enter(d->ns, &d->saved_ns);
	if (err)
		return set_why(d, err, "cannot enter %s: %s", d->ns,
			       strerror(-err));
	/* the device's netdev appears in the writer's namespace: ours */
	d->nsim_id = NSIM_ID_BASE + getpid();
	snprintf(buf, sizeof(buf), "%u 1", d->nsim_id);
	atexit_nsim_id = d->nsim_id;
	err = write_str(NSIM_BUS "/new_device", buf);
	if (err) {
		atexit_nsim_id = 0;
		return set_why(d, err, "netdevsim new_device \"%s\": %s", buf,
			       strerror(-err));
	}
	d->nsim_created = true;
	d->nsim = true;
	if (nsim_find_netdev(d))
		return set_why(d, -ENODEV, "netdevsim%u has no netdev in %s",
			       d->nsim_id, d->ns);
	return 0;
}

/* The user's NIC (--offload-dev), in the current namespace. */
static int user_dev(struct offload_dev *d)
{
	struct ethtool_drvinfo info;

	snprintf(d->ifname, sizeof(d->ifname), "%s", wire_opts.offload_dev);
	d->ifindex = if_nametoindex(d->ifname);
	if (!d->ifindex)
		return set_why(d, -ENODEV, "--offload-dev %s: %s", d->ifname,
			       strerror(errno));
	if (!dev_drvinfo(d->ifname, &info) && !strcmp(info.driver, "netdevsim") &&
	    sscanf(info.bus_info, "netdevsim%u", &d->nsim_id) == 1)
		d->nsim = true;
	return 0;
}

static int dev_open(struct offload_dev *d)
{
	const char *const argv[] = { "bpftool", "version", NULL };
	char out[256];
	struct stat st;
	int err;

	d->tried = true;
	if (wire_opts.offload_dev[0]) {
		err = user_dev(d);
	} else {
		if (!nsim_available(d))
			return d->err;
		nsim_cleanup_stale();
		if (atexit(offload_atexit))
			return set_why(d, -ENOMEM, "atexit");
		err = nsim_create(d);
	}
	if (err)
		return err;
	if (stat("/proc/thread-self/ns/net", &st))
		return set_why(d, -errno, "stat of our network namespace: %s",
			       strerror(errno));
	d->ns_dev = st.st_dev;
	d->ns_ino = st.st_ino;
	if (d->nsim) {
		snprintf(d->debugfs, sizeof(d->debugfs), NSIM_DEBUGFS "/netdevsim%u",
			 d->nsim_id);
		if (access(d->debugfs, F_OK))
			d->debugfs[0] = '\0';
	}
	d->bpftool = run_capture(argv, out, sizeof(out)) == 0;
	return 0;
}

/* Delete what dev_open made; the cleanup subtest checks it is gone. */
static void dev_close(struct offload_dev *d)
{
	const char *const argv[] = { "modprobe", "-r", "-q", "netdevsim", NULL };
	char path[128], out[256];

	if (!d->tried || d->closed)
		return;
	d->closed = true;
	if (d->nsim_created) {
		nsim_del(d->nsim_id);
		snprintf(path, sizeof(path), NSIM_BUS "/devices/netdevsim%u",
			 d->nsim_id);
		for (int i = 0; i < 200 && !access(path, F_OK); i++)
			usleep(10000);
		d->nsim_created = false;
		atexit_nsim_id = 0;
	}
	if (d->saved_ns >= 0) {
		netns_leave(d->saved_ns);
		d->saved_ns = -1;
	}
	if (d->ns[0])
		netns_delete(d->ns);
	if (d->module_loaded)
		run_capture(argv, out, sizeof(out));
}

static bool dev_ready(void)
{
	if (!dev.tried)
		dev_open(&dev);
	if (dev.err > 0)
		test__skip("%s", dev.why);
	else if (dev.err)
		test__log("offload device: %s", dev.why);
	return ASSERT_OK(dev.err < 0 ? dev.err : 0, "offload device") && !dev.err;
}

/* ---- what the kernel, the device and bpftool say ---- */

static bool check_bound(const char *what, __u32 ifindex, __u64 ns_dev,
			__u64 ns_ino)
{
	bool ok = ASSERT_EQ(ifindex, dev.ifindex, what);

	ok &= ASSERT_EQ(ns_dev, dev.ns_dev, "netns_dev of the device");
	ok &= ASSERT_EQ(ns_ino, dev.ns_ino, "netns_ino of the device");
	return ok;
}

/* bpftool "prog|map show id N" must name our device: "offloaded_to IF". */
static void check_bpftool(const char *what, __u32 id)
{
	char ids[16], out[4096], want[IF_NAMESIZE + 16];
	const char *const argv[] = { "bpftool", what, "show", "id", ids, NULL };
	const char *hit;
	int rc;

	if (!dev.bpftool)
		return;
	snprintf(ids, sizeof(ids), "%u", id);
	snprintf(want, sizeof(want), "offloaded_to %s", dev.ifname);
	rc = run_capture(argv, out, sizeof(out));
	hit = strstr(out, want);
	if (hit)
		hit += strlen(want);
	if (!ASSERT_EQ(rc, 0, "bpftool show") ||
	    !ASSERT_TRUE(hit && (!*hit || *hit == '\n' || *hit == ' '),
			 "bpftool: offloaded_to our device"))
		test__log("bpftool %s show id %u:\n%s", what, id, out);
	else
		test__info("bpftool %s show id %u: %s", what, id, want);
}

/* netdevsim's view: the bound program's state, "" when not bound. */
static void nsim_bound_state(__u32 id, char *state, size_t len, bool *loaded)
{
	char dir[160], path[512], buf[16];
	struct dirent *de;
	__u32 got;
	DIR *d;

	state[0] = '\0';
	*loaded = false;
	snprintf(dir, sizeof(dir), "%s/bpf_bound_progs", dev.debugfs);
	d = opendir(dir);
	while (d && (de = readdir(d))) {
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
	if (d)
		closedir(d);
}

/* The program ID a netdevsim port runs, over every port of the device. */
static __u32 nsim_offloaded_id(void)
{
	char dir[160], path[512];
	struct dirent *de;
	__u32 id = 0, got;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/ports", dev.debugfs);
	d = opendir(dir);
	while (d && (de = readdir(d))) {
		snprintf(path, sizeof(path), "%s/%s/bpf_offloaded_id", dir,
			 de->d_name);
		if (de->d_name[0] != '.' && !read_u32(path, &got) && got)
			id = got;
	}
	if (d)
		closedir(d);
	return id;
}

/* ---- loading ---- */

static void clamp_for_nsim(struct bpf_map *map, bool quiet)
{
	__u32 n = bpf_map__max_entries(map);

	if (!dev.nsim || n <= NSIM_MAX_ENTRIES)
		return;
	if (!quiet)
		test__info("%s: max_entries %u -> %d (netdevsim holds at most %d entries per map)",
			   bpf_map__name(map), n, NSIM_MAX_ENTRIES,
			   NSIM_MAX_ENTRIES);
	bpf_map__set_max_entries(map, NSIM_MAX_ENTRIES);
}

/* gen-progs/NAME.bpf.o with its program (and maps) bound to the device. */
static struct bpf_object *open_bound(const char *name, bool bind_maps,
				     bool clamp, char *vlog, size_t vlog_len)
{
	struct bpf_program *prog;
	struct bpf_object *obj;
	struct bpf_map *map;
	char path[PATH_MAX], rel[128];

	snprintf(rel, sizeof(rel), "gen-progs/%s.bpf.o", name);
	if (!ASSERT_OK(test__path(path, sizeof(path), rel), rel))
		return NULL;
	obj = bpf_object__open_file(path, NULL);
	if (!ASSERT_OK_PTR(obj, rel))
		return NULL;
	bpf_object__for_each_program(prog, obj) {
		bpf_program__set_ifindex(prog, dev.ifindex);
		if (vlog) {
			bpf_program__set_log_buf(prog, vlog, vlog_len);
			bpf_program__set_log_level(prog, 1);
		}
	}
	bpf_object__for_each_map(map, obj) {
		if (bind_maps)
			bpf_map__set_ifindex(map, dev.ifindex);
		if (clamp)
			clamp_for_nsim(map, false);
	}
	return obj;
}

static __u32 prog_id_of(int fd, struct bpf_prog_info *info)
{
	__u32 len = sizeof(*info);

	memset(info, 0, sizeof(*info));
	if (bpf_obj_get_info_by_fd(fd, info, &len))
		return 0;
	return info->id;
}

/* Every map of obj lives on the device and answers through it. */
static void check_maps(struct bpf_object *obj)
{
	struct bpf_map_info info;
	struct bpf_map *map;
	__u8 key[256], val[256], back[256];
	bool first = true;

	bpf_object__for_each_map(map, obj) {
		__u32 len = sizeof(info);
		int fd = bpf_map__fd(map);

		memset(&info, 0, sizeof(info));
		if (!ASSERT_OK(bpf_obj_get_info_by_fd(fd, &info, &len), "map info"))
			continue;
		remember(dev.map_ids, &dev.nr_map_ids, info.id);
		check_bound("map bound to the device (ifindex)", info.ifindex,
			    info.netns_dev, info.netns_ino);
		if (info.key_size > sizeof(key) || info.value_size > sizeof(val))
			continue;
		/* a write and a read back through the driver's map ops */
		memset(key, 0, sizeof(key));
		memset(val, 0xa5, sizeof(val));
		memset(back, 0, sizeof(back));
		ASSERT_OK(bpf_map_update_elem(fd, key, val, BPF_ANY), "map update on the device");
		ASSERT_OK(bpf_map_lookup_elem(fd, key, back), "map lookup on the device");
		ASSERT_MEMEQ(val, back, info.value_size, "value read back from the device");
		if (info.type == BPF_MAP_TYPE_HASH)
			ASSERT_OK(bpf_map_delete_elem(fd, key), "map delete on the device");
		if (first)
			check_bpftool("map", info.id);
		first = false;
	}
}

/* XDP in HW mode through a link, or netlink when links cannot do it. */
static int attach_hw(int prog_fd, int *link_fd, bool *netlink)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts, .flags = XDP_FLAGS_HW_MODE);

	*netlink = false;
	*link_fd = bpf_link_create(prog_fd, dev.ifindex, BPF_XDP, &opts);
	if (*link_fd >= 0)
		return 0;
	test__info("bpf_link in HW mode: %s; netlink instead", strerror(errno));
	*netlink = true;
	return bpf_xdp_attach(dev.ifindex, prog_fd, XDP_FLAGS_HW_MODE, NULL);
}

static void detach_hw(int *link_fd, bool netlink)
{
	if (*link_fd >= 0)
		close(*link_fd);
	*link_fd = -1;
	if (netlink)
		bpf_xdp_detach(dev.ifindex, XDP_FLAGS_HW_MODE, NULL);
}

static void check_attached(__u32 id)
{
	LIBBPF_OPTS(bpf_xdp_query_opts, q);

	if (!ASSERT_OK(bpf_xdp_query(dev.ifindex, 0, &q), "bpf_xdp_query"))
		return;
	ASSERT_EQ(q.hw_prog_id, id, "program attached in HW mode");
	if (id)
		ASSERT_EQ(q.attach_mode, XDP_ATTACHED_HW, "attach mode HW");
	else
		ASSERT_EQ(q.attach_mode, XDP_ATTACHED_NONE, "nothing attached");
	if (dev.debugfs[0])
		ASSERT_EQ(nsim_offloaded_id(), id, "netdevsim port's bpf_offloaded_id");
}

/* Bound programs run on the device only: no test run, no native mode. */
static void check_refusals(int prog_fd)
{
	__u8 pkt[64] = {};
	LIBBPF_OPTS(bpf_test_run_opts, topts, .data_in = pkt,
		    .data_size_in = sizeof(pkt), .repeat = 1);
	int err;

	err = bpf_prog_test_run_opts(prog_fd, &topts);
	if (ASSERT_ERR(err, "test run of an offloaded program refused"))
		test__info("BPF_PROG_TEST_RUN: %s (%d): no timing of offloaded programs",
			   errno == ENOTSUPP_KERNEL ? "ENOTSUPP" : strerror(errno),
			   errno);
	err = bpf_xdp_attach(dev.ifindex, prog_fd, XDP_FLAGS_DRV_MODE, NULL);
	if (!ASSERT_ERR(err, "device-bound program in native mode refused"))
		bpf_xdp_detach(dev.ifindex, XDP_FLAGS_DRV_MODE, NULL);
}

/* One offload variant: load, inspect, attach, detach, close, gone. */
static void subtest_prog(const struct gen_point *p)
{
	struct bpf_prog_info info;
	struct bpf_object *obj;
	struct bpf_program *prog;
	char state[32];
	bool loaded, netlink;
	int fd, link_fd = -1;
	__u32 id = 0;

	if (!dev_ready())
		return;
	obj = open_bound(p->name, true, true, NULL, 0);
	if (!obj)
		return;
	if (!ASSERT_OK(bpf_object__load(obj), "load bound to the device"))
		goto out;
	prog = bpf_object__next_program(obj, NULL);
	fd = bpf_program__fd(prog);
	id = prog_id_of(fd, &info);
	if (!ASSERT_NEQ(id, 0, "program id"))
		goto out;
	remember(dev.prog_ids, &dev.nr_prog_ids, id);
	test__info("%s: program %u (%s), %u insns xlated, bound to %s", p->name,
		   id, bpf_program__name(prog), info.xlated_prog_len / 8,
		   dev.ifname);
	check_bound("program bound to the device (ifindex)", info.ifindex,
		    info.netns_dev, info.netns_ino);
	check_bpftool("prog", id);
	if (dev.debugfs[0]) {
		nsim_bound_state(id, state, sizeof(state), &loaded);
		ASSERT_STREQ(state, "xlated", "netdevsim holds the program");
		ASSERT_FALSE(loaded, "not running before attach");
	}
	check_maps(obj);
	check_refusals(fd);

	if (!ASSERT_OK(attach_hw(fd, &link_fd, &netlink), "attach in HW mode"))
		goto out;
	test__info("attached in HW mode with %s", netlink ? "netlink" : "a bpf_link");
	check_attached(id);
	if (dev.debugfs[0]) {
		nsim_bound_state(id, state, sizeof(state), &loaded);
		ASSERT_TRUE(loaded, "netdevsim runs the program");
	}
	detach_hw(&link_fd, netlink);
	check_attached(0);
out:
	detach_hw(&link_fd, false);
	bpf_object__close(obj);
	if (dev.debugfs[0] && id) {
		nsim_bound_state(id, state, sizeof(state), &loaded);
		ASSERT_STREQ(state, "", "netdevsim released the program");
	}
}

/* ---- refusals: the generator's reasons, the device's answers ---- */

/* The map the kernel refuses for the generator's reason, if it checks it. */
static const char *kernel_enforced_map(const struct gen_spec *s)
{
	if (gen_has(s, GEN_P_TAILCALLS))
		return "xdpgen_progs";	/* PROG_ARRAY: not offloadable */
	if (gen_has(s, GEN_P_MAP) && s->map_type != GEN_MAP_ARRAY &&
	    s->map_type != GEN_MAP_HASH)
		return "xdpgen_map";
	return NULL;
}

/* Create each map of obj on the device alone; is want among the refused? */
static bool maps_refused(struct bpf_object *obj, const char *want, int *want_err)
{
	char list[512] = "";
	struct bpf_map *map;
	size_t pos = 0;
	bool found = false;

	bpf_object__for_each_map(map, obj) {
		LIBBPF_OPTS(bpf_map_create_opts, o, .map_ifindex = dev.ifindex,
			    .map_flags = bpf_map__map_flags(map));
		struct bpf_map_info info = {};
		__u32 len = sizeof(info);
		int fd, err;

		clamp_for_nsim(map, true);	/* the type decides, not the size */
		fd = bpf_map_create(bpf_map__type(map), NULL,
				    bpf_map__key_size(map), bpf_map__value_size(map),
				    bpf_map__max_entries(map), &o);
		err = fd < 0 ? -errno : 0;
		if (fd >= 0) {
			if (!bpf_obj_get_info_by_fd(fd, &info, &len))
				remember(dev.map_ids, &dev.nr_map_ids, info.id);
			close(fd);
			continue;
		}
		pos += snprintf(list + pos, pos < sizeof(list) ? sizeof(list) - pos : 0,
				"%s%s (type %d): %s", pos ? ", " : "",
				bpf_map__name(map), bpf_map__type(map), strerror(-err));
		if (want && !strcmp(bpf_map__name(map), want)) {
			found = true;
			*want_err = err;
		}
	}
	test__info("maps the device refuses: %s", list[0] ? list : "none");
	return found;
}

static void subtest_refused(const struct gen_point *p, const char *reason)
{
	const char *want = kernel_enforced_map(&p->spec);
	struct bpf_object *obj;
	int err, want_err = 0;

	if (!dev_ready())
		return;
	test__info("%s: generator refuses --offload: %s", p->name, reason);
	ASSERT_EQ(strncmp(reason, "--offload: ", 11), 0,
		  "the generator's refusal is about offload");
	obj = open_bound(p->name, true, true, NULL, 0);
	if (!obj)
		return;
	err = bpf_object__load(obj);
	if (ASSERT_ERR(err, "non-offload build refused by the device"))
		test__info("load bound to %s: %s", dev.ifname, strerror(-err));
	if (want) {
		if (ASSERT_TRUE(maps_refused(obj, want, &want_err),
				"the device refuses the map the generator names"))
			ASSERT_EQ(want_err, -EINVAL, "refused as not offloadable");
	} else {
		maps_refused(obj, NULL, &want_err);
		test__info("%s: a rule of nfp's own verifier%s", p->name,
			   dev.nsim ? "; netdevsim does not check it, the generator's refusal stands alone" : "");
	}
	bpf_object__close(obj);
}

/* ---- device-level checks ---- */

static void subtest_device(void)
{
	struct ethtool_drvinfo info;

	if (!dev_ready())
		return;
	test__info("offload device %s (ifindex %d) in %s%s; netdevsim models the control path only: nothing is timed",
		   dev.ifname, dev.ifindex, dev.ns[0] ? "namespace " : "the current namespace",
		   dev.ns);
	if (ASSERT_OK(dev_drvinfo(dev.ifname, &info), "ethtool drvinfo"))
		test__info("driver %s, bus %s", info.driver, info.bus_info);
	if (dev.nsim && !dev.debugfs[0])
		test__info("netdevsim's debugfs is not mounted: device-side checks skipped");
	if (!dev.bpftool)
		test__info("bpftool not found: its view is not checked");
	if (dev.ns[0])
		ASSERT_TRUE(netns_exists(dev.ns), "our namespace");
}

/*
 * Does libbpf bind a bound program's maps to the device by itself? The
 * answer is read from the kernel: either the load works and the maps are
 * on the device, or the verifier refuses host maps for a device program.
 */
static void subtest_host_maps(void)
{
	struct bpf_object *obj;
	char *vlog;
	int err;

	if (!dev_ready())
		return;
	vlog = calloc(1, VLOG_SIZE);
	if (!ASSERT_OK_PTR(vlog, "calloc"))
		return;
	obj = open_bound("empty_offload", false, true, vlog, VLOG_SIZE);
	if (!obj)
		goto out;
	err = bpf_object__load(obj);
	if (!err) {
		test__info("libbpf bound the maps itself");
		check_maps(obj);
	} else if (ASSERT_TRUE(strstr(vlog, "offload device mismatch between prog and map"),
			       "verifier refuses host maps")) {
		test__info("libbpf leaves maps on the host (bpf_map__set_ifindex needed): the verifier says \"offload device mismatch between prog and map\"");
	} else {
		test__log("load with host maps: %s; verifier log:\n%.2000s",
			  strerror(-err), vlog);
	}
	bpf_object__close(obj);
out:
	free(vlog);
}

/* netdevsim refuses maps beyond its size: the clamping is needed. */
static void subtest_device_limits(void)
{
	struct bpf_object *obj;
	int err;

	if (!dev_ready())
		return;
	if (!dev.nsim) {
		test__skip("%s is not netdevsim: its limits are its own", dev.ifname);
		return;
	}
	obj = open_bound("empty_offload", true, false, NULL, 0);
	if (!obj)
		return;
	err = bpf_object__load(obj);
	if (ASSERT_ERR(err, "maps beyond netdevsim's size refused"))
		ASSERT_EQ(err, -ENOMEM, "ENOMEM from netdevsim");
	bpf_object__close(obj);
}

/* After everything: no program, map, device or namespace of ours left. */
static void check_nothing_left(void)
{
	char path[PATH_MAX];
	int i, fd, left = 0;

	for (i = 0; i < dev.nr_prog_ids; i++) {
		fd = bpf_prog_get_fd_by_id(dev.prog_ids[i]);
		if (fd >= 0) {
			close(fd);
			test__log("program %u still loaded", dev.prog_ids[i]);
			left++;
		}
	}
	for (i = 0; i < dev.nr_map_ids; i++) {
		fd = bpf_map_get_fd_by_id(dev.map_ids[i]);
		if (fd >= 0) {
			close(fd);
			test__log("map %u still present", dev.map_ids[i]);
			left++;
		}
	}
	ASSERT_EQ(left, 0, "programs and maps left");
	test__info("%d programs and %d maps created, all gone", dev.nr_prog_ids,
		   dev.nr_map_ids);
	if (dev.nsim_id && !wire_opts.offload_dev[0]) {
		snprintf(path, sizeof(path), NSIM_BUS "/devices/netdevsim%u",
			 dev.nsim_id);
		ASSERT_NEQ(access(path, F_OK), 0, "netdevsim device removed");
		snprintf(path, sizeof(path), NSIM_DEBUGFS "/netdevsim%u",
			 dev.nsim_id);
		ASSERT_NEQ(access(path, F_OK), 0, "its debugfs directory removed");
	}
	if (dev.ns[0])
		ASSERT_FALSE(netns_exists(dev.ns), "namespace removed");
}

/* ---- the sweep ---- */

struct refusal {
	int point;
	char reason[200];
};

static int read_sweep(struct gen_point **points, int *nr, char *why, size_t len)
{
	char path[PATH_MAX];

	if (test__path(path, sizeof(path), SWEEP_CONF)) {
		snprintf(why, len, "%s missing beside test_perf: build the sweep (make)",
			 SWEEP_CONF);
		return -ENOENT;
	}
	return gen_sweep_read(path, points, nr, why, len);
}

/* The first point of every distinct reason the generator refuses with. */
static int find_refusals(const struct gen_point *pts, int nr,
			 struct refusal *out, int max)
{
	char args[300], err[200];
	struct gen_spec spec;
	int i, j, n = 0;

	for (i = 0; i < nr && n < max; i++) {
		if (pts[i].spec.offload)
			continue;
		snprintf(args, sizeof(args), "%s --offload", pts[i].args);
		if (!gen_spec_parse_str(&spec, args, err, sizeof(err)))
			continue;
		for (j = 0; j < n && strcmp(out[j].reason, err); j++)
			;
		if (j < n)
			continue;
		out[n].point = i;
		snprintf(out[n].reason, sizeof(out[n].reason), "%s", err);
		n++;
	}
	return n;
}

static void run_points(const struct gen_point *pts, int nr)
{
	struct refusal refusals[32];
	char name[96];
	int i, n;

	for (i = 0; i < nr; i++) {
		if (!pts[i].spec.offload)
			continue;
		snprintf(name, sizeof(name), "prog_%s", pts[i].name);
		if (test__start_subtest(name))
			subtest_prog(&pts[i]);
	}
	n = find_refusals(pts, nr, refusals, 32);
	for (i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "refused_%s", pts[refusals[i].point].name);
		if (test__start_subtest(name))
			subtest_refused(&pts[refusals[i].point], refusals[i].reason);
	}
}

void test_xdp_offload(void)
{
	struct gen_point *pts = NULL;
	char why[256];
	int nr = 0;

	if (!test__need_bpf())
		return;
	if (read_sweep(&pts, &nr, why, sizeof(why))) {
		test__skip("%s", why);
		return;
	}
	/* one reason for the whole test when there is no device at all */
	if (!wire_opts.offload_dev[0] && access(NSIM_BUS, F_OK) &&
	    !nsim_available(&dev)) {
		test__skip("%s", dev.why);
		goto out;
	}
	if (test__start_subtest("device"))
		subtest_device();
	if (test__start_subtest("host_maps"))
		subtest_host_maps();
	if (test__start_subtest("device_limits"))
		subtest_device_limits();
	run_points(pts, nr);
	dev_close(&dev);
	if (test__start_subtest("cleanup")) {
		if (dev.tried && !dev.err)
			check_nothing_left();
		else
			test__skip("no device was set up");
	}
out:
	dev_close(&dev);
	free(pts);
}
