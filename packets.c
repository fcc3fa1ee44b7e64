// SPDX-License-Identifier: GPL-2.0
/*
 * IPv4/UDP test frames, addresses and the command-line forms of both.
 *
 * Headers are the kernel's structs, filled on the stack in network order
 * and copied into the frame: the buffer needs no alignment.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/udp.h>

#include "packets.h"

#define VLAN_ID_MAX	4094		/* 4095 is reserved by 802.1Q */
#define IP_DF		0x4000		/* don't fragment */

/* 802.1Q tag after the MAC addresses (the kernel's struct vlan_hdr). */
struct pkt_vlan_hdr {
	__be16 tci;			/* PCP, DEI, VLAN ID */
	__be16 encap_proto;		/* what follows: ETH_P_IP */
};

/* What the UDP checksum covers before the UDP header (RFC 768). */
struct pkt_pseudo_hdr {
	__be32 saddr, daddr;
	__u8 zero, protocol;
	__be16 len;
};

/* State for seed 0 (and for the one seed the mixer maps to 0). */
#define RNG_ZERO_STATE	0x9e3779b97f4a7c15ULL

/*
 * The seed goes through splitmix64's finalizer first: xorshift64* started
 * from small neighbouring seeds (1, 2, 3) would otherwise give visibly
 * related first outputs. The finalizer is a bijection, so distinct seeds
 * still give distinct streams.
 */
void pkt_rng_seed(struct pkt_rng *rng, __u64 seed)
{
	__u64 z = seed + 0x9e3779b97f4a7c15ULL;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	z ^= z >> 31;
	/* xorshift never leaves the all-zero state */
	rng->state = z ? z : RNG_ZERO_STATE;
}

/* xorshift64* (Vigna 2014): the high half of the product is the output. */
__u32 pkt_rng_next(struct pkt_rng *rng)
{
	__u64 x = rng->state;

	if (!x)
		x = RNG_ZERO_STATE;
	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	rng->state = x;
	return (x * 0x2545f4914f6cdd1dULL) >> 32;
}

void pkt_spec_init(struct pkt_spec *spec, unsigned int frame_size)
{
	static const unsigned char src_mac[6] = { 0x02, 0, 0, 0, 0, 0x01 };
	static const unsigned char dst_mac[6] = { 0x02, 0, 0, 0, 0, 0x02 };

	memset(spec, 0, sizeof(*spec));
	spec->frame_size = frame_size;
	spec->src.addr = 0xc6120000;	/* 198.18.0.0/16 */
	spec->src.len = 16;
	spec->dst.addr = 0xc6130000;	/* 198.19.0.0/16 */
	spec->dst.len = 16;
	spec->sport = 9;		/* discard */
	spec->dport = 9;
	spec->ttl = 64;
	spec->vlan_id = 0;
	memcpy(spec->src_mac, src_mac, sizeof(src_mac));
	memcpy(spec->dst_mac, dst_mac, sizeof(dst_mac));
}

static __u32 prefix_mask(unsigned int len)
{
	return len ? ~(__u32)0 << (32 - len) : 0;
}

static bool prefix_valid(const struct pkt_prefix *prefix)
{
	return prefix->len <= 32 && !(prefix->addr & ~prefix_mask(prefix->len));
}

bool pkt_prefix_contains(const struct pkt_prefix *prefix, __u32 addr)
{
	if (!prefix || prefix->len > 32)
		return false;
	return !((addr ^ prefix->addr) & prefix_mask(prefix->len));
}

/* Uniform over the prefix: the host bits of one 32-bit draw. */
static __u32 prefix_draw(const struct pkt_prefix *prefix, struct pkt_rng *rng)
{
	return prefix->addr | (pkt_rng_next(rng) & ~prefix_mask(prefix->len));
}

/* One's complement sum of big-endian 16-bit words, not yet folded. */
static __u64 csum_add(__u64 sum, const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (__u32)p[i] << 8 | p[i + 1];
	/* an odd last byte is the high half of a word padded with zero */
	if (len & 1)
		sum += (__u32)p[len - 1] << 8;
	return sum;
}

static __u16 csum_fold(__u64 sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return ~sum & 0xffff;
}

/*
 * The checksum as a number: store it big-endian (htons) in the header.
 * Over data that includes a correct checksum the result is 0.
 */
__u16 pkt_csum(const void *data, size_t len)
{
	if (!data)
		return 0;
	return csum_fold(csum_add(0, data, len));
}

__u16 pkt_udp4_csum(const struct iphdr *iph, const void *udp, size_t udp_len)
{
	struct pkt_pseudo_hdr pseudo = {
		.saddr = iph->saddr,
		.daddr = iph->daddr,
		.protocol = iph->protocol,
		.len = htons(udp_len),
	};

	return csum_fold(csum_add(csum_add(0, (const void *)&pseudo,
					   sizeof(pseudo)), udp, udp_len));
}

static bool spec_valid(const struct pkt_spec *spec)
{
	return spec->frame_size >= PKT_MIN_FRAME &&
	       spec->frame_size <= PKT_MAX_FRAME &&
	       spec->vlan_id <= VLAN_ID_MAX &&
	       prefix_valid(&spec->src) && prefix_valid(&spec->dst);
}

/*
 * Layout: Ethernet [802.1Q tag] IPv4 UDP payload, filling exactly
 * PKT_BUF_LEN(frame_size) bytes: a tagged frame keeps the requested size and
 * carries 4 B less payload. Draws from rng in this order: source address,
 * destination address, IP id, payload.
 */
int pkt_build_udp4(const struct pkt_spec *spec, struct pkt_rng *rng,
		   void *buf, size_t buf_len)
{
	struct pkt_vlan_hdr vlan = {};
	struct ethhdr eth = {};
	struct udphdr udp = {};
	struct iphdr iph = {};
	unsigned char *p = buf, *payload;
	size_t len, l2_len, ip_len, udp_len, i;
	__u32 word = 0;
	__u16 csum;

	if (!spec || !rng || !buf || !spec_valid(spec))
		return -EINVAL;
	len = PKT_BUF_LEN(spec->frame_size);
	if (buf_len < len)
		return -EINVAL;
	l2_len = sizeof(eth) + (spec->vlan_id ? sizeof(vlan) : 0);
	ip_len = len - l2_len;
	udp_len = ip_len - sizeof(iph);

	memcpy(eth.h_dest, spec->dst_mac, ETH_ALEN);
	memcpy(eth.h_source, spec->src_mac, ETH_ALEN);
	eth.h_proto = htons(spec->vlan_id ? ETH_P_8021Q : ETH_P_IP);
	memcpy(p, &eth, sizeof(eth));
	if (spec->vlan_id) {
		vlan.tci = htons(spec->vlan_id);	/* PCP 0, DEI 0 */
		vlan.encap_proto = htons(ETH_P_IP);
		memcpy(p + sizeof(eth), &vlan, sizeof(vlan));
	}

	iph.version = 4;
	iph.ihl = sizeof(iph) / 4;
	iph.tot_len = htons(ip_len);
	iph.saddr = htonl(prefix_draw(&spec->src, rng));
	iph.daddr = htonl(prefix_draw(&spec->dst, rng));
	iph.id = htons(pkt_rng_next(rng) & 0xffff);
	iph.frag_off = htons(IP_DF);
	iph.ttl = spec->ttl;
	iph.protocol = IPPROTO_UDP;
	iph.check = htons(pkt_csum(&iph, sizeof(iph)));
	memcpy(p + l2_len, &iph, sizeof(iph));

	/* byte by byte: the same payload for a seed on any host */
	payload = p + l2_len + sizeof(iph) + sizeof(udp);
	for (i = 0; i < udp_len - sizeof(udp); i++) {
		if (!(i & 3))
			word = pkt_rng_next(rng);
		payload[i] = word >> (8 * (i & 3));
	}
	udp.source = htons(spec->sport);
	udp.dest = htons(spec->dport);
	udp.len = htons(udp_len);
	memcpy(payload - sizeof(udp), &udp, sizeof(udp));
	csum = pkt_udp4_csum(&iph, payload - sizeof(udp), udp_len);
	/* 0 means "no checksum" in UDP over IPv4: send its other form */
	udp.check = htons(csum ?: 0xffff);
	memcpy(payload - sizeof(udp), &udp, sizeof(udp));
	return len;
}

/* Decimal number of 1..max_digits digits, no sign, no leading zero. */
static const char *parse_uint(const char *s, unsigned int max_digits,
			      unsigned long *val)
{
	unsigned int n = 0;

	*val = 0;
	while (s[n] >= '0' && s[n] <= '9') {
		if (n == max_digits)
			return NULL;
		*val = *val * 10 + (s[n] - '0');
		n++;
	}
	if (!n || (n > 1 && s[0] == '0'))
		return NULL;
	return s + n;
}

/*
 * Strict dotted quad with an optional "/len": no spaces, no signs, no
 * leading zeros (inet_aton would read "010" as octal 8), nothing after it.
 */
int pkt_parse_prefix(const char *str, struct pkt_prefix *prefix)
{
	unsigned long octet, len = 32;
	__u32 addr = 0;
	const char *s = str;
	int i;

	if (!str || !prefix)
		return -EINVAL;
	for (i = 0; i < 4; i++) {
		if (i && *s++ != '.')
			return -EINVAL;
		s = parse_uint(s, 3, &octet);
		if (!s || octet > 255)
			return -EINVAL;
		addr = addr << 8 | octet;
	}
	if (*s == '/') {
		s = parse_uint(s + 1, 2, &len);
		if (!s || len > 32)
			return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	if (addr & ~prefix_mask(len))
		return -EINVAL;
	prefix->addr = addr;
	prefix->len = len;
	return 0;
}

/*
 * Comma-separated frame sizes. On error *nr and the caller's idea of the
 * list are left alone (sizes[] may have been written).
 */
int pkt_parse_sizes(const char *str, int *sizes, int max, int *nr)
{
	unsigned long size;
	const char *s = str;
	int n = 0, i;

	if (!str || !sizes || !nr || max < 1)
		return -EINVAL;
	for (;;) {
		s = parse_uint(s, 4, &size);
		if (!s || size < PKT_MIN_FRAME || size > PKT_MAX_FRAME)
			return -EINVAL;
		if (n == max)
			return -EINVAL;
		for (i = 0; i < n; i++)
			if (sizes[i] == (int)size)
				return -EINVAL;
		sizes[n++] = size;
		if (!*s)
			break;
		if (*s++ != ',')
			return -EINVAL;
	}
	*nr = n;
	return 0;
}
