#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# kselftest entry point: every test in the quick profile, KTAP output.
# Exit 0 pass, 1 fail, 4 skip (nothing could run, with the reason).
# Extra arguments go to test_perf (e.g. ./run_tests.sh -t xdp_fwd).

cd "$(dirname "$0")" || exit 1
ksft_skip=4

skip_all()
{
	echo "KTAP version 1"
	echo "1..0 # SKIP $*"
	exit $ksft_skip
}

[ "$(id -u)" -eq 0 ] || skip_all "needs root (CAP_BPF, CAP_NET_ADMIN): run as root"
[ -r /sys/kernel/btf/vmlinux ] ||
	skip_all "kernel without BTF (/sys/kernel/btf/vmlinux): needs CONFIG_DEBUG_INFO_BTF=y"
[ -x ./test_perf ] || {
	echo "run_tests.sh: ./test_perf is not built: run make first" >&2
	exit 1
}
exec ./test_perf --ktap --quick ${TEST_PERF_ARGS:-} "$@"
