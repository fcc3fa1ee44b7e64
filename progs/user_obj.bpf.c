// SPDX-License-Identifier: GPL-2.0
/*
 * A stand-in for the objects users bring to --obj (prog_tests/user_obj.c):
 * a map pinned by name as xdp-tools' objects pin theirs, settings in
 * const volatile globals that a loader sets before load, and a verdict
 * that depends on what the map holds: the source address's entry, or
 * the default.
 */
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* Source address (network order) -> the verdict for its frames. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u32);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} uo_verdicts SEC(".maps");

const volatile __u32 uo_default_verdict = XDP_DROP;
/* true: read beyond the frame unchecked, which the verifier refuses */
const volatile bool uo_unsafe = false;
/* a .data string and a .bss counter, for --set on other sections */
char uo_label[8] = "none";
__u64 uo_frames;

SEC("xdp")
int user_obj(struct xdp_md *ctx)
{
	void *data_end = (void *)(long)ctx->data_end;
	void *data = (void *)(long)ctx->data;
	struct ethhdr *eth = data;
	struct iphdr *iph = (void *)(eth + 1);
	__u32 *verdict;

	uo_frames++;
	if (uo_unsafe)
		return *(__u8 *)(data + 1000);
	if ((void *)(iph + 1) > data_end ||
	    eth->h_proto != bpf_htons(ETH_P_IP))
		return uo_default_verdict;
	verdict = bpf_map_lookup_elem(&uo_verdicts, &iph->saddr);
	return verdict ? *verdict : uo_default_verdict;
}

char LICENSE[] SEC("license") = "GPL";
