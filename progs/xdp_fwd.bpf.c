// SPDX-License-Identifier: GPL-2.0
/* The base program: an IPv4 forwarder between two ports. */
#include "xdp_fwd_base.bpf.h"

SEC("xdp")
int xdp_fwd(struct xdp_md *ctx)
{
	return xdp_fwd_run(ctx);
}

char LICENSE[] SEC("license") = "GPL";
