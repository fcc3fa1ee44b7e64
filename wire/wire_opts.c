// SPDX-License-Identifier: GPL-2.0
/*
 * Options of the wire tests and what follows from the profile: trial
 * lengths, repetitions, frame sizes, XDP modes.
 */
#include <math.h>
#include <linux/if_link.h>

#include "test_perf.h"
#include "ifcheck.h"
#include "wire_priv.h"

#define QUICK_MAX_REPS		3
#define __WIRE_STR(x)		#x
#define WIRE_STR(x)		__WIRE_STR(x)

struct wire_opts wire_opts;

static const char *const mode_names[WIRE_MODE_MAX] = {
	[WIRE_MODE_GENERIC] = "generic",
	[WIRE_MODE_NATIVE] = "native",
	[WIRE_MODE_OFFLOAD] = "offload",
};

const char *wire_mode_name(enum wire_mode mode)
{
	return mode < WIRE_MODE_MAX ? mode_names[mode] : "unknown";
}

static const char *const layout_names[] = {
	[WIRE_LAYOUT_AUTO] = "auto",
	[WIRE_LAYOUT_SHARED] = "shared",
	[WIRE_LAYOUT_ISOLATED] = "isolated",
};

const char *wire_layout_name(enum wire_layout layout)
{
	return layout <= WIRE_LAYOUT_ISOLATED ? layout_names[layout] : "unknown";
}

static const char *const sender_names[] = {
	[WIRE_SENDER_AUTO] = "auto",
	[WIRE_SENDER_LIVE] = "live",
	[WIRE_SENDER_AF_PACKET] = "af_packet",
};

const char *wire_sender_name(enum wire_sender sender)
{
	return sender <= WIRE_SENDER_AF_PACKET ? sender_names[sender] :
						 "unknown";
}

__u32 wire_mode_flags(enum wire_mode mode)
{
	switch (mode) {
	case WIRE_MODE_GENERIC:
		return XDP_FLAGS_SKB_MODE;
	case WIRE_MODE_NATIVE:
		return XDP_FLAGS_DRV_MODE;
	default:
		return XDP_FLAGS_HW_MODE;
	}
}

static double parse_number(const char *opt, const char *arg, double lo,
			   double hi, bool suffix, const char *what)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(arg, &end);
	if (suffix && end != arg) {
		if (*end == 'k' || *end == 'K')
			v *= 1e3, end++;
		else if (*end == 'M')
			v *= 1e6, end++;
		else if (*end == 'G')
			v *= 1e9, end++;
	}
	if (errno || end == arg || *end || !isfinite(v) || v < lo || v > hi)
		perf_usage_error("--%s wants %s in [%g, %g], not '%s'", opt,
				 what, lo, hi, arg);
	return v;
}

static int parse_rate(const struct perf_option *o, const char *arg)
{
	if (!strcmp(arg, "max"))
		wire_opts.rate_pps = 0;
	else
		wire_opts.rate_pps = parse_number("rate", arg, 1, 1e9, true,
					"packets per second (k/M/G suffix or 'max')");
	return 0;
}

static double max_gen_threads(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);

	return ncpu < WIRE_MAX_THREADS ? ncpu : WIRE_MAX_THREADS;
}

static int parse_latency_at(const struct perf_option *o, const char *arg)
{
	char *copy = strdup(arg), *save = NULL, *tok;
	int n = 0;

	if (!copy)
		perf_usage_error("out of memory");
	for (tok = strtok_r(copy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (n == WIRE_MAX_LATENCY_AT)
			perf_usage_error("--latency-at takes at most %d loads",
					 WIRE_MAX_LATENCY_AT);
		wire_opts.latency_at[n++] = parse_number("latency-at", tok, 1,
				100, false, "percents of the zero-loss rate (e.g. 10,50,90)") / 100;
	}
	free(copy);
	if (!n)
		perf_usage_error("--latency-at wants a comma list of percents, e.g. 10,50,90");
	wire_opts.nr_latency_at = n;
	return 0;
}

static void parse_ifname(const char *opt, const char *name, char *dst)
{
	if (!*name || strlen(name) >= IFNAMSIZ)
		perf_usage_error("--%s: '%s' is not an interface name", opt,
				 name);
	if (!if_nametoindex(name))
		perf_usage_error("--%s: no interface '%s' here (see ip link)",
				 opt, name);
	snprintf(dst, IFNAMSIZ, "%s", name);
	ifcheck_host_dev(opt, dst);	/* its last value, after --force-dev */
}

static int parse_offload_dev(const struct perf_option *o, const char *arg)
{
	parse_ifname("offload-dev", arg, wire_opts.offload_dev);
	return 0;
}

static int parse_dut_dev(const struct perf_option *o, const char *arg)
{
	char in[64], out[64];
	const char *comma = strchr(arg, ',');

	if (!comma || comma - arg >= (long)sizeof(in) ||
	    strlen(comma + 1) >= sizeof(out) || strchr(comma + 1, ','))
		perf_usage_error("--dut-dev wants IN,OUT (two interface names), not '%s'",
				 arg);
	snprintf(in, sizeof(in), "%.*s", (int)(comma - arg), arg);
	snprintf(out, sizeof(out), "%s", comma + 1);
	if (!strcmp(in, out))
		perf_usage_error("--dut-dev: IN and OUT must be two interfaces, got '%s' twice",
				 in);
	parse_ifname("dut-dev", in, wire_opts.dut_in);
	parse_ifname("dut-dev", out, wire_opts.dut_out);
	return 0;
}

static int parse_layout(const struct perf_option *o, const char *arg)
{
	if (!strcmp(arg, "shared"))
		wire_opts.layout = WIRE_LAYOUT_SHARED;
	else if (!strcmp(arg, "isolated"))
		wire_opts.layout = WIRE_LAYOUT_ISOLATED;
	else
		perf_usage_error("--wire-layout wants 'shared' or 'isolated', not '%s'",
				 arg);
	return 0;
}

static int parse_sender(const struct perf_option *o, const char *arg)
{
	if (!strcmp(arg, "auto"))
		wire_opts.sender = WIRE_SENDER_AUTO;
	else if (!strcmp(arg, "live"))
		wire_opts.sender = WIRE_SENDER_LIVE;
	else if (!strcmp(arg, "af_packet"))
		wire_opts.sender = WIRE_SENDER_AF_PACKET;
	else
		perf_usage_error("--wire-sender wants 'auto', 'live' or 'af_packet', not '%s'",
				 arg);
	return 0;
}

/*
 * 30 repetitions of every (mode, size) point must fit the 30 minute
 * budget of the whole evaluation: a quarter of a second at ~6 Mpps is
 * still 1.5 million frames per full-load trial.
 */
PERF_OPTION(wire_rate, .name = "rate", .arg = "PPS", .group = PERF_GRP_WIRE,
	    .type = PERF_OPT_CUSTOM, .parse = parse_rate, .def = "max",
	    .help = "offered load cap, packets/s, k/M/G suffix or max");
PERF_OPTION(wire_duration, .name = "duration", .arg = "SEC",
	    .group = PERF_GRP_WIRE, .type = PERF_OPT_DOUBLE,
	    .dest = &wire_opts.duration_ms, .scale = 1e3,
	    .given = &wire_opts.duration_set, .min = 0.01, .max = 3600,
	    .def = "0.25", .quick_def = "0.2",
	    .help = "length of full-load trials and --dut-dev windows, seconds");
PERF_OPTION(wire_trial_ms, .name = "trial-ms", .arg = "MS",
	    .group = PERF_GRP_WIRE, .type = PERF_OPT_DOUBLE,
	    .dest = &wire_opts.trial_ms, .min = 10, .max = 3600e3,
	    .def = "200", .quick_def = "100",
	    .help = "length of search, confirmation and load trials");
PERF_OPTION(wire_gen_threads, .name = "gen-threads", .arg = "N",
	    .group = PERF_GRP_WIRE, .type = PERF_OPT_INT,
	    .dest = &wire_opts.gen_threads, .min = 1,
	    .max_of = max_gen_threads, .def = "1",
	    .help = "generator threads, one per online CPU at most");
PERF_OPTION(wire_gen_batch, .name = "gen-batch", .arg = "N",
	    .group = PERF_GRP_WIRE, .type = PERF_OPT_INT,
	    .dest = &wire_opts.gen_batch, .min = 1, .max = 256, .def = "64",
	    .help = "live frames per batch at most");
PERF_OPTION(wire_loss, .name = "loss-tolerance", .arg = "PCT",
	    .group = PERF_GRP_WIRE, .type = PERF_OPT_DOUBLE,
	    .dest = &wire_opts.loss_tolerance, .scale = 0.01,
	    .min = 0, .max = 50, .def = "0",
	    .help = "loss accepted as zero loss by the search, percent");
PERF_OPTION(wire_latency_at, .name = "latency-at", .arg = "LIST",
	    .group = PERF_GRP_WIRE, .type = PERF_OPT_CUSTOM,
	    .parse = parse_latency_at, .def = "10,50,90",
	    .help = "load trials (latency, DUT CPU) at these percents of the zero-loss rate, 1 to 100, at most " WIRE_STR(WIRE_MAX_LATENCY_AT));
PERF_OPTION(wire_layout, .name = "wire-layout", .arg = "L",
	    .group = PERF_GRP_WIRE, .type = PERF_OPT_CUSTOM,
	    .parse = parse_layout, .def = "isolated",
	    .help = "isolated: the DUT on a CPU of its own (shared when no CPU is left for it); shared: everything on one CPU");
PERF_OPTION(wire_sender, .name = "wire-sender", .arg = "S",
	    .group = PERF_GRP_WIRE, .type = PERF_OPT_CUSTOM,
	    .parse = parse_sender, .def = "auto",
	    .help = "auto: live frames when the kernel allows them, else AF_PACKET; live or af_packet: that sender, or skip");
PERF_OPTION(wire_offload_dev, .name = "offload-dev", .arg = "IFNAME",
	    .group = PERF_GRP_WIRE, .type = PERF_OPT_CUSTOM,
	    .parse = parse_offload_dev,
	    .help = "offload-capable NIC for the offload mode");
PERF_OPTION(wire_dut_dev, .name = "dut-dev", .arg = "IN,OUT",
	    .group = PERF_GRP_WIRE, .type = PERF_OPT_CUSTOM,
	    .parse = parse_dut_dev,
	    .help = "run the DUT on these host NICs, with an external generator");

int wire_reps(void)
{
	if (env.quick && env.reps > QUICK_MAX_REPS)
		return QUICK_MAX_REPS;
	return env.reps < WIRE_MAX_REPS ? env.reps : WIRE_MAX_REPS;
}

/*
 * A veth wire moves frames by pointer: the size hardly matters, and every
 * size costs a full set of searches. The smallest, middle and largest of
 * --sizes (quick: the smallest and largest).
 */
int wire_sizes(int *sizes, int max)
{
	int keep = env.quick ? 2 : 3, n = 0, i;

	if (env.nr_sizes <= keep || max < keep) {
		for (i = 0; i < env.nr_sizes && n < max; i++)
			sizes[n++] = env.sizes[i];
		return n;
	}
	sizes[n++] = env.sizes[0];
	if (keep == 3)
		sizes[n++] = env.sizes[env.nr_sizes / 2];
	sizes[n++] = env.sizes[env.nr_sizes - 1];
	return n;
}

double wire_gbps(double pps, unsigned int frame_size)
{
	return pps * frame_size * 8 / 1e9;
}
