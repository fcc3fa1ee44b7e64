/* SPDX-License-Identifier: GPL-2.0 */
/*
 * IPv4/UDP test frames.
 *
 * Size convention, used everywhere in xdp-perf: a "frame size" is the
 * Ethernet frame on the wire including the 4 B FCS and excluding preamble
 * and inter-frame gap, as in RFC 2544. The program sees frame size - 4 B:
 * a 64 B frame is a 60 B buffer.
 */
#ifndef __PACKETS_H
#define __PACKETS_H

#include <stdbool.h>
#include <stddef.h>
#include <linux/types.h>

#define PKT_FCS_LEN		4
#define PKT_MIN_FRAME		64
#define PKT_MAX_FRAME		1518
#define PKT_BUF_LEN(frame)	((frame) - PKT_FCS_LEN)
/* 14 B Ethernet + 20 B IPv4 + 8 B UDP */
#define PKT_HDRS_LEN		42

struct pkt_prefix {
	__u32 addr;		/* host byte order, host bits zero */
	__u8 len;		/* 0..32 */
};

struct pkt_spec {
	unsigned int frame_size;	/* PKT_MIN_FRAME..PKT_MAX_FRAME */
	struct pkt_prefix src;		/* addresses drawn from these */
	struct pkt_prefix dst;
	__u16 sport, dport;		/* host byte order */
	__u8 ttl;
	__u16 vlan_id;			/* 0: untagged; else one 802.1Q tag */
	unsigned char src_mac[6];
	unsigned char dst_mac[6];
};

/* Reproducible pseudo-random stream (xorshift64*), seeded by the user. */
struct pkt_rng {
	__u64 state;
};

void pkt_rng_seed(struct pkt_rng *rng, __u64 seed);
__u32 pkt_rng_next(struct pkt_rng *rng);

/* Defaults: 198.18.0.0/16 -> 198.19.0.0/16, UDP 9 -> 9, TTL 64. */
void pkt_spec_init(struct pkt_spec *spec, unsigned int frame_size);

/*
 * Build one frame into buf (at least PKT_BUF_LEN(frame_size) bytes) with
 * addresses drawn from the prefixes, a payload pattern from rng and valid
 * IPv4 and UDP checksums. Returns the buffer length or -EINVAL.
 */
int pkt_build_udp4(const struct pkt_spec *spec, struct pkt_rng *rng,
		   void *buf, size_t buf_len);

/* Internet checksum (RFC 1071) of len bytes; 0 over a valid header. */
__u16 pkt_csum(const void *data, size_t len);
struct iphdr;
/*
 * UDP checksum over the IPv4 pseudo-header of iph (an aligned copy of the
 * header) and udp_len bytes of UDP header + payload; as pkt_csum(): 0 over
 * a datagram whose checksum is right. Store 0 as 0xffff (RFC 768).
 */
__u16 pkt_udp4_csum(const struct iphdr *iph, const void *udp, size_t udp_len);

/* "198.18.0.0/15" -> prefix; -EINVAL on anything else (host bits set too). */
int pkt_parse_prefix(const char *str, struct pkt_prefix *prefix);
bool pkt_prefix_contains(const struct pkt_prefix *prefix, __u32 addr);

/* "64,128,1500" -> sizes; -EINVAL on a bad or out-of-range entry. */
int pkt_parse_sizes(const char *str, int *sizes, int max, int *nr);

#endif /* __PACKETS_H */
