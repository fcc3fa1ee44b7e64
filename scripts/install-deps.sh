#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Install what xdp-perf needs to build and run, from Debian/Ubuntu packages.
# Idempotent: returns quickly when everything is already present.
set -euo pipefail

PKGS=(make gcc clang llvm libbpf-dev libelf-dev zlib1g-dev pkg-config
      bpftool iproute2 gnuplot-nox ethtool kmod rsync)
# vmtest: QEMU, a static busybox and cpio for the guest initramfs.
VMTEST_PKGS=(qemu-system-x86 busybox-static cpio)

want=("${PKGS[@]}")
[ "${1:-}" = "--vmtest" ] && want+=("${VMTEST_PKGS[@]}")

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
