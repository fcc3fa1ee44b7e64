// SPDX-License-Identifier: GPL-2.0
/*
 * Functional checks on the wire: a trial far below what the DUT attached
 * can forward (the rate derives from the program's own cost), and a
 * verdict that accounts for every frame by cause. A check on a shared VM
 * must not fail for what the host does: a loss fails it only when it is
 * the program's doing (frames passed, aborted, a failed redirect) or the
 * suite's (frames unaccounted, foreign frames, a rate the DUT could not
 * take); frames lost at a full ring while the DUT had time to spare are
 * a stall of its vCPU, logged with the counter, and the trial repeated.
 */
#include "test_perf.h"
#include "wire_priv.h"

/* Far below what any veth path forwards with a cheap program. */
#define CHECK_MAX_PPS		20000.0
/* ... and at most this share of what the DUT attached can forward. */
#define CHECK_LOAD		0.1
/* This many frames, in at least 100 ms and at most 2 s. */
#define CHECK_FRAMES		2000
#define CHECK_MIN_MS		100.0
#define CHECK_MAX_MS		2000.0
#define CHECK_TRIES		3
/*
 * Ring loss with the DUT busier than this is the DUT's limit, i.e. the
 * check offered more than the program takes: the suite's doing.
 */
#define CHECK_BUSY_MAX		0.9

void wire_check_defaults(const struct wire *w, struct wire_trial_cfg *cfg,
			 unsigned int frame_size)
{
	double cap = wire_dut_capacity(w), rate = CHECK_MAX_PPS, ms;

	if (cap > 0 && CHECK_LOAD * cap < rate)
		rate = CHECK_LOAD * cap;
	ms = 1e3 * CHECK_FRAMES / rate;
	ms = ms < CHECK_MIN_MS ? CHECK_MIN_MS : ms > CHECK_MAX_MS ?
	     CHECK_MAX_MS : ms;
	wire_trial_defaults(cfg, frame_size, rate, ms);
}

static const char *const dev_names[WIRE_DEV_MAX] = {
	[WIRE_DEV_GEN] = "the generator's veth",
	[WIRE_DEV_DUT_A] = "DUT port A",
	[WIRE_DEV_DUT_B] = "DUT port B",
	[WIRE_DEV_SINK] = "the sink's veth",
};

static size_t add(char *buf, size_t len, size_t used, const char *what,
		  __u64 n, int dev)
{
	if (!n || used >= len)
		return used;
	return used + snprintf(buf + used, len - used, "%s%llu %s %s",
			       used ? ", " : "", (unsigned long long)n, what,
			       dev_names[dev]);
}

/* "12 refused by ndo_xdp_xmit of DUT port A, ..." for every ring drop. */
static void ring_drops_str(const struct wire_trial_result *r, char *buf,
			   size_t len)
{
	size_t used = 0;
	int i;

	buf[0] = '\0';
	for (i = 0; i < WIRE_DEV_MAX; i++) {
		used = add(buf, len, used,
			   "refused by ndo_xdp_xmit (ring full) into",
			   r->drop_xmit_dev[i], i);
		used = add(buf, len, used,
			   "dropped sending an skb (peer ring full, tx_dropped) by",
			   r->drop_skb_dev[i], i);
		used = add(buf, len, used, "dropped on receive (rx drops) by",
			   r->drop_rx_dev[i], i);
	}
}

/* Share of its CPU the DUT used: measured, or what its cost implies. */
static double dut_busy(const struct wire *w, const struct wire_trial_result *r)
{
	double cap = wire_dut_capacity(w);

	if (r->have_dut_cpu)
		return r->dut_cpu_share;
	return cap > 0 ? r->offered_pps / cap : 0;
}

static int fwd_reason_passed(const struct wire_trial_result *r)
{
	int i;

	for (i = 0; i < FWD_REASON_MAX; i++)
		if (!fwd_reason_forwards(i) && r->dut_reason[i])
			return i;
	return -1;
}

/* The program's or the suite's doing, regardless of any loss. */
static bool fault(const struct wire_trial_result *r, char *why, size_t len)
{
	if (!r->sent)
		return perf_msg(why, len, "the generator sent nothing"), true;
	if (r->unaccounted)
		return perf_msg(why, len, "%lld frames unaccounted (sent %llu - received %llu - passed %llu - kernel drops %llu): the suite lost count",
				(long long)r->unaccounted,
				(unsigned long long)r->sent,
				(unsigned long long)r->received,
				(unsigned long long)r->dut_passed,
				(unsigned long long)r->kernel_drops), true;
	if (r->dut_passed)
		return perf_msg(why, len, "the program passed %llu frames to the DUT's stack (fwd_stats reason %d): the program's doing",
				(unsigned long long)r->dut_passed,
				fwd_reason_passed(r)), true;
	if (r->drop_exception)
		return perf_msg(why, len, "%llu frames aborted or with an invalid verdict (xdp:xdp_exception): the program's doing",
				(unsigned long long)r->drop_exception), true;
	if (r->drop_redirect)
		return perf_msg(why, len, "%llu redirects failed (xdp:xdp_redirect_err): the program's or the suite's (devmap) doing",
				(unsigned long long)r->drop_redirect), true;
	if (r->foreign || r->bad_stream || r->clock_neg)
		return perf_msg(why, len, "at the sink %llu foreign frames, %llu of unknown streams, %llu stamped in the future: the suite's doing",
				(unsigned long long)r->foreign,
				(unsigned long long)r->bad_stream,
				(unsigned long long)r->clock_neg), true;
	return false;
}

enum wire_verdict wire_trial_verdict(const struct wire *w,
				     const struct wire_trial_result *r,
				     char *why, size_t len)
{
	__u64 lost = r->sent > r->received ? r->sent - r->received : 0;
	double busy = dut_busy(w, r);
	char drops[384];

	why[0] = '\0';
	if (fault(r, why, len))
		return WIRE_FAULT;
	if (!lost)
		return WIRE_CLEAN;
	/* accounted, nothing the program did: every lost frame at a ring */
	ring_drops_str(r, drops, sizeof(drops));
	if (busy >= CHECK_BUSY_MAX) {
		perf_msg(why, len, "%llu of %llu frames lost (%s) at %.0f frames/s with the DUT %.0f%% busy: more than the program takes, the suite's rate",
			 (unsigned long long)lost, (unsigned long long)r->sent,
			 drops, r->offered_pps, 100 * busy);
		return WIRE_FAULT;
	}
	perf_msg(why, len, "%llu of %llu frames lost (%s) with the DUT %.0f%% busy: a stall of the host, not the program",
		 (unsigned long long)lost, (unsigned long long)r->sent, drops,
		 100 * busy);
	return WIRE_HOST_LOSS;
}

int wire_check(struct wire *w, const struct wire_trial_cfg *cfg,
	       struct wire_check_result *c)
{
	char what[64];
	int err;

	memset(c, 0, sizeof(*c));
	snprintf(what, sizeof(what), "check %.0f frames/s", cfg->rate_pps);
	while (c->trials < CHECK_TRIES) {
		err = wire_trial(w, cfg, &c->r);
		if (err)
			return err;
		c->trials++;
		c->dut_seen += c->r.dut_seen;
		wire_trial_log(what, &c->r);
		c->verdict = wire_trial_verdict(w, &c->r, c->why,
						sizeof(c->why));
		if (c->verdict != WIRE_HOST_LOSS)
			break;
		test__info("wire %s: %s%s", what, c->why,
			   c->trials < CHECK_TRIES ? ": trial repeated" : "");
	}
	return 0;
}
