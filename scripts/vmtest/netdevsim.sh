# SPDX-License-Identifier: GPL-2.0
#
# vmtest.sh: provide netdevsim for the guest kernel (sourced, not run).
#
# netdevsim emulates the offload control path (bind, load, attach in HW
# mode, device maps), which the offload tests need. Debian's kernels are
# built without it (CONFIG_NETDEVSIM unset), so it is built out of tree:
#   - Debian package kernels: drivers/net/netdevsim from the linux-source-X.Y
#     package, against the linux-headers package of exactly the same kernel
#     (modules are version-checked), both fetched with apt-get download and
#     unpacked in the cache, never installed;
#   - a kernel build tree given with -k: its own drivers/net/netdevsim.
# The module is cached per kernel (release + package version, or release +
# Module.symvers hash) in $VMTEST_CACHE/netdevsim/.
#
# nsim_prepare sets NSIM_KO (module file to add to the guest, "" when the
# kernel has it built in or as its own module) and NSIM_STATUS.

# nsim_headers: unpack linux-headers-<release> of the kernel's package
# version with its -common and kbuild dependencies; prints the build dir.
nsim_headers()
{
	local hdr=linux-headers-$KERNEL_RELEASE ver=$KERNEL_PKGVER
	local dir=$VMTEST_CACHE/headers/${KERNEL_RELEASE}_$ver dep pkgs

	if [ ! -f "$dir/info" ]; then
		pkgs=("$hdr=$ver")
		# -common and linux-kbuild-X.Y, same source version.
		for dep in $(apt-cache depends "$hdr=$ver" 2>/dev/null |
			awk '$1 == "Depends:" && $2 ~ /^linux-(headers|kbuild)-/ { print $2 }'); do
			pkgs+=("$dep=$ver")
		done
		msg "fetching ${pkgs[*]}"
		apt_fetch "$VMTEST_TMP/hdebs" "${pkgs[@]}"
		unpack_debs "$dir" "$VMTEST_TMP"/hdebs/*.deb
		rm -rf "$VMTEST_TMP/hdebs"
		# The arch Makefile includes the -common one by its absolute
		# installed path: point it at the unpacked copy.
		sed -i "s|^include /usr/src/|include $dir/root/usr/src/|" \
			"$dir/root/usr/src/$hdr/Makefile"
		echo "$hdr $ver" >"$dir/info"
	fi
	echo "$dir/root/usr/src/$hdr"
}

# nsim_source: drivers/net/netdevsim of the distribution's kernel source;
# only that directory is extracted from the linux-source tarball.
nsim_source()
{
	local series pkg ver dir tarball

	series=$(echo "$KERNEL_RELEASE" | cut -d. -f1,2)
	pkg=linux-source-$series
	ver=$KERNEL_PKGVER
	if ! apt-cache show "$pkg=$ver" >/dev/null 2>&1; then
		ver=$(apt_candidate "$pkg")
		[ -n "$ver" ] ||
			skip "apt-cache does not know $pkg: run apt-get update"
		msg "$pkg $KERNEL_PKGVER is not available, using $ver"
	fi
	dir=$VMTEST_CACHE/src/${pkg}_$ver
	if [ ! -f "$dir/info" ]; then
		msg "fetching $pkg $ver (large, once)"
		need_cmd xz
		apt_fetch "$VMTEST_TMP/sdebs" "$pkg=$ver"
		rm -rf "$dir.tmp.$$"
		mkdir -p "$dir.tmp.$$"
		tarball=./usr/src/$pkg.tar.xz
		dpkg-deb --fsys-tarfile "$VMTEST_TMP"/sdebs/"${pkg}"_*.deb |
			tar -xO "$tarball" |
			tar -xJ -C "$dir.tmp.$$" --strip-components=3 \
				"$pkg/drivers/net/netdevsim" ||
			die "cannot extract netdevsim from $pkg $ver"
		rm -rf "$VMTEST_TMP/sdebs" "$dir"
		echo "$pkg $ver" >"$dir.tmp.$$/info"
		mv "$dir.tmp.$$" "$dir"
	fi
	echo "$dir/netdevsim"
}

# nsim_build KDIR SRC DEST: out-of-tree build of SRC against KDIR.
nsim_build()
{
	local kdir=$1 src=$2 dest=$3 build=$VMTEST_TMP/nsim-build cc vermagic

	cc=$(grep -o 'gcc-[0-9][0-9]*' "$kdir/.kernelvariables" 2>/dev/null |
		head -n 1)
	[ -n "$cc" ] && ! command -v "$cc" >/dev/null &&
		skip "$cc (the compiler of kernel $KERNEL_RELEASE) not found: apt-get install $cc"
	need_cmd make gcc
	rm -rf "$build"
	cp -r "$src" "$build"
	msg "building netdevsim for $KERNEL_RELEASE"
	run_logged make -C "$kdir" M="$build" CONFIG_NETDEVSIM=m \
		-j"$(nproc)" modules || die "netdevsim build failed"
	vermagic=$(modinfo -F vermagic "$build/netdevsim.ko")
	[ "${vermagic%% *}" = "$KERNEL_RELEASE" ] ||
		die "netdevsim built for '${vermagic%% *}', not $KERNEL_RELEASE"
	strip --strip-debug "$build/netdevsim.ko"
	mkdir -p "$(dirname "$dest")"
	mv "$build/netdevsim.ko" "$dest.tmp.$$"
	mv "$dest.tmp.$$" "$dest"
	rm -rf "$build"
}

nsim_prepare()
{
	local key kdir src

	NSIM_KO=
	case $(kernel_config_value CONFIG_NETDEVSIM) in
	y)
		NSIM_STATUS="built into the kernel"
		return 0 ;;
	m)
		NSIM_STATUS="module of the kernel"
		return 0 ;;
	esac
	if [ -n "$KERNEL_PKG" ]; then
		key=${KERNEL_RELEASE}_$KERNEL_PKGVER
	elif [ -n "$KERNEL_TREE" ] && [ -d "$KERNEL_TREE/drivers/net/netdevsim" ]; then
		key=${KERNEL_RELEASE}_$(md5sum <"$KERNEL_TREE/Module.symvers" |
			cut -c1-12)
	else
		NSIM_STATUS="unavailable: kernel without CONFIG_NETDEVSIM and no build tree to build it (offload tests will skip)"
		return 0
	fi
	NSIM_KO=$VMTEST_CACHE/netdevsim/$key/netdevsim.ko
	if [ -f "$NSIM_KO" ]; then
		NSIM_STATUS="out-of-tree module (cached)"
		return 0
	fi
	if [ -n "$KERNEL_PKG" ]; then
		kdir=$(nsim_headers) || exit
		src=$(nsim_source) || exit
	else
		kdir=$KERNEL_TREE
		src=$KERNEL_TREE/drivers/net/netdevsim
	fi
	nsim_build "$kdir" "$src" "$NSIM_KO"
	# The headers serve this one build only: the module is cached under
	# the same kernel version they belong to.
	[ -n "$KERNEL_PKG" ] &&
		rm -rf "$VMTEST_CACHE/headers/${KERNEL_RELEASE}_$KERNEL_PKGVER" &&
		rmdir --ignore-fail-on-non-empty "$VMTEST_CACHE/headers"
	NSIM_STATUS="out-of-tree module (built)"
}
