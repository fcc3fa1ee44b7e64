#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vmtest.sh: run the suite (or any command) on another kernel under QEMU,
# like the kernel's tools/testing/selftests/bpf/vmtest.sh. The pieces are
# in scripts/vmtest/: kernel.sh (which kernel, fetched with apt-get
# download), netdevsim.sh (out-of-tree netdevsim), initramfs.sh (the guest
# root), qemu.sh (accelerator, console, exit status), init (the guest's
# /init), debug_exit.c, is-emulated.sh (for tests).
set -u

SRCDIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
VMTEST_DIR=$SRCDIR/scripts/vmtest
for part in common kernel netdevsim initramfs qemu; do
	# shellcheck source=/dev/null
	. "$VMTEST_DIR/$part.sh"
done

usage()
{
	cat <<EOF
Usage: ./vmtest.sh [OPTIONS] [--] [COMMAND [ARGS...]]

Boot a kernel under QEMU and run COMMAND (default: ./run_tests.sh) inside,
from a copy of the suite's build output placed at the same path as on the
host. Prints the command's output, exits with its status.

Options:
  -k KERNEL  a kernel .deb, a linux-image-* package name, or a directory
             with a vmlinuz (or a kernel build tree) and lib/modules/<rel>;
             default: the package $VMTEST_KERNEL_META depends on now
  -c DIR     cache directory (default: \$VMTEST_CACHE or .vmtest-cache/)
  -o DIR     the suite's build output (default: \$OUTPUT or the source dir)
  -t SECONDS timeout of the guest run, 0 for none (default: 1800)
  -a ACCEL   auto, kvm, tcg, or probe (auto, but probe KVM even on KVM-PVM)
  -m MEM     guest memory (default: 2G)
  -p CPUS    guest CPUs (default: host CPUs)
  -i PATH    also copy PATH (file or directory) into the guest, same path;
             repeatable
  -n         do not copy the files the command creates back to the host
  -v         verbose: the kernel's console and the build steps on stderr
  -h, --help this text

Exit status: the command's; 2 bad usage; 4 missing prerequisite (skip);
124 guest timeout; 1 when the guest fails to report (crash, QEMU error).
The guest exports XDP_PERF_VM=1, XDP_PERF_VM_ACCEL=kvm|tcg and
XDP_PERF_EMULATED=1 under TCG (timings not comparable); see
scripts/vmtest/is-emulated.sh.
EOF
}

VMTEST_CACHE=${VMTEST_CACHE:-$SRCDIR/.vmtest-cache}
VMTEST_OUTPUT=${OUTPUT:-$SRCDIR}
VMTEST_TIMEOUT=1800
VMTEST_ACCEL=${VMTEST_ACCEL:-auto}
VMTEST_MEM=2G
VMTEST_CPUS=$(nproc)
VMTEST_COPY_BACK_MAX=$((64 << 20))
VMTEST_INCLUDE=()
kernel_arg=

need_arg()
{
	[ $# -ge 2 ] || usage_error "$1 needs an argument"
}

is_uint()
{
	[[ $1 =~ ^[0-9]+$ ]]
}

while [ $# -gt 0 ]; do
	case $1 in
	-h | --help)
		usage
		exit 0 ;;
	-k)
		need_arg "$@"
		kernel_arg=$2 ;;
	-c)
		need_arg "$@"
		VMTEST_CACHE=$2 ;;
	-o)
		need_arg "$@"
		VMTEST_OUTPUT=$2 ;;
	-t)
		need_arg "$@"
		is_uint "$2" || usage_error "-t $2: not a number of seconds"
		VMTEST_TIMEOUT=$2 ;;
	-a)
		need_arg "$@"
		case $2 in
		auto | kvm | tcg | probe) VMTEST_ACCEL=$2 ;;
		*) usage_error "-a $2: expected auto, kvm, tcg or probe" ;;
		esac ;;
	-m)
		need_arg "$@"
		[[ $2 =~ ^[0-9]+[MG]?$ ]] || usage_error "-m $2: expected e.g. 2G or 1536M"
		VMTEST_MEM=$2 ;;
	-p)
		need_arg "$@"
		is_uint "$2" && [ "$2" -gt 0 ] || usage_error "-p $2: not a CPU count"
		VMTEST_CPUS=$2 ;;
	-i)
		need_arg "$@"
		[ -e "$2" ] || usage_error "-i $2: no such file or directory"
		VMTEST_INCLUDE+=("$(realpath "$2")") ;;
	-n)
		VMTEST_COPY_BACK_MAX=0 ;;
	-v)
		VMTEST_VERBOSE=1 ;;
	--)
		shift
		break ;;
	-*)
		usage_error "unknown option $1" ;;
	*)
		break ;;
	esac
	case $1 in
	-k | -c | -o | -t | -a | -m | -p | -i) shift 2 ;;
	*) shift ;;
	esac
done

[ -d "$VMTEST_OUTPUT" ] || usage_error "output directory $VMTEST_OUTPUT does not exist"
VMTEST_OUTPUT=$(cd "$VMTEST_OUTPUT" && pwd)
[ -L "$VMTEST_CACHE" ] &&
	usage_error "-c $VMTEST_CACHE is a symbolic link: name the directory itself"
mkdir -p "$VMTEST_CACHE" || die "cannot create $VMTEST_CACHE"
VMTEST_CACHE=$(cd "$VMTEST_CACHE" && pwd)
cache_check_owner "$VMTEST_CACHE"
if [ $# -eq 0 ]; then
	[ -e "$VMTEST_OUTPUT/run_tests.sh" ] || [ -e "$SRCDIR/run_tests.sh" ] ||
		skip "no run_tests.sh: build the suite first (make)"
	set -- ./run_tests.sh
fi

need_cmd "$QEMU" cpio ldd depmod modprobe modinfo flock timeout base64
[ -x /bin/busybox ] ||
	skip "/bin/busybox not found: run scripts/install-deps.sh --vmtest"
for bin in bpftool ip; do
	command -v "$bin" >/dev/null ||
		skip "$bin not found: run scripts/install-deps.sh"
done

VMTEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/vmtest.XXXXXX") ||
	die "cannot create a temporary directory"

# On every exit: stop QEMU (it may still be starting: give its pidfile a
# moment), release the cache, remove temporary and half-written files.
cleanup()
{
	local tries

	for tries in 1 2 3 4 5 6 7 8 9 10; do
		[ "${VM_STARTED:-0}" = 1 ] && [ ! -s "$VMTEST_TMP/qemu.pid" ] &&
			[ ! -f "$VMTEST_TMP/qemu.rc" ] || break
		sleep 0.2
	done
	kill_qemu "$VMTEST_TMP/qemu.pid"
	kill_qemu "$VMTEST_TMP/probe.pid"
	cache_unlock
	find "$VMTEST_CACHE" -maxdepth 3 -name "*.tmp.$$" -exec rm -rf {} + \
		2>/dev/null
	rm -rf "$VMTEST_TMP"
}
trap cleanup EXIT
trap 'msg "interrupted"; exit 130' INT
trap 'msg "terminated"; exit 143' TERM HUP

t_start=$EPOCHREALTIME
cache_lock
kernel_select "$kernel_arg"
msg "kernel $KERNEL_RELEASE ($KERNEL_DESC)"
nsim_prepare
msg "netdevsim: $NSIM_STATUS"
initramfs_base
accel_select
msg "accel: $ACCEL ($ACCEL_WHY)"
cp "$BASE_CPIO" "$VMTEST_TMP/initrd" || die "cannot copy $BASE_CPIO"
cache_unlock

initramfs_suite "$VMTEST_TMP/suite.cpio" "$@"
cat "$VMTEST_TMP/suite.cpio" >>"$VMTEST_TMP/initrd"
t_boot=$EPOCHREALTIME
vmsg "running $(shell_quote "$@") in $VMTEST_OUTPUT"
vm_run "$VMTEST_TMP/initrd"
t_end=$EPOCHREALTIME
copy_back
msg "$(awk -v a="$t_start" -v b="$t_boot" -v c="$t_end" -v s="$VM_STATUS" \
	'BEGIN { printf "exit status %d; prepare %.1fs, guest %.1fs", s, b - a, c - b }')"
exit "$VM_STATUS"
