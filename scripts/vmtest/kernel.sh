# SPDX-License-Identifier: GPL-2.0
#
# vmtest.sh: find the kernel to boot (sourced, not run).
#
# kernel_select ARG sets:
#   KERNEL_IMAGE    the bzImage/vmlinuz to boot
#   KERNEL_RELEASE  its `uname -r`
#   KERNEL_MODDIR   its lib/modules/<release> directory ("" when none)
#   KERNEL_CONFIG   its Kconfig file ("" when none)
#   KERNEL_PKG, KERNEL_PKGVER  Debian package and version ("" for a directory)
#   KERNEL_TREE     a kernel build tree to build modules against ("" if none)
#   KERNEL_ID       a string that changes whenever the kernel does
#   KERNEL_DESC     what to call it: "package version" or the image path
# ARG is empty (the distribution's current cloud kernel), a .deb, a package
# name (linux-image-...) or a directory holding a vmlinuz and its modules.
# Debian packages are fetched with apt-get download and unpacked with
# dpkg-deb -x under $VMTEST_CACHE/kernels: never installed on the host.

VMTEST_KERNEL_META=${VMTEST_KERNEL_META:-linux-image-cloud-amd64}

apt_candidate()
{
	apt-cache policy "$1" 2>/dev/null |
		awk '$1 == "Candidate:" && $2 != "(none)" { print $2; exit }'
}

# apt_fetch DIR PKG=VER...: download packages into DIR (never install).
apt_fetch()
{
	local dir=$1

	shift
	need_cmd apt-get
	mkdir -p "$dir"
	vmsg "apt-get download $*"
	# The _apt sandbox user cannot write into the cache: download as root.
	if ! (cd "$dir" && apt-get -q -o APT::Sandbox::User=root download "$@") \
			>"$VMTEST_TMP/apt.log" 2>&1; then
		[ "$VMTEST_VERBOSE" = 1 ] && cat "$VMTEST_TMP/apt.log" >&2
		skip "cannot download $* (no network, or stale package lists: apt-get update)"
	fi
}

# unpack_debs DEST DEB...: dpkg-deb -x every package into DEST/root.
unpack_debs()
{
	local dest=$1 tmp=$1.tmp.$$ deb

	shift
	rm -rf "$tmp"
	mkdir -p "$tmp/root"
	for deb in "$@"; do
		dpkg-deb -x "$deb" "$tmp/root" || die "cannot unpack $deb"
	done
	rm -rf "$dest"
	mv "$tmp" "$dest"
}

# resolve_kernel_pkg NAME: a meta package (linux-image-cloud-amd64) or a
# real one; prints "PKG VERSION" of the package carrying the kernel. A meta
# package pins its kernel with "Depends: linux-image-<abi>-<flavour> (= V)".
resolve_kernel_pkg()
{
	apt-cache show --no-all-versions "$1" 2>/dev/null | awk '
		/^Package: / { pkg = $2 }
		/^Version: / { ver = $2 }
		/^Depends: / && match($0, /linux-image-[^ ,]+ \(= [^)]+\)/) {
			split(substr($0, RSTART, RLENGTH), f, /[ ()=]+/)
			dep = f[1]; depver = f[2]
		}
		END {
			if (dep != "") print dep, depver
			else if (pkg != "") print pkg, ver
			else exit 1
		}'
}

# The newest kernel already in the cache, of the meta package's flavour
# (cloud-amd64) when there is one: used when apt cannot tell what the
# current one is (no package lists, offline).
cached_kernel()
{
	local flavour=${VMTEST_KERNEL_META#linux-image-} stamp

	stamp=$(ls -t "$VMTEST_CACHE"/kernels/linux-image-*-"$flavour"_*/info \
		2>/dev/null | head -n 1)
	[ -n "$stamp" ] ||
		stamp=$(ls -t "$VMTEST_CACHE"/kernels/*/info 2>/dev/null |
			head -n 1)
	[ -n "$stamp" ] || return 1
	awk '{ print $1, $2 }' "$stamp"
}

# kernel_from_root DIR: the kernel of an unpacked package tree.
kernel_from_root()
{
	local root=$1/root

	KERNEL_MODDIR=$(ls -d "$root"/lib/modules/*/ "$root"/usr/lib/modules/*/ \
			2>/dev/null | head -n 1)
	KERNEL_MODDIR=${KERNEL_MODDIR%/}
	[ -n "$KERNEL_MODDIR" ] || die "no lib/modules in $1"
	KERNEL_RELEASE=${KERNEL_MODDIR##*/}
	KERNEL_IMAGE=$(ls "$root"/boot/vmlinuz-"$KERNEL_RELEASE" \
			"$root"/usr/lib/linux/vmlinuz-"$KERNEL_RELEASE" 2>/dev/null |
		head -n 1)
	[ -n "$KERNEL_IMAGE" ] || die "no vmlinuz-$KERNEL_RELEASE in $1"
	KERNEL_CONFIG=$(ls "$root"/boot/config-"$KERNEL_RELEASE" 2>/dev/null |
		head -n 1)
	KERNEL_TREE=
}

# kernel_from_deb_pkg PKG VER [DEB]: unpack (downloading unless DEB is
# given) into the cache once, then use it.
kernel_from_deb_pkg()
{
	local pkg=$1 ver=$2 deb=${3:-} dir

	dir=$VMTEST_CACHE/kernels/${pkg}_$ver
	if [ ! -f "$dir/info" ]; then
		if [ -z "$deb" ]; then
			msg "fetching $pkg $ver"
			apt_fetch "$VMTEST_TMP/debs" "$pkg=$ver"
			deb=$(ls "$VMTEST_TMP"/debs/"${pkg}"_*.deb)
		else
			msg "unpacking $deb"
		fi
		need_cmd dpkg-deb
		unpack_debs "$dir" "$deb"
		echo "$pkg $ver" >"$dir/info"
		rm -rf "$VMTEST_TMP/debs"
	fi
	kernel_from_root "$dir"
	KERNEL_PKG=$pkg
	KERNEL_PKGVER=$ver
	KERNEL_ID="$pkg $ver"
	KERNEL_DESC=$KERNEL_ID
}

# bzimage_release FILE: the release string an x86 boot image carries (the
# setup header points at it), for kernels given without modules.
bzimage_release()
{
	local off

	[ "$(dd if="$1" bs=1 skip=514 count=4 2>/dev/null)" = HdrS ] || return 1
	off=$(od -An -j 526 -N 2 -t u2 "$1" | tr -d ' ')
	dd if="$1" bs=1 skip=$((off + 512)) count=256 2>/dev/null |
		tr '\0' '\n' | head -n 1 | cut -d' ' -f1
}

# kernel_from_dir DIR: a directory with a vmlinuz (DIR/boot/vmlinuz-*,
# DIR/vmlinuz*, or a kernel build tree's arch/x86/boot/bzImage) and,
# optionally, modules under DIR/lib/modules/<release>.
kernel_from_dir()
{
	local dir=$1 f

	KERNEL_IMAGE=
	for f in "$dir"/boot/vmlinuz-* "$dir"/vmlinuz* "$dir"/bzImage \
		 "$dir"/arch/x86/boot/bzImage; do
		[ -f "$f" ] && { KERNEL_IMAGE=$f; break; }
	done
	[ -n "$KERNEL_IMAGE" ] ||
		usage_error "no vmlinuz or bzImage in $dir"
	KERNEL_MODDIR=$(ls -d "$dir"/lib/modules/*/ "$dir"/usr/lib/modules/*/ \
			2>/dev/null | head -n 1)
	KERNEL_MODDIR=${KERNEL_MODDIR%/}
	if [ -n "$KERNEL_MODDIR" ]; then
		KERNEL_RELEASE=${KERNEL_MODDIR##*/}
	else
		KERNEL_RELEASE=$(bzimage_release "$KERNEL_IMAGE") ||
			usage_error "cannot tell the release of $KERNEL_IMAGE"
	fi
	KERNEL_CONFIG=
	for f in "$dir"/boot/config-"$KERNEL_RELEASE" "$dir"/.config \
		 "$dir"/config; do
		[ -f "$f" ] && { KERNEL_CONFIG=$f; break; }
	done
	KERNEL_TREE=
	[ -f "$dir/Module.symvers" ] && [ -f "$dir/Makefile" ] &&
		[ -d "$dir/scripts" ] && KERNEL_TREE=$dir
	KERNEL_PKG=
	KERNEL_PKGVER=
	KERNEL_ID="$(file_id "$KERNEL_IMAGE") $KERNEL_RELEASE"
	KERNEL_DESC=$KERNEL_IMAGE
}

kernel_select()
{
	local arg=$1 pv

	KERNEL_PKG=
	KERNEL_PKGVER=
	if [ -z "$arg" ]; then
		need_cmd apt-cache
		if ! pv=$(resolve_kernel_pkg "$VMTEST_KERNEL_META"); then
			pv=$(cached_kernel) ||
				skip "apt-cache cannot resolve $VMTEST_KERNEL_META and no kernel is cached: run apt-get update (and scripts/install-deps.sh --vmtest)"
			msg "apt-cache cannot resolve $VMTEST_KERNEL_META: using the cached ${pv% *}"
		fi
		kernel_from_deb_pkg ${pv}
	elif [ -d "$arg" ]; then
		kernel_from_dir "$(cd "$arg" && pwd)"
	elif [ -f "$arg" ]; then
		case $arg in
		*.deb) ;;
		*) usage_error "-k $arg: expected a .deb or a directory" ;;
		esac
		need_cmd dpkg-deb
		pv=$(dpkg-deb -f "$arg" Package Version | awk '{ print $2 }' |
			paste -sd' ') || usage_error "-k $arg: not a Debian package"
		kernel_from_deb_pkg ${pv} "$(cd "$(dirname "$arg")" && pwd)/${arg##*/}"
	elif [[ $arg == linux-image-* ]]; then
		need_cmd apt-cache
		pv=$(resolve_kernel_pkg "$arg") ||
			skip "apt-cache does not know $arg: run apt-get update"
		kernel_from_deb_pkg ${pv}
	else
		usage_error "-k $arg: no such file, directory or linux-image package"
	fi
}

# kernel_config_value CONFIG_FOO: y, m, or empty.
kernel_config_value()
{
	[ -n "$KERNEL_CONFIG" ] || return 0
	sed -n "s/^$1=//p" "$KERNEL_CONFIG"
}
