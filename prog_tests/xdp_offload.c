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
#include <limits.h>
#include <stdarg.h>
#include <net/if.h>
#include <sys/stat.h>
#include <linux/ethtool.h>
#include <linux/if_link.h>

#include "test_perf.h"
#include "netns.h"
#include "nsim.h"
#include "util.h"
#include "wire/wire.h"
#include "xdpnl.h"
#include "gen/gen_spec.h"

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
	struct nsim_dev sim;		/* .id, .debugfs when nsim */
	bool module_loaded;		/* by us: unloaded at the end */
	char ifname[IF_NAMESIZE];
	int ifindex;
	__u64 ns_dev, ns_ino;		/* the device's network namespace */
	bool bpftool;			/* bpftool runs here */
	__u32 prog_ids[MAX_IDS], map_ids[MAX_IDS];
	int nr_prog_ids, nr_map_ids;
};

static struct offload_dev dev = { .saved_ns = -1 };

static void remember(__u32 *ids, int *nr, __u32 id)
{
	for (int i = 0; i < *nr; i++)
		if (ids[i] == id)
			return;
	if (*nr < MAX_IDS)
		ids[(*nr)++] = id;
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

/* ---- the device ---- */

static bool nsim_usable(struct offload_dev *d)
{
	char why[200];

	if (nsim_available(&d->module_loaded, why, sizeof(why)))
		return true;
	set_why(d, 1, "no offload-capable device: %s and no --offload-dev IFNAME was given; `make vmtest` runs this test with netdevsim",
		why);
	return false;
}

/* A netdevsim device of our own, in a network namespace of our own. */
static int nsim_open(struct offload_dev *d)
{
	char tag[24];
	int err, stale;

	stale = nsim_cleanup_stale();
	if (stale)
		test__info("removed %d netdevsim devices left by a killed run",
			   stale);
	stale = netns_cleanup_stale();
	if (stale > 0)
		test__info("removed %d namespaces left by a killed run", stale);
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
	err = nsim_create(&d->sim);
	if (err && !d->sim.id)
		return set_why(d, err, "netdevsim new_device: %s",
			       strerror(-err));
	d->nsim = true;
	if (err)
		return set_why(d, err, "netdevsim%u has no netdev in %s",
			       d->sim.id, d->ns);
	snprintf(d->ifname, sizeof(d->ifname), "%s", d->sim.ifname);
	d->ifindex = d->sim.ifindex;
	return 0;
}

/* The user's NIC (--offload-dev), in the current namespace. */
static int user_dev(struct offload_dev *d)
{
	snprintf(d->ifname, sizeof(d->ifname), "%s", wire_opts.offload_dev);
	d->ifindex = if_nametoindex(d->ifname);
	if (!d->ifindex)
		return set_why(d, -ENODEV, "--offload-dev %s: %s", d->ifname,
			       strerror(errno));
	if (nsim_netdev_id(d->ifname, &d->sim.id)) {
		d->nsim = true;
		nsim_find_debugfs(&d->sim);
	}
	return 0;
}

static int dev_open(struct offload_dev *d)
{
	const char *const argv[] = { "bpftool", "version", NULL };
	struct stat st;
	int err;

	d->tried = true;
	if (wire_opts.offload_dev[0])
		err = user_dev(d);
	else if (!nsim_usable(d))
		return d->err;
	else
		err = nsim_open(d);
	if (err)
		return err;
	if (stat("/proc/thread-self/ns/net", &st))
		return set_why(d, -errno, "stat of our network namespace: %s",
			       strerror(errno));
	d->ns_dev = st.st_dev;
	d->ns_ino = st.st_ino;
	d->bpftool = run_cmd(argv, NULL) == 0;
	return 0;
}

/* Delete what dev_open made; the cleanup subtest checks it is gone. */
static void dev_close(struct offload_dev *d)
{
	if (!d->tried || d->closed)
		return;
	d->closed = true;
	if (!wire_opts.offload_dev[0])
		nsim_destroy(&d->sim);
	if (d->saved_ns >= 0) {
		netns_leave(d->saved_ns);
		d->saved_ns = -1;
	}
	if (d->ns[0])
		netns_delete(d->ns);
	if (d->module_loaded)
		nsim_unload();
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
	struct run_opts ro = { .out = out, .out_len = sizeof(out) };
	const char *hit;
	int rc;

	if (!dev.bpftool)
		return;
	snprintf(ids, sizeof(ids), "%u", id);
	snprintf(want, sizeof(want), "offloaded_to %s", dev.ifname);
	rc = run_cmd(argv, &ro);
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
	return xdpnl_attach(dev.ifindex, prog_fd, XDP_FLAGS_HW_MODE);
}

static void detach_hw(int *link_fd, bool netlink)
{
	if (*link_fd >= 0)
		close(*link_fd);
	*link_fd = -1;
	if (netlink)
		xdpnl_detach(dev.ifindex, XDP_FLAGS_HW_MODE);
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
	if (dev.sim.debugfs[0])
		ASSERT_EQ(nsim_offloaded_id(&dev.sim), id, "netdevsim port's bpf_offloaded_id");
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
	err = xdpnl_attach(dev.ifindex, prog_fd, XDP_FLAGS_DRV_MODE);
	if (!ASSERT_ERR(err, "device-bound program in native mode refused"))
		xdpnl_detach(dev.ifindex, XDP_FLAGS_DRV_MODE);
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
	if (dev.sim.debugfs[0]) {
		nsim_bound_state(&dev.sim, id, state, sizeof(state), &loaded);
		ASSERT_STREQ(state, "xlated", "netdevsim holds the program");
		ASSERT_FALSE(loaded, "not running before attach");
	}
	check_maps(obj);
	check_refusals(fd);

	if (!ASSERT_OK(attach_hw(fd, &link_fd, &netlink), "attach in HW mode"))
		goto out;
	test__info("attached in HW mode with %s", netlink ? "netlink" : "a bpf_link");
	check_attached(id);
	if (dev.sim.debugfs[0]) {
		nsim_bound_state(&dev.sim, id, state, sizeof(state), &loaded);
		ASSERT_TRUE(loaded, "netdevsim runs the program");
	}
	detach_hw(&link_fd, netlink);
	check_attached(0);
out:
	detach_hw(&link_fd, false);
	bpf_object__close(obj);
	if (dev.sim.debugfs[0] && id) {
		nsim_bound_state(&dev.sim, id, state, sizeof(state), &loaded);
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
	if (ASSERT_OK(nsim_drvinfo(dev.ifname, &info), "ethtool drvinfo"))
		test__info("driver %s, bus %s", info.driver, info.bus_info);
	if (dev.nsim && !dev.sim.debugfs[0])
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
	if (dev.sim.id && !wire_opts.offload_dev[0]) {
		ASSERT_FALSE(nsim_exists(dev.sim.id), "netdevsim device removed");
		ASSERT_FALSE(nsim_debugfs_exists(dev.sim.id),
			     "its debugfs directory removed");
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
	    !nsim_usable(&dev)) {
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
