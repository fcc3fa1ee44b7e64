#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# is-emulated.sh: does this run on an emulated CPU (QEMU TCG), where
# timings say nothing about real hardware?
# Exit 0 and print the reason when emulated, exit 1 (silently) when not.
# With -q nothing is printed.
#
# Any one of these is enough (in doubt, results are marked not comparable):
#   XDP_PERF_EMULATED=1          exported by the vmtest guest's /init
#   xdp_perf.emulated=1          on /proc/cmdline (vmtest.sh under TCG),
#                                survives env -i and sudo
#   "QEMU TCG CPU" model name    any QEMU TCG guest run with -cpu max,
#                                vmtest or not
# Tests written in C apply the same three checks.

quiet=0
[ "${1:-}" = -q ] && quiet=1

say()
{
	[ "$quiet" = 1 ] || echo "$*"
}

if [ "${XDP_PERF_EMULATED:-}" = 1 ]; then
	say "XDP_PERF_EMULATED=1 (vmtest guest under ${XDP_PERF_VM_ACCEL:-tcg})"
	exit 0
fi

if grep -qw 'xdp_perf.emulated=1' /proc/cmdline 2>/dev/null; then
	say "xdp_perf.emulated=1 on the kernel command line"
	exit 0
fi

if grep -q '^model name.*QEMU TCG' /proc/cpuinfo 2>/dev/null; then
	say "emulated CPU: $(grep -m 1 '^model name' /proc/cpuinfo | sed 's/.*: //')"
	exit 0
fi

exit 1
