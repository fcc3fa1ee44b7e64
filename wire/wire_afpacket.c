// SPDX-License-Identifier: GPL-2.0
/*
 * The AF_PACKET sender: the wire's generator where the kernel refuses
 * BPF_PROG_RUN with BPF_F_TEST_XDP_LIVE_FRAMES (docs/wire.md, "Generator").
 *
 * One packet socket per generator thread, made inside the generator's
 * namespace and bound to its veth, with PACKET_QDISC_BYPASS (veth has no
 * qdisc anyway: a frame goes straight to veth_xmit(), into DUT port A's
 * ring). Each thread, pinned like the XDP generator's threads, makes the
 * frames progs/xdp_trafficgen.bpf.c makes: the same addresses
 * (wire_gen_rnd() of sequence number, stream and seed), valid checksums
 * (IPv4 recomputed, UDP updated incrementally), the same payload (a
 * CLOCK_MONOTONIC stamp, the clock of bpf_ktime_get_ns(), on 1 frame in
 * WIRE_STAMP_EVERY; the sequence number; the generator CPU as the stream),
 * paced frame by frame on the same schedule, handed to the kernel with
 * sendmmsg() in the same batches.
 *
 * What differs: every frame is an skb the kernel allocates and copies, so
 * the sender's ceiling is lower than the live loop's (xdp_modes/generator
 * measures it); a frame enters port A's ring as soon as sendmmsg() reaches
 * it, not at the end of its batch; and a native DUT program receives an
 * skb, which veth first copies into a page with XDP headroom.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <sys/socket.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include "test_perf.h"
#include "util.h"
#include "wire_priv.h"

/*
 * The socket never waits for send buffer space: a frame port A's ring has
 * no room for is dropped and counted by veth, as a live frame would be,
 * instead of holding the sender back. The ring holds 256 skbs of < 4 KiB.
 */
#define AFP_SNDBUF		(16 << 20)
/* Waits longer than this sleep; shorter ones spin on the clock. */
#define AFP_SPIN_NS		50000.0

#define AFP_IP_OFF		sizeof(struct ethhdr)
#define AFP_UDP_OFF		(AFP_IP_OFF + sizeof(struct iphdr))
#define AFP_UDP_CHECK_OFF	(AFP_UDP_OFF + offsetof(struct udphdr, check))

static __u64 afp_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* ---- sockets ---- */

static int afp_socket(int ifindex)
{
	struct sockaddr_ll sll = {
		.sll_family = AF_PACKET,
		.sll_ifindex = ifindex,
	};
	int fd, one = 1, sndbuf = AFP_SNDBUF, err;

	/* protocol 0: the socket receives nothing, it only sends */
	fd = socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sll, sizeof(sll)) ||
	    setsockopt(fd, SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) ||
	    (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sndbuf, sizeof(sndbuf)) &&
	     setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof(sndbuf)))) {
		err = -errno;
		close(fd);
		return err;
	}
	return fd;
}

static int afp_sockets(struct wire *w)
{
	int saved = -1, err, fd, i;

	err = netns_enter(w->topo.ns[WIRE_NS_GEN], &saved);
	if (err)
		return err;
	for (i = 0; i < w->nr_gen_cpus && !err; i++) {
		fd = afp_socket(w->topo.ifindex[WIRE_DEV_GEN]);
		if (fd < 0)
			err = fd;
		else
			w->afp_fd[w->nr_afp_fd++] = fd;
	}
	netns_leave(saved);
	return err;
}

int wire_afp_open(struct wire *w, char *why, size_t len)
{
	__u8 pkt[PKT_BUF_LEN(PKT_MAX_FRAME)];
	int err;
	__u32 n;

	err = afp_sockets(w);
	if (err)
		return perf_msg(why, len, "packet socket on %s: %s",
				w->topo.ifname[WIRE_DEV_GEN], strerror(-err)), err;
	/*
	 * veth hands a sender's skb to the peer's NAPI (the DUT's CPU) only
	 * when the sender has no TSO; with it the frame would be received
	 * by netif_rx() on the generator's CPU. A native program on port A
	 * takes TSO away too, a generic one does not.
	 */
	err = netns_set_tso(w->topo.ns[WIRE_NS_GEN],
			    w->topo.ifname[WIRE_DEV_GEN], false);
	if (err)
		return perf_msg(why, len, "cannot switch TSO off on %s: %s",
				w->topo.ifname[WIRE_DEV_GEN], strerror(-err)),
		       err;
	err = wire_traffic_frame(w, PKT_MIN_FRAME, pkt, &n);
	if (err)
		return perf_msg(why, len, "cannot build a frame"), err;
	if (send(w->afp_fd[0], pkt, n, 0) != (ssize_t)n)
		return perf_msg(why, len, "send on %s: %s",
				w->topo.ifname[WIRE_DEV_GEN], strerror(errno)),
		       -errno;
	return 0;
}

void wire_afp_close(struct wire *w)
{
	int i;

	for (i = 0; i < w->nr_afp_fd; i++)
		close(w->afp_fd[i]);
	w->nr_afp_fd = 0;
}

/* ---- frames ---- */

/* Ones' complement sum of the 16-bit words changing from old to new. */
static __u32 csum_replace(__u32 sum, const void *old, const void *new,
			  size_t len)
{
	__u16 o, n;
	size_t i;

	for (i = 0; i + 1 < len; i += 2) {
		memcpy(&o, (const __u8 *)old + i, 2);
		memcpy(&n, (const __u8 *)new + i, 2);
		sum += (__u16)~o + n;	/* RFC 1624 eqn. 3 */
	}
	return sum;
}

static __u16 csum_fold32(__u32 sum)
{
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	return (__u16)sum;
}

/*
 * Frame f (a copy of the template, rewritten in place every time) as
 * xdp_trafficgen makes its frame seq of stream: addresses, payload, IPv4
 * checksum, UDP checksum updated for the words that changed. MACs and TTL
 * are the template's: nobody else writes this buffer.
 */
static void afp_frame(__u8 *f, const struct wire_gen_cfg *cfg, __u64 seq,
		      __u16 stream, __u64 ts)
{
	__u64 rnd = wire_gen_rnd(seq, stream, cfg->seed);
	struct wire_payload old, pl = {
		.ts_ns = ts, .seq = (__u32)seq, .stream = stream,
		.magic = WIRE_MAGIC,
	};
	struct iphdr ip;
	__u32 saddr, daddr, sum;
	__u16 check;

	saddr = htonl(cfg->src_addr | ((__u32)rnd & cfg->src_host_mask));
	daddr = htonl(cfg->dst_addr | ((__u32)(rnd >> 32) &
				       cfg->dst_host_mask));
	/* headers at their frame offsets are not aligned: copies */
	memcpy(&ip, f + AFP_IP_OFF, sizeof(ip));
	memcpy(&old, f + WIRE_PAYLOAD_OFF, sizeof(old));
	memcpy(&check, f + AFP_UDP_CHECK_OFF, sizeof(check));
	if (check) {
		sum = (__u16)~check;
		sum = csum_replace(sum, &ip.saddr, &saddr, sizeof(saddr));
		sum = csum_replace(sum, &ip.daddr, &daddr, sizeof(daddr));
		sum = csum_replace(sum, &old, &pl, sizeof(pl));
		check = ~csum_fold32(sum) ?: 0xffff;	/* 0: "none" */
		memcpy(f + AFP_UDP_CHECK_OFF, &check, sizeof(check));
	}
	memcpy(f + WIRE_PAYLOAD_OFF, &pl, sizeof(pl));
	ip.saddr = saddr;
	ip.daddr = daddr;
	ip.check = 0;
	ip.check = htons(pkt_csum(&ip, sizeof(ip)));
	memcpy(f + AFP_IP_OFF, &ip, sizeof(ip));
}

/* ---- the sender ---- */

/* A batch of frames and the messages sendmmsg() sends them with. */
struct afp_batch {
	unsigned int n;
	__u8 *bufs;
	struct iovec *iov;
	struct mmsghdr *msg;
};

static int afp_batch_init(struct afp_batch *b, unsigned int n,
			  const __u8 *pkt, __u32 len)
{
	unsigned int i;

	b->n = n;
	b->bufs = malloc((size_t)n * len);
	b->iov = calloc(n, sizeof(*b->iov));
	b->msg = calloc(n, sizeof(*b->msg));
	if (!b->bufs || !b->iov || !b->msg)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		memcpy(b->bufs + (size_t)i * len, pkt, len);
		b->iov[i].iov_base = b->bufs + (size_t)i * len;
		b->iov[i].iov_len = len;
		b->msg[i].msg_hdr.msg_iov = &b->iov[i];
		b->msg[i].msg_hdr.msg_iovlen = 1;
	}
	return 0;
}

static void afp_batch_free(struct afp_batch *b)
{
	free(b->bufs);
	free(b->iov);
	free(b->msg);
}

/*
 * sendmmsg() frames 0..n-1, counting in *sent what the kernel took. A frame
 * it refuses with ENOBUFS was dropped and counted by the device (veth:
 * port A's ring full, tx_dropped), as a live frame that finds the ring
 * full is: it counts as sent, and the rest go after it. sendmmsg() stops
 * at the refused one without saying why; as the socket never blocks,
 * ENOBUFS is the only refusal a running device gives (another one would
 * show in the trial as frames unaccounted).
 */
static int afp_send(int fd, struct mmsghdr *msg, unsigned int n, __u64 *sent)
{
	unsigned int done = 0;
	int ret;

	while (done < n) {
		ret = sendmmsg(fd, msg + done, n - done, 0);
		if (ret < 0 && errno == EINTR)
			continue;
		if (ret < 0 && errno != ENOBUFS) {
			*sent += done;
			return -errno;
		}
		done += ret > 0 ? ret : 0;
		if (done < n)
			done++;		/* the refused one */
	}
	*sent += n;
	return 0;
}

/* The pacing of xdp_trafficgen's pace(), in ns from the start of the loop. */
struct afp_pace {
	double t0;		/* CLOCK_MONOTONIC at the start, ns */
	double next;		/* when the next frame is due, 0: now */
	double interval, catchup;
	bool sleep;		/* intervals long enough to sleep through */
};

/*
 * Wait until the frame is due (not past end); later than catchup behind,
 * the schedule restarts from now. The clock, or 0 when end came first.
 */
static __u64 afp_pace_wait(struct afp_pace *p, double end)
{
	__u64 now = afp_clock_ns();
	double t = now - p->t0;

	if (!p->next || t > p->next + p->catchup)
		p->next = t;
	while (t < p->next) {
		if (p->t0 + p->next >= end)
			return 0;
		if (p->sleep && p->next - t > AFP_SPIN_NS)
			wire_sleep_until(p->t0 + p->next - AFP_SPIN_NS);
		now = afp_clock_ns();
		t = now - p->t0;
	}
	p->next += p->interval;
	return now;
}

/*
 * One batch made on the schedule: frame by frame, each waiting its turn,
 * a stamp on every stamp_mask + 1-th. Frames made, 0 when the trial ended.
 */
static unsigned int afp_make(struct wire_gen_thread *g, struct afp_batch *b,
			     struct afp_pace *p, double end, __u64 seq)
{
	const struct wire_gen_cfg *cfg = &g->w->gen_cfg;
	unsigned int i;
	__u64 now, ts;

	for (i = 0; i < b->n; i++) {
		now = 0;
		if (p->interval > 0) {
			now = afp_pace_wait(p, end);
			if (!now)
				break;
		}
		if (g->cfg->bare)
			continue;
		ts = 0;
		if (!((seq + i) & cfg->stamp_mask))
			ts = (now ?: afp_clock_ns()) - cfg->ts_offset_ns;
		afp_frame(b->bufs + (size_t)i * g->len, cfg, seq + i, g->cpu,
			  ts);
	}
	return i;
}

void wire_afp_loop(struct wire_gen_thread *g, double end)
{
	struct afp_pace pace = { .t0 = mono_ns() };
	unsigned int n, batch = g->cfg->batch;
	struct afp_batch b = {};
	__u64 seq = 0;

	if (g->rate > 0) {
		batch = wire_pace_batch(g->cfg, g->rate);
		pace.interval = NS_PER_S / g->rate;
		pace.catchup = pace.interval * WIRE_PACE_CATCHUP;
		pace.sleep = g->rate < WIRE_PACE_PROG_PPS;
	}
	g->err = afp_batch_init(&b, batch, g->pkt, g->len);
	while (!g->err && mono_ns() < end && !test__stopping()) {
		n = afp_make(g, &b, &pace, end, seq);
		if (!n)
			break;
		seq += n;
		g->frames += n;
		g->err = afp_send(g->w->afp_fd[g->idx], b.msg, n, &g->sent);
	}
	afp_batch_free(&b);
}
