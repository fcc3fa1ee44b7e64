#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what xdp-perf needs to build and run, from Debian/Ubuntu packages.
# Idempotent: returns quickly when everything is already present.
set -euo pipefail

PKGS=(make gcc clang llvm libbpf-dev libelf-dev zlib1g-dev pkg-config
      bpftool iproute2 gnuplot-nox ethtool kmod rsync libpcap-dev xdp-tools
      fonts-dejavu-core chromium)
# libpcap-dev: --pcap; xdp-tools: the XDP objects of xdp-filter that the
# user_obj test measures (/usr/lib/<triplet>/bpf/xdpfilt_*.o).
# fonts-dejavu-core: the fonts gnuplot's pngcairo and pdfcairo draw with;
# chromium: the report/browser test renders report.html in it, headless.
# vmtest: QEMU, a static busybox and cpio for the guest initramfs, xz for
# the kernel source tarball (netdevsim is built from it).
VMTEST_PKGS=(qemu-system-x86 busybox-static cpio xz-utils)

# The gcc the distribution's cloud kernel headers were built with (gcc-12
# on Debian 12): out-of-tree modules must use the same one. Resolved from
# the package lists: linux-headers-cloud-amd64 -> linux-headers-<abi>
# -> linux-compiler-gcc-N-<arch> -> gcc-N. Nothing when apt cannot tell.
vmtest_compiler()
{
	local pkg=linux-headers-cloud-amd64 prefix

	for prefix in linux-headers- linux-compiler-gcc- gcc-; do
		pkg=$(apt-cache depends "$pkg" 2>/dev/null |
			awk -v p="$prefix" '$1 == "Depends:" && index($2, p) == 1 { print $2; exit }')
		[ -n "$pkg" ] || return 0
	done
	echo "$pkg"
}

want=("${PKGS[@]}")
if [ "${1:-}" = "--vmtest" ]; then
	want+=("${VMTEST_PKGS[@]}")
	compiler=$(vmtest_compiler)
	[ -n "$compiler" ] && want+=("$compiler")
fi

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#want[@]} packages present"
	exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
	echo "install-deps: missing ${missing[*]}; run as root (or sudo) to install" >&2
	exit 1
fi

echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}"
