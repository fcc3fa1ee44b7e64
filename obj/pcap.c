// SPDX-License-Identifier: GPL-2.0
/* Frames from a capture or from hex (pcap.h). */
#define _GNU_SOURCE
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <pcap/pcap.h>		/* libpcap's; ours is "pcap.h" */

#include "pcap.h"
#include "util.h"

static __u64 frame_hash(const unsigned char *data, __u32 len)
{
	__u64 h = 0xcbf29ce484222325ULL;	/* FNV-1a */

	for (__u32 i = 0; i < len; i++)
		h = (h ^ data[i]) * 0x100000001b3ULL;
	return h ^ len;
}

static int grow_slots(struct frame_set *fs)
{
	int n = fs->nr_slots ? 2 * fs->nr_slots : 1024, i;
	int *slots = malloc(n * sizeof(*slots));

	if (!slots)
		return -ENOMEM;
	for (i = 0; i < n; i++)
		slots[i] = -1;
	for (i = 0; i < fs->nr; i++) {
		const struct frame *f = &fs->frames[i];
		__u64 s = frame_hash(f->data, f->len) & (n - 1);

		while (slots[s] >= 0)
			s = (s + 1) & (n - 1);
		slots[s] = i;
	}
	free(fs->slots);
	fs->slots = slots;
	fs->nr_slots = n;
	return 0;
}

/* Index of the frame, added if new; -ENOSPC past FRAME_TRACK_MAX. */
static int find_or_add(struct frame_set *fs, const unsigned char *data,
		       __u32 len)
{
	__u64 s;
	struct frame *f;

	if (2 * (fs->nr + 1) > fs->nr_slots && grow_slots(fs))
		return -ENOMEM;
	s = frame_hash(data, len) & (fs->nr_slots - 1);
	for (; fs->slots[s] >= 0; s = (s + 1) & (fs->nr_slots - 1)) {
		f = &fs->frames[fs->slots[s]];
		if (f->len == len && !memcmp(f->data, data, len))
			return fs->slots[s];
	}
	if (fs->nr >= FRAME_TRACK_MAX)
		return -ENOSPC;
	if (grow_array(&fs->frames, &fs->cap, fs->nr + 1, sizeof(*fs->frames)))
		return -ENOMEM;
	f = &fs->frames[fs->nr];
	f->data = malloc(len);
	if (!f->data)
		return -ENOMEM;
	memcpy(f->data, data, len);
	f->len = len;
	f->count = 0;
	f->first = fs->packets;
	fs->slots[s] = fs->nr;
	return fs->nr++;
}

int frame_set_add(struct frame_set *fs, const void *data, __u32 len)
{
	int i;

	fs->packets++;
	i = find_or_add(fs, data, len);
	if (i < 0)
		return i;
	fs->frames[i].count++;
	return 0;
}

static int cmp_frames(const void *a, const void *b)
{
	const struct frame *x = a, *y = b;

	if (x->count != y->count)
		return x->count > y->count ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* Keep the max most frequent; the others are counted as not measured. */
static void keep_most_frequent(struct frame_set *fs, int max)
{
	qsort(fs->frames, fs->nr, sizeof(*fs->frames), cmp_frames);
	for (int i = max; i < fs->nr; i++) {
		fs->nr_beyond++;
		fs->beyond_pkts += fs->frames[i].count;
		free(fs->frames[i].data);
	}
	if (fs->nr > max)
		fs->nr = max;
	free(fs->slots);	/* the order changed: no more lookups */
	fs->slots = NULL;
	fs->nr_slots = 0;
}

static int read_packets(struct frame_set *fs, pcap_t *p, char *err,
			size_t len)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int ret, i;

	while ((ret = pcap_next_ex(p, &h, &data)) == 1) {
		if (h->caplen < h->len) {
			fs->packets++;
			fs->cut_pkts++;
		} else if (h->len < FRAME_MIN_LEN) {
			fs->packets++;
			fs->short_pkts++;
		} else if (h->len > FRAME_MAX_LEN) {
			fs->packets++;
			fs->long_pkts++;
		} else {
			fs->packets++;
			i = find_or_add(fs, data, h->len);
			if (i == -ENOSPC) {
				fs->beyond_pkts++;	/* not tracked */
				continue;
			}
			if (i < 0) {
				snprintf(err, len, "out of memory");
				return i;
			}
			fs->frames[i].count++;
		}
	}
	if (ret == PCAP_ERROR) {
		snprintf(err, len, "reading it failed: %s", pcap_geterr(p));
		return -EIO;
	}
	return 0;
}

int frame_set_read_pcap(struct frame_set *fs, const char *path, int max,
			char *err, size_t len)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";
	pcap_t *p;
	int ret;

	p = pcap_open_offline(path, ebuf);
	if (!p) {
		snprintf(err, len, "cannot read %s: %s", path, ebuf);
		return -EINVAL;
	}
	if (pcap_datalink(p) != DLT_EN10MB) {
		snprintf(err, len, "%s: link type %s, only Ethernet captures can be measured",
			 path, pcap_datalink_val_to_name(pcap_datalink(p)) ?: "unknown");
		pcap_close(p);
		return -EINVAL;
	}
	ret = read_packets(fs, p, err, len);
	pcap_close(p);
	if (ret)
		return ret;
	keep_most_frequent(fs, max);
	if (!fs->nr) {
		snprintf(err, len, "%s: no frame to measure in %llu packets (%llu shorter than %d B, %llu longer than %d B, %llu cut by the capture's snap length)",
			 path, (unsigned long long)fs->packets,
			 (unsigned long long)fs->short_pkts, FRAME_MIN_LEN,
			 (unsigned long long)fs->long_pkts, FRAME_MAX_LEN,
			 (unsigned long long)fs->cut_pkts);
		return -ENOENT;
	}
	return 0;
}

__u64 frame_set_measured_pkts(const struct frame_set *fs)
{
	__u64 n = 0;

	for (int i = 0; i < fs->nr; i++)
		n += fs->frames[i].count;
	return n;
}

void frame_set_free(struct frame_set *fs)
{
	for (int i = 0; i < fs->nr; i++)
		free(fs->frames[i].data);
	free(fs->frames);
	free(fs->slots);
	memset(fs, 0, sizeof(*fs));
}

static int hex_digit(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

int frame_parse_hex(const char *hex, unsigned char *buf, size_t cap,
		    __u32 *len)
{
	size_t n = 0;
	int hi = -1, d;

	for (; *hex; hex++) {
		if (isspace((unsigned char)*hex) || *hex == ':' || *hex == '-')
			continue;
		d = hex_digit((unsigned char)*hex);
		if (d < 0 || (hi < 0 && n == cap))
			return -EINVAL;
		if (hi < 0) {
			hi = d;
			continue;
		}
		buf[n++] = hi << 4 | d;
		hi = -1;
	}
	if (hi >= 0 || n < FRAME_MIN_LEN)
		return -EINVAL;
	*len = n;
	return 0;
}

static const char *l4_name(__u8 proto)
{
	switch (proto) {
	case 1: return "ICMP";
	case 6: return "TCP";
	case 17: return "UDP";
	case 58: return "ICMPv6";
	default: return "other";
	}
}

/* "IPv4/UDP a > b" from an IPv4 or IPv6 header. */
static void describe_ip(const unsigned char *p, const unsigned char *end,
			int family, char *buf, size_t len)
{
	bool v4 = family == AF_INET;
	int hlen = v4 ? 20 : 40, alen = v4 ? 4 : 16, addr = v4 ? 12 : 8;
	char a[INET6_ADDRSTRLEN], b[INET6_ADDRSTRLEN];

	if (end - p < hlen) {
		snprintf(buf, len, "IPv%d (truncated)", v4 ? 4 : 6);
		return;
	}
	inet_ntop(family, p + addr, a, sizeof(a));
	inet_ntop(family, p + addr + alen, b, sizeof(b));
	snprintf(buf, len, "IPv%d/%s %s > %s", v4 ? 4 : 6,
		 l4_name(p[v4 ? 9 : 6]), a, b);
}

static void describe_l3(const unsigned char *p, const unsigned char *end,
			__u16 proto, char *buf, size_t len)
{
	if (proto == ETH_P_IP)
		describe_ip(p, end, AF_INET, buf, len);
	else if (proto == ETH_P_IPV6)
		describe_ip(p, end, AF_INET6, buf, len);
	else if (proto == ETH_P_ARP)
		snprintf(buf, len, "ARP");
	else
		snprintf(buf, len, "EtherType 0x%04x", proto);
}

void frame_describe(const unsigned char *data, __u32 len, char *buf,
		    size_t buf_len)
{
	const unsigned char *p = data + 12, *end = data + len;
	char vlan[32] = "";
	__u16 proto = p[0] << 8 | p[1];
	size_t n;

	p += 2;
	if ((proto == ETH_P_8021Q || proto == ETH_P_8021AD) && end - p >= 4) {
		snprintf(vlan, sizeof(vlan), "VLAN %u ", (p[0] << 8 | p[1]) & 0xfff);
		proto = p[2] << 8 | p[3];
		p += 4;
	}
	n = snprintf(buf, buf_len, "%s", vlan);
	if (n < buf_len)
		describe_l3(p, end, proto, buf + n, buf_len - n);
}

struct frame_writer {
	pcap_t *p;
	pcap_dumper_t *d;
};

struct frame_writer *frame_writer_open(const char *path)
{
	struct frame_writer *w = calloc(1, sizeof(*w));

	if (!w)
		return NULL;
	w->p = pcap_open_dead(DLT_EN10MB, 65535);
	w->d = w->p ? pcap_dump_open(w->p, path) : NULL;
	if (!w->d) {
		if (w->p)
			pcap_close(w->p);
		free(w);
		return NULL;
	}
	return w;
}

void frame_writer_add(struct frame_writer *w, const void *data, __u32 len,
		      __u32 caplen)
{
	struct pcap_pkthdr h = { .caplen = caplen < len ? caplen : len,
				 .len = len };

	pcap_dump((u_char *)w->d, &h, data);
}

int frame_writer_close(struct frame_writer *w)
{
	int err = pcap_dump_flush(w->d) ? -EIO : 0;

	pcap_dump_close(w->d);
	pcap_close(w->p);
	free(w);
	return err;
}
