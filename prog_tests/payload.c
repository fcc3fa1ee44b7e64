// SPDX-License-Identifier: GPL-2.0
/*
 * Property 2b: reading (checksumming) N bytes of the frame's payload. The
 * program reads what the frame has, so the cost grows with N only up to the
 * frame's payload: this sweep runs at every frame size of the profile, and
 * each size's fit runs over the bytes the frame really lets the program
 * read, min(N, its payload in whole 8-byte words). A 64 B frame has 16 such
 * bytes: two distinct amounts, no fit.
 */
#include <linux/if_ether.h>

#include "test_perf.h"
#include "sweep.h"

/* Bytes of 64-bit words a frame of frame_size has after the headers. */
static long bytes_read(long n, int frame_size)
{
	long avail = frame_size - 4 - ETH_HLEN - GEN_PAYLOAD_OFFSET;

	avail = avail > 0 ? avail / 8 * 8 : 0;
	return n < avail ? n : avail;
}

void test_payload(void)
{
	struct sweep_opts opts = {
		.prop = GEN_P_PAYLOAD,
		.unit = "payload byte",
		.all_sizes = true,
		.x_of = bytes_read,
	};

	sweep_run(&opts);
}
