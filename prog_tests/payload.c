// SPDX-License-Identifier: GPL-2.0
/*
 * Property 2b: reading (checksumming) N bytes of the frame's payload. The
 * program reads what the frame has, so the cost grows with N only up to the
 * frame's payload: this sweep runs at every frame size of the profile.
 */
#include "test_perf.h"
#include "sweep.h"

void test_payload(void)
{
	struct sweep_opts opts = {
		.prop = GEN_P_PAYLOAD,
		.unit = "payload byte",
		.all_sizes = true,
	};

	sweep_run(&opts);
}
