/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Frames to measure a program on: the distinct frames of a capture
 * (libpcap: pcap or pcapng, Ethernet), each with how often it occurs, or
 * frames given by hand in hex (--frame-hex).
 *
 * Frame lengths here are what the program sees, without the FCS: a
 * frame of len bytes is len + 4 bytes on the wire (packets.h).
 */
#ifndef __XDP_PERF_PCAP_H
#define __XDP_PERF_PCAP_H

#include <stddef.h>
#include <linux/types.h>

/* Longest frame measured: 1500 B MTU + 14 B Ethernet + one 4 B VLAN tag. */
#define FRAME_MTU		1500
#define FRAME_MAX_LEN		(FRAME_MTU + 14 + 4)
#define FRAME_MIN_LEN		14
/* Distinct frames remembered while reading; more are counted, not kept. */
#define FRAME_TRACK_MAX		65536

struct frame {
	unsigned char *data;
	__u32 len;		/* bytes the program sees (no FCS) */
	__u64 count;		/* occurrences in the capture */
	__u64 first;		/* packet number of its first occurrence, from 1 */
};

struct frame_set {
	struct frame *frames;	/* most frequent first, after frame_set_read_pcap */
	int nr;			/* measured: at most the max asked for */
	size_t cap;
	__u64 packets;		/* packets in the capture */
	__u64 short_pkts;	/* shorter than FRAME_MIN_LEN: skipped */
	__u64 long_pkts;	/* longer than FRAME_MAX_LEN: skipped */
	__u64 cut_pkts;		/* captured shorter than on the wire: skipped */
	int nr_beyond;		/* distinct frames past the max, not measured */
	__u64 beyond_pkts;	/*   their packets (untracked ones included) */
	/* lookup while reading */
	int *slots;
	int nr_slots;
};

/*
 * Read path: every packet counted, the distinct measurable ones kept with
 * their counts, sorted by count (then first occurrence), the first `max`
 * of them in fs->frames[0..nr-1]. 0, or -errno with a one-line message.
 */
int frame_set_read_pcap(struct frame_set *fs, const char *path, int max,
			char *why, size_t why_len);
/* Add one frame (count 1, or one more of an identical frame). 0 or -errno. */
int frame_set_add(struct frame_set *fs, const void *data, __u32 len);
void frame_set_free(struct frame_set *fs);

/* Packets of the frames measured. */
__u64 frame_set_measured_pkts(const struct frame_set *fs);

/*
 * "ff ff ff ..." / "ffffff..." / "ff:ff:..." into buf. 0, or -EINVAL
 * (not hex, odd digits, shorter than FRAME_MIN_LEN or longer than cap).
 */
int frame_parse_hex(const char *hex, unsigned char *buf, size_t cap,
		    __u32 *len);

/* What a frame is, for people: "IPv4/UDP 198.18.0.1 > 198.19.0.2", "ARP". */
void frame_describe(const unsigned char *data, __u32 len, char *buf,
		    size_t buf_len);

/*
 * Writing a capture (Ethernet, microsecond pcap): the tests make theirs.
 * caplen < len writes a packet cut as a short snap length would.
 */
struct frame_writer;
struct frame_writer *frame_writer_open(const char *path);
void frame_writer_add(struct frame_writer *w, const void *data, __u32 len,
		      __u32 caplen);
/* 0, or -EIO when something could not be written. */
int frame_writer_close(struct frame_writer *w);

#endif /* __XDP_PERF_PCAP_H */
