// SPDX-License-Identifier: GPL-2.0
/*
 * packets.c: frame sizes, header fields, checksums (verified by a checksum
 * routine of this file, not pkt_csum), VLAN tags, addresses drawn from the
 * prefixes and the parsers, fuzzed.
 */
#include "test_perf.h"
#include "packets.h"
#include "util.h"

#define CANARY 0xa5
#define SLACK 64

static __u16 get_be16(const unsigned char *p)
{
	return p[0] << 8 | p[1];
}

static __u32 get_be32(const unsigned char *p)
{
	return (__u32)p[0] << 24 | p[1] << 16 | p[2] << 8 | p[3];
}

/*
 * Reference one's complement sum, done the slow way on purpose: add one
 * 16-bit word at a time and carry around at once (pkt_csum defers the
 * carries into a 64-bit accumulator). Returns the sum, not its complement:
 * 0xffff over data that carries a correct checksum.
 */
static __u16 ref_sum(__u16 sum, const unsigned char *p, size_t len)
{
	__u32 s = sum, word;
	size_t i;

	for (i = 0; i < len; i += 2) {
		word = p[i] << 8;
		if (i + 1 < len)
			word |= p[i + 1];
		s += word;
		if (s > 0xffff)
			s -= 0xffff;
	}
	return s;
}

static __u16 ref_udp_sum(const unsigned char *ip, const unsigned char *udp,
			 size_t udp_len)
{
	unsigned char pseudo[12];

	memcpy(pseudo, ip + 12, 8);	/* saddr, daddr */
	pseudo[8] = 0;
	pseudo[9] = 17;			/* IPPROTO_UDP */
	pseudo[10] = udp_len >> 8;
	pseudo[11] = udp_len;
	return ref_sum(ref_sum(0, pseudo, sizeof(pseudo)), udp, udp_len);
}

static bool all_canary(const unsigned char *p, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++)
		if (p[i] != CANARY)
			return false;
	return true;
}

/* Build into a canary-filled buffer; the bytes after the frame must stay. */
static int build(const struct pkt_spec *spec, struct pkt_rng *rng,
		 unsigned char *buf, size_t buf_size)
{
	int len;

	memset(buf, CANARY, buf_size);
	len = pkt_build_udp4(spec, rng, buf, buf_size);
	if (len > 0 && (size_t)len + SLACK <= buf_size &&
	    !ASSERT_TRUE(all_canary(buf + len, SLACK), "nothing past the frame"))
		return -1;
	return len;
}

/* Headers of one built frame, checked field by field. */
static bool check_frame(const unsigned char *buf, int len,
			const struct pkt_spec *spec)
{
	size_t l2 = spec->vlan_id ? 18 : 14;
	const unsigned char *ip = buf + l2, *udp = ip + 20;
	size_t ip_len = len - l2, udp_len = ip_len - 20;

	if (!ASSERT_EQ(len, (int)PKT_BUF_LEN(spec->frame_size), "length") ||
	    !ASSERT_MEMEQ(buf, spec->dst_mac, 6, "dst mac") ||
	    !ASSERT_MEMEQ(buf + 6, spec->src_mac, 6, "src mac") ||
	    !ASSERT_EQ(get_be16(buf + l2 - 2), 0x0800, "ethertype IPv4") ||
	    !ASSERT_EQ(ip[0], 0x45, "version 4, IHL 5") ||
	    !ASSERT_EQ(get_be16(ip + 2), ip_len, "IP total length") ||
	    !ASSERT_EQ(get_be16(ip + 6), 0x4000, "DF, offset 0") ||
	    !ASSERT_EQ(ip[8], spec->ttl, "TTL") ||
	    !ASSERT_EQ(ip[9], 17, "protocol UDP") ||
	    !ASSERT_EQ(ref_sum(0, ip, 20), 0xffff, "IP header checksum") ||
	    !ASSERT_EQ(get_be16(udp), spec->sport, "UDP source port") ||
	    !ASSERT_EQ(get_be16(udp + 2), spec->dport, "UDP destination port") ||
	    !ASSERT_EQ(get_be16(udp + 4), udp_len, "UDP length") ||
	    !ASSERT_NEQ(get_be16(udp + 6), 0, "UDP checksum present") ||
	    !ASSERT_EQ(ref_udp_sum(ip, udp, udp_len), 0xffff, "UDP checksum"))
		return false;
	return true;
}

static void test_sizes(void)
{
	static const unsigned int bad_sizes[] = { 0, 60, 63, 1519, 1522, 9000 };
	unsigned char buf[PKT_MAX_FRAME + SLACK];
	struct pkt_spec spec;
	struct pkt_rng rng;
	unsigned int size, i;
	int len, vlan;

	pkt_rng_seed(&rng, 1);
	for (vlan = 0; vlan <= 1; vlan++) {
		for (size = PKT_MIN_FRAME; size <= PKT_MAX_FRAME; size++) {
			pkt_spec_init(&spec, size);
			spec.vlan_id = vlan ? 7 : 0;
			len = build(&spec, &rng, buf, sizeof(buf));
			if (!ASSERT_EQ(len, (int)size - PKT_FCS_LEN, "size - FCS") ||
			    !check_frame(buf, len, &spec)) {
				test__log("frame size %u, vlan %d", size, vlan);
				return;
			}
		}
	}

	/* a buffer of exactly the frame is enough, one byte less is not */
	pkt_spec_init(&spec, 64);
	ASSERT_EQ(pkt_build_udp4(&spec, &rng, buf, 60), 60, "exact buffer");
	ASSERT_EQ(pkt_build_udp4(&spec, &rng, buf, 59), -EINVAL, "short buffer");
	pkt_spec_init(&spec, PKT_MAX_FRAME);
	ASSERT_EQ(pkt_build_udp4(&spec, &rng, buf, PKT_BUF_LEN(PKT_MAX_FRAME) - 1),
		  -EINVAL, "short buffer 1518");

	for (i = 0; i < ARRAY_SIZE(bad_sizes); i++) {
		pkt_spec_init(&spec, bad_sizes[i]);
		if (!ASSERT_EQ(pkt_build_udp4(&spec, &rng, buf, sizeof(buf)),
			       -EINVAL, "size out of range"))
			test__log("frame size %u", bad_sizes[i]);
	}

	pkt_spec_init(&spec, 128);
	ASSERT_EQ(pkt_build_udp4(NULL, &rng, buf, sizeof(buf)), -EINVAL,
		  "NULL spec");
	ASSERT_EQ(pkt_build_udp4(&spec, NULL, buf, sizeof(buf)), -EINVAL,
		  "NULL rng");
	ASSERT_EQ(pkt_build_udp4(&spec, &rng, NULL, sizeof(buf)), -EINVAL,
		  "NULL buffer");
	spec.src.len = 33;
	ASSERT_EQ(pkt_build_udp4(&spec, &rng, buf, sizeof(buf)), -EINVAL,
		  "prefix length 33");
	pkt_spec_init(&spec, 128);
	spec.dst.addr |= 1;		/* host bit in a /16 */
	ASSERT_EQ(pkt_build_udp4(&spec, &rng, buf, sizeof(buf)), -EINVAL,
		  "prefix with host bits");
}

static void test_checksums(void)
{
	/*
	 * The IPv4 header of the example in Wikipedia's "Internet checksum"
	 * article: 192.168.0.1 -> 192.168.0.199, checksum 0xb861.
	 */
	static const unsigned char hdr[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
		0xb8, 0x61, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7,
	};
	/* RFC 1071 section 3: these bytes sum to 0xddf2 */
	static const unsigned char rfc1071[] = {
		0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7,
	};
	static const unsigned char odd[] = { 0x01, 0x02, 0x03 };
	unsigned char buf[PKT_MAX_FRAME + SLACK], zeroed[20], rnd[301];
	struct pkt_spec spec;
	struct pkt_rng rng;
	unsigned int size, i, n;
	int len;

	memcpy(zeroed, hdr, sizeof(hdr));
	zeroed[10] = zeroed[11] = 0;
	ASSERT_EQ(pkt_csum(zeroed, sizeof(zeroed)), 0xb861, "known header");
	ASSERT_EQ(pkt_csum(hdr, sizeof(hdr)), 0, "valid header sums to 0");
	ASSERT_EQ(pkt_csum(rfc1071, sizeof(rfc1071)), 0xffff & ~0xddf2,
		  "RFC 1071 example");
	/* odd length: the last byte is padded with a zero byte: 0x0102 + 0x0300 */
	ASSERT_EQ(pkt_csum(odd, sizeof(odd)), 0xffff & ~0x0402, "odd length");
	ASSERT_EQ(pkt_csum(odd, 0), 0xffff, "empty");

	/* pkt_csum agrees with the reference on random data of any length */
	pkt_rng_seed(&rng, 7);
	for (n = 0; n < 2000; n++) {
		size_t l = n % sizeof(rnd);

		for (i = 0; i < l; i++)
			rnd[i] = pkt_rng_next(&rng);
		if (!ASSERT_EQ(pkt_csum(rnd, l), 0xffff & ~ref_sum(0, rnd, l),
			       "pkt_csum vs reference")) {
			test__log("length %zu", l);
			return;
		}
	}

	/* every size (odd UDP lengths included), untagged and tagged */
	for (size = PKT_MIN_FRAME; size <= PKT_MAX_FRAME; size++) {
		pkt_spec_init(&spec, size);
		spec.vlan_id = size & 1 ? 0 : 42;
		len = build(&spec, &rng, buf, sizeof(buf));
		if (!check_frame(buf, len, &spec)) {
			test__log("frame size %u", size);
			return;
		}
	}

	/*
	 * A UDP checksum that computes to 0 goes out as 0xffff (0 would mean
	 * "none"). About one frame in 65536 has it: find one, seed fixed.
	 */
	pkt_spec_init(&spec, 64);
	pkt_rng_seed(&rng, 65536);
	for (n = 0; n < 2000000; n++) {
		if (!ASSERT_EQ(pkt_build_udp4(&spec, &rng, buf, 60), 60, "build"))
			return;
		if (get_be16(buf + 40) == 0xffff)
			break;
	}
	test__info("UDP checksum 0xffff after %u frames", n + 1);
	if (ASSERT_LT(n, 2000000, "frame with UDP checksum 0xffff"))
		ASSERT_TRUE(check_frame(buf, 60, &spec), "0xffff frame valid");

	/* the check can fail: one flipped payload bit breaks the UDP sum */
	pkt_spec_init(&spec, 128);
	len = build(&spec, &rng, buf, sizeof(buf));
	if (!ASSERT_EQ(len, 124, "build 128"))
		return;
	buf[100] ^= 0x10;
	ASSERT_NEQ(ref_udp_sum(buf + 14, buf + 34, len - 34), 0xffff,
		   "corrupted payload detected");
	buf[100] ^= 0x10;
	buf[14 + 8] ^= 1;	/* TTL */
	ASSERT_NEQ(ref_sum(0, buf + 14, 20), 0xffff, "corrupted header detected");
}

static void test_vlan(void)
{
	static const unsigned int sizes[] = { 64, 65, 512, 1518 };
	unsigned char buf[PKT_MAX_FRAME + SLACK], plain[PKT_MAX_FRAME + SLACK];
	struct pkt_spec spec;
	struct pkt_rng rng;
	unsigned int i;
	int len, plain_len;

	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		pkt_spec_init(&spec, sizes[i]);
		pkt_rng_seed(&rng, 3);
		plain_len = build(&spec, &rng, plain, sizeof(plain));

		spec.vlan_id = 100;
		pkt_rng_seed(&rng, 3);
		len = build(&spec, &rng, buf, sizeof(buf));
		if (!ASSERT_EQ(len, (int)sizes[i] - 4, "tagged length") ||
		    !ASSERT_EQ(len, plain_len, "tagged = untagged length") ||
		    !ASSERT_EQ(get_be16(buf + 12), 0x8100, "TPID 802.1Q") ||
		    !ASSERT_EQ(get_be16(buf + 14), 100, "TCI: PCP 0, VID 100") ||
		    !ASSERT_EQ(get_be16(buf + 16), 0x0800, "inner ethertype") ||
		    !ASSERT_EQ(get_be16(buf + 18 + 2), len - 18, "IP length") ||
		    !ASSERT_EQ(get_be16(buf + 38 + 4),
			       get_be16(plain + 34 + 4) - 4,
			       "4 B less UDP payload") ||
		    /* same draws: same addresses as the untagged frame */
		    !ASSERT_MEMEQ(buf + 18 + 12, plain + 14 + 12, 8,
				  "same addresses") ||
		    !check_frame(buf, len, &spec)) {
			test__log("frame size %u", sizes[i]);
			return;
		}
	}

	pkt_spec_init(&spec, 64);
	spec.vlan_id = 4094;
	len = build(&spec, &rng, buf, sizeof(buf));
	ASSERT_EQ(len, 60, "VID 4094");
	ASSERT_EQ(get_be16(buf + 14), 4094, "TCI 4094");
	spec.vlan_id = 4095;	/* reserved */
	ASSERT_EQ(pkt_build_udp4(&spec, &rng, buf, sizeof(buf)), -EINVAL,
		  "VID 4095");
	spec.vlan_id = 5000;
	ASSERT_EQ(pkt_build_udp4(&spec, &rng, buf, sizeof(buf)), -EINVAL,
		  "VID 5000");
}

#define DRAWS 10000

static bool in_prefix(__u32 addr, __u32 net, int len)
{
	__u32 mask = len ? ~0u << (32 - len) : 0;

	return (addr & mask) == net;
}

/* Draw DRAWS frames; every address inside, and the host part covered. */
static void draw_addresses(void)
{
	unsigned char buf[128], seen_dst[256] = {}, seen_src[2] = {};
	unsigned int i, nr_dst = 0;
	struct pkt_spec spec;
	struct pkt_rng rng;
	__u32 saddr, daddr;

	pkt_spec_init(&spec, 128);
	spec.src = (struct pkt_prefix){ 0xc6120000, 15 };	/* 198.18.0.0/15 */
	spec.dst = (struct pkt_prefix){ 0xc613ff00, 24 };	/* 198.19.255.0/24 */
	pkt_rng_seed(&rng, 11);
	for (i = 0; i < DRAWS; i++) {
		if (!ASSERT_EQ(pkt_build_udp4(&spec, &rng, buf, sizeof(buf)),
			       124, "build"))
			return;
		saddr = get_be32(buf + 26);
		daddr = get_be32(buf + 30);
		if (!ASSERT_TRUE(in_prefix(saddr, 0xc6120000, 15), "src inside") ||
		    !ASSERT_TRUE(in_prefix(daddr, 0xc613ff00, 24), "dst inside") ||
		    !ASSERT_TRUE(pkt_prefix_contains(&spec.src, saddr),
				 "pkt_prefix_contains src") ||
		    !ASSERT_TRUE(pkt_prefix_contains(&spec.dst, daddr),
				 "pkt_prefix_contains dst")) {
			test__log("draw %u: %08x -> %08x", i, saddr, daddr);
			return;
		}
		seen_src[(saddr >> 16) & 1] = 1;
		nr_dst += !seen_dst[daddr & 0xff];
		seen_dst[daddr & 0xff] = 1;
	}
	/* 10000 uniform draws miss one of 256 values with p ~ 1e-15 */
	ASSERT_EQ(nr_dst, 256, "every host of the /24 drawn");
	ASSERT_TRUE(seen_src[0] && seen_src[1], "both halves of the /15 drawn");
}

static void draw_edges(void)
{
	unsigned char buf[128];
	struct pkt_spec spec;
	struct pkt_rng rng;
	__u32 any_or = 0, any_and = ~0u;
	int i;

	pkt_spec_init(&spec, 128);
	spec.src = (struct pkt_prefix){ 0xc6120005, 32 };	/* one host */
	spec.dst = (struct pkt_prefix){ 0, 0 };			/* anything */
	pkt_rng_seed(&rng, 12);
	for (i = 0; i < 1000; i++) {
		if (!ASSERT_EQ(pkt_build_udp4(&spec, &rng, buf, sizeof(buf)),
			       124, "build") ||
		    !ASSERT_EQ(get_be32(buf + 26), 0xc6120005, "/32 is itself"))
			return;
		any_or |= get_be32(buf + 30);
		any_and &= get_be32(buf + 30);
	}
	/* over /0 every bit takes both values */
	ASSERT_EQ(any_or, 0xffffffff, "/0: every bit set somewhere");
	ASSERT_EQ(any_and, 0, "/0: every bit clear somewhere");
}

static void draw_reproducible(void)
{
	unsigned char a[256], b[256];
	struct pkt_rng ra, rb;
	struct pkt_spec spec;
	int i, same = 1;

	pkt_spec_init(&spec, 256);
	pkt_rng_seed(&ra, 42);
	pkt_rng_seed(&rb, 42);
	for (i = 0; i < 100 && same; i++) {
		pkt_build_udp4(&spec, &ra, a, sizeof(a));
		pkt_build_udp4(&spec, &rb, b, sizeof(b));
		same = !memcmp(a, b, 252);
	}
	ASSERT_TRUE(same, "same seed, same frames");

	pkt_rng_seed(&rb, 43);
	pkt_rng_seed(&ra, 42);
	pkt_build_udp4(&spec, &ra, a, sizeof(a));
	pkt_build_udp4(&spec, &rb, b, sizeof(b));
	ASSERT_TRUE(memcmp(a, b, 252), "other seed, other frame");

	/* seed 0 is a seed like any other: a moving, reproducible stream */
	pkt_rng_seed(&ra, 0);
	pkt_rng_seed(&rb, 0);
	ASSERT_NEQ(pkt_rng_next(&ra), pkt_rng_next(&ra), "seed 0 moves");
	pkt_rng_next(&rb);
	pkt_rng_next(&rb);
	ASSERT_EQ(pkt_rng_next(&ra), pkt_rng_next(&rb), "seed 0 reproducible");
	ASSERT_NEQ(ra.state, 0, "seed 0 state not zero");
}

static void test_prefixes(void)
{
	struct pkt_prefix p15 = { 0xc6120000, 15 }, p0 = { 0, 0 };
	struct pkt_prefix p32 = { 0xc6120001, 32 };

	ASSERT_TRUE(pkt_prefix_contains(&p15, 0xc613ffff), "/15 last");
	ASSERT_TRUE(pkt_prefix_contains(&p15, 0xc6120000), "/15 first");
	ASSERT_FALSE(pkt_prefix_contains(&p15, 0xc6140000), "/15 next");
	ASSERT_FALSE(pkt_prefix_contains(&p15, 0xc611ffff), "/15 previous");
	ASSERT_TRUE(pkt_prefix_contains(&p0, 0xffffffff), "/0 all");
	ASSERT_TRUE(pkt_prefix_contains(&p32, 0xc6120001), "/32 itself");
	ASSERT_FALSE(pkt_prefix_contains(&p32, 0xc6120002), "/32 other");

	draw_addresses();
	draw_edges();
	draw_reproducible();
}

struct prefix_case {
	const char *str;
	__u32 addr;
	int len;		/* -1: must be rejected */
};

static const struct prefix_case prefix_cases[] = {
	{ "198.18.0.0/15", 0xc6120000, 15 },
	{ "198.19.255.0/24", 0xc613ff00, 24 },
	{ "10.1.2.3", 0x0a010203, 32 },
	{ "10.1.2.3/32", 0x0a010203, 32 },
	{ "0.0.0.0/0", 0, 0 },
	{ "255.255.255.255", 0xffffffff, 32 },
	{ "198.18.0.1/15", 0, -1 },	/* host bits set */
	{ "198.18.0.0/33", 0, -1 },
	{ "198.18.0.0/", 0, -1 },
	{ "198.18.0.0/-1", 0, -1 },
	{ "198.18.0.0/+15", 0, -1 },
	{ "198.18.0.0/015", 0, -1 },
	{ "198.18.0.0/15/", 0, -1 },
	{ "198.18.0.0/15x", 0, -1 },
	{ "198.18.0.0/15 ", 0, -1 },
	{ " 198.18.0.0/15", 0, -1 },
	{ "198.18.0/16", 0, -1 },
	{ "198.18.0.0.0/16", 0, -1 },
	{ "198.18..0/16", 0, -1 },
	{ "256.0.0.0/8", 0, -1 },
	{ "1.2.3.1000", 0, -1 },
	{ "01.2.3.4", 0, -1 },		/* octal to inet_aton */
	{ "0x1.2.3.4", 0, -1 },
	{ "a.b.c.d", 0, -1 },
	{ "1.2.3.4.", 0, -1 },
	{ ".1.2.3.4", 0, -1 },
	{ "/8", 0, -1 },
	{ "", 0, -1 },
	{ "198.18.0.0/1500000000000", 0, -1 },
	{ "99999999999999999999.0.0.0", 0, -1 },
};

struct sizes_case {
	const char *str;
	int nr;			/* -1: must be rejected */
	int sizes[4];
};

static const struct sizes_case sizes_cases[] = {
	{ "64,128,1500", 3, { 64, 128, 1500 } },
	{ "1518", 1, { 1518 } },
	{ "64", 1, { 64 } },
	{ "1518,64,512,256", 4, { 1518, 64, 512, 256 } },
	{ "64,128,256,512,1024", -1 },	/* 5 > max of 4 */
	{ "", -1 },
	{ ",", -1 },
	{ "64,", -1 },
	{ ",64", -1 },
	{ "64,,128", -1 },
	{ "63", -1 },
	{ "1519", -1 },
	{ "0", -1 },
	{ "-64", -1 },
	{ "+64", -1 },
	{ "064", -1 },
	{ "64,64", -1 },
	{ "64 ,128", -1 },
	{ "64, 128", -1 },
	{ "1e3", -1 },
	{ "0x40", -1 },
	{ "64;128", -1 },
	{ "abc", -1 },
	{ "99999999999999999999", -1 },
};

static void parse_tables(void)
{
	struct pkt_prefix p;
	int sizes[4], nr, ret;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(prefix_cases); i++) {
		const struct prefix_case *c = &prefix_cases[i];

		p = (struct pkt_prefix){ 0x12345678, 7 };
		ret = pkt_parse_prefix(c->str, &p);
		if (c->len < 0) {
			if (!ASSERT_EQ(ret, -EINVAL, "bad prefix rejected"))
				test__log("input '%s'", c->str);
			continue;
		}
		if (!ASSERT_OK(ret, "good prefix") ||
		    !ASSERT_EQ(p.addr, c->addr, "prefix address") ||
		    !ASSERT_EQ(p.len, c->len, "prefix length"))
			test__log("input '%s'", c->str);
	}
	ASSERT_EQ(pkt_parse_prefix(NULL, &p), -EINVAL, "NULL prefix string");
	ASSERT_EQ(pkt_parse_prefix("1.2.3.4", NULL), -EINVAL, "NULL prefix");

	for (i = 0; i < ARRAY_SIZE(sizes_cases); i++) {
		const struct sizes_case *c = &sizes_cases[i];

		nr = -1;
		ret = pkt_parse_sizes(c->str, sizes, ARRAY_SIZE(sizes), &nr);
		if (c->nr < 0) {
			if (!ASSERT_EQ(ret, -EINVAL, "bad sizes rejected") ||
			    !ASSERT_EQ(nr, -1, "nr untouched on error"))
				test__log("input '%s'", c->str);
			continue;
		}
		if (!ASSERT_OK(ret, "good sizes") ||
		    !ASSERT_EQ(nr, c->nr, "number of sizes") ||
		    !ASSERT_MEMEQ(sizes, c->sizes, sizeof(int) * nr, "sizes"))
			test__log("input '%s'", c->str);
	}
	ASSERT_EQ(pkt_parse_sizes(NULL, sizes, 4, &nr), -EINVAL, "NULL sizes");
	ASSERT_EQ(pkt_parse_sizes("64", sizes, 0, &nr), -EINVAL, "max 0");
	ASSERT_EQ(pkt_parse_sizes("64", NULL, 4, &nr), -EINVAL, "NULL array");
	ASSERT_EQ(pkt_parse_sizes("64", sizes, 4, NULL), -EINVAL, "NULL nr");
}

/* Well-formed random inputs come back as they went in. */
static void parse_round_trip(struct pkt_rng *rng)
{
	struct pkt_prefix in, out;
	int sizes[8], want[8], nr, n, i, j, k;
	char str[64];
	size_t off;

	for (i = 0; i < 2000; i++) {
		in.len = pkt_rng_next(rng) % 33;
		in.addr = pkt_rng_next(rng);
		in.addr &= in.len ? ~0u << (32 - in.len) : 0;
		snprintf(str, sizeof(str), "%u.%u.%u.%u/%u", in.addr >> 24,
			 (in.addr >> 16) & 0xff, (in.addr >> 8) & 0xff,
			 in.addr & 0xff, in.len);
		if (!ASSERT_OK(pkt_parse_prefix(str, &out), "prefix round trip") ||
		    !ASSERT_EQ(out.addr, in.addr, "round trip address") ||
		    !ASSERT_EQ(out.len, in.len, "round trip length")) {
			test__log("input '%s'", str);
			return;
		}
	}

	for (i = 0; i < 2000; i++) {
		n = 1 + pkt_rng_next(rng) % 8;
		off = 0;
		for (j = 0; j < n; j++) {
			/* distinct sizes */
			do {
				want[j] = PKT_MIN_FRAME + pkt_rng_next(rng) %
					  (PKT_MAX_FRAME - PKT_MIN_FRAME + 1);
				for (k = 0; k < j && want[k] != want[j]; k++)
					;
			} while (k < j);
			off += snprintf(str + off, sizeof(str) - off, "%s%d",
					j ? "," : "", want[j]);
		}
		if (!ASSERT_OK(pkt_parse_sizes(str, sizes, 8, &nr),
			       "sizes round trip") ||
		    !ASSERT_EQ(nr, n, "round trip count") ||
		    !ASSERT_MEMEQ(sizes, want, sizeof(int) * n,
				  "round trip sizes")) {
			test__log("input '%s'", str);
			return;
		}
	}
}

/*
 * Random strings, biased towards the characters the parsers care about:
 * they must never crash, and whatever they accept must be valid.
 */
static void parse_fuzz(struct pkt_rng *rng)
{
	static const char alphabet[] = "0123456789./,-+ x";
	int sizes[8], nr, i, j, len, accepted = 0;
	struct pkt_prefix p;
	char str[40];
	__u32 r;

	for (i = 0; i < 50000; i++) {
		len = pkt_rng_next(rng) % (sizeof(str) - 1);
		for (j = 0; j < len; j++) {
			r = pkt_rng_next(rng);
			/* mostly digits and separators, some any byte */
			str[j] = r % 8 ? alphabet[(r >> 8) % (sizeof(alphabet) - 1)] :
				 (char)(1 + (r >> 8) % 255);
		}
		str[len] = 0;

		if (!pkt_parse_prefix(str, &p)) {
			accepted++;
			if (!ASSERT_LE(p.len, 32, "fuzz prefix length") ||
			    !ASSERT_TRUE(pkt_prefix_contains(&p, p.addr),
					 "fuzz prefix contains itself") ||
			    !ASSERT_EQ(p.addr & ~(p.len ? ~0u << (32 - p.len) : 0),
				       0, "fuzz prefix host bits")) {
				test__log("input '%s'", str);
				return;
			}
		}
		nr = -1;
		if (!pkt_parse_sizes(str, sizes, 8, &nr)) {
			accepted++;
			if (!ASSERT_TRUE(nr >= 1 && nr <= 8, "fuzz sizes count"))
				return;
			for (j = 0; j < nr; j++)
				if (!ASSERT_TRUE(sizes[j] >= PKT_MIN_FRAME &&
						 sizes[j] <= PKT_MAX_FRAME,
						 "fuzz size in range")) {
					test__log("input '%s'", str);
					return;
				}
		} else if (!ASSERT_EQ(nr, -1, "fuzz nr untouched on error")) {
			return;
		}
	}
	test__info("fuzz: %d of 100000 parses accepted", accepted);
}

static void test_parse(void)
{
	struct pkt_rng rng;

	pkt_rng_seed(&rng, 2544);
	parse_tables();
	parse_round_trip(&rng);
	parse_fuzz(&rng);
}

void test_packets(void)
{
	if (test__start_subtest("sizes"))
		test_sizes();
	if (test__start_subtest("checksums"))
		test_checksums();
	if (test__start_subtest("vlan"))
		test_vlan();
	if (test__start_subtest("prefixes"))
		test_prefixes();
	if (test__start_subtest("parse"))
		test_parse();
}
