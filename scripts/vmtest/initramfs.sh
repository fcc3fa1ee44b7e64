# SPDX-License-Identifier: GPL-2.0
#
# vmtest.sh: build the guest's initramfs (sourced, not run).
#
# Two uncompressed cpio archives, concatenated at boot (the kernel unpacks
# one after the other):
#   base   busybox, bpftool, iproute2 (ip, tc), bash, ethtool, their shared
#          libraries, the kernel modules, /init and debug_exit. Cached in
#          $VMTEST_CACHE/initramfs/ under a key of every input.
#   suite  the suite's build output and the command: rebuilt at every run,
#          small and fast.
# The guest has a merged-/usr layout (/bin, /sbin, /lib, /lib64 are links
# into /usr), like the host it is built from.

# Host programs the guest gets, besides busybox. iproute2's ip must win over
# busybox's (which lacks xdpoffload): real programs go in before the applet
# links, and applets never replace a file.
VMTEST_BINS=${VMTEST_BINS:-"bpftool ip tc bash ethtool"}
# Modules loaded at boot, with their dependencies: veth for the suite's
# namespaces, netdevsim (and psample, its dependency) for offload, the rest
# for tc-based tests. Missing or built-in ones are left out.
VMTEST_MODULES=${VMTEST_MODULES:-"veth psample netdevsim sch_ingress cls_bpf"}

# guest_path HOSTPATH: where a host file goes in the merged-/usr guest.
guest_path()
{
	case $1 in
	/bin/* | /sbin/* | /lib/* | /lib64/*) echo "/usr$1" ;;
	*) echo "$1" ;;
	esac
}

# elf_libs FILE...: the shared libraries and loader the files need.
elf_libs()
{
	local f

	for f in "$@"; do
		ldd "$f" 2>/dev/null
	done | awk '$2 == "=>" && $3 ~ /^\// { print $3 }
		    $1 ~ /^\// { print $1 }' | sort -u
}

is_dynamic_elf()
{
	[ "$(head -c 4 "$1" 2>/dev/null)" = $'\x7fELF' ] &&
		ldd "$1" >/dev/null 2>&1
}

# stage_file STAGE HOSTPATH [GUESTPATH]: copy, following links.
stage_file()
{
	local dest=$1${3:-$(guest_path "$2")}

	mkdir -p "$(dirname "$dest")"
	cp -L "$2" "$dest"
}

# stage_libs STAGE FILE...: the libraries the files need.
stage_libs()
{
	local stage=$1 lib

	shift
	for lib in $(elf_libs "$@"); do
		[ -e "$stage$(guest_path "$lib")" ] || stage_file "$stage" "$lib"
	done
}

host_bins()
{
	local b p

	for b in $VMTEST_BINS; do
		p=$(command -v "$b" 2>/dev/null) || continue
		[ "${p#/}" != "$p" ] && echo "$p"
	done
}

# debug_exit is compiled once per source version.
debug_exit_bin()
{
	local src=$VMTEST_DIR/debug_exit.c bin

	bin=$VMTEST_CACHE/tools/debug_exit-$(key_of <"$src")
	if [ ! -x "$bin" ]; then
		need_cmd gcc
		mkdir -p "$(dirname "$bin")"
		gcc -O2 -Wall -Wextra -o "$bin.tmp.$$" "$src" ||
			die "cannot build $src"
		mv "$bin.tmp.$$" "$bin"
	fi
	echo "$bin"
}

# module_index: every module file of the kernel, relative to its directory.
module_index()
{
	: >"$VMTEST_TMP/all-modules"
	[ -n "$KERNEL_MODDIR" ] || return 0
	(cd "$KERNEL_MODDIR" && find kernel updates extra -name '*.ko*' \
		2>/dev/null) >"$VMTEST_TMP/all-modules"
}

# module_path NAME: the file of module NAME ("-" and "_" are the same in
# module names); fails for built-in and absent modules.
module_path()
{
	awk -v n="${1//-/_}" '{
		b = $0; sub(/.*\//, "", b); sub(/\.ko(\.[a-z]+)?$/, "", b)
		gsub(/-/, "_", b); if (b == n) { print; found = 1; exit } }
		END { exit !found }' "$VMTEST_TMP/all-modules"
}

# stage_module STAGE RELPATH: copy one module, decompressed (busybox
# insmod reads plain .ko only); prints the staged file.
stage_module()
{
	local rel=$2 dest

	dest=$1/usr/lib/modules/$KERNEL_RELEASE/${rel%.ko*}.ko
	mkdir -p "$(dirname "$dest")"
	case $rel in
	*.ko) cp "$KERNEL_MODDIR/$rel" "$dest" ;;
	*.ko.xz) xz -dc "$KERNEL_MODDIR/$rel" >"$dest" ;;
	*.ko.zst) zstd -qdc "$KERNEL_MODDIR/$rel" >"$dest" ;;
	*.ko.gz) gzip -dc "$KERNEL_MODDIR/$rel" >"$dest" ;;
	esac
	echo "$dest"
}

# stage_modules STAGE: the requested modules and their dependencies
# (modinfo of the staged files), netdevsim from NSIM_KO when it was built
# out of tree; then modules.dep (depmod) for modprobe in the guest and the
# boot-time load order in /etc/vmtest/modules.
stage_modules()
{
	local stage=$1 dir=$1/usr/lib/modules/$KERNEL_RELEASE
	local queue=($VMTEST_MODULES) name rel staged dep f
	local -A seen=()

	: >"$stage/etc/vmtest/modules"
	[ -n "$KERNEL_MODDIR" ] || [ -n "$NSIM_KO" ] || return 0
	mkdir -p "$dir"
	# depmod and modprobe in the guest want to know the built-in ones.
	for f in modules.order modules.builtin modules.builtin.modinfo; do
		[ -f "$KERNEL_MODDIR/$f" ] && cp "$KERNEL_MODDIR/$f" "$dir/"
	done
	module_index
	while [ ${#queue[@]} -gt 0 ]; do
		name=${queue[0]//-/_}
		queue=("${queue[@]:1}")
		[ -n "${seen[$name]:-}" ] && continue
		seen[$name]=1
		if [ "$name" = netdevsim ] && [ -n "$NSIM_KO" ]; then
			staged=$dir/extra/netdevsim.ko
			mkdir -p "$dir/extra"
			cp "$NSIM_KO" "$staged"
		elif rel=$(module_path "$name"); then
			staged=$(stage_module "$stage" "$rel")
		else
			vmsg "module $name: built in or absent"
			continue
		fi
		for dep in $(modinfo -F depends "$staged" | tr , ' '); do
			queue+=("$dep")
		done
	done
	depmod -b "$stage" "$KERNEL_RELEASE" ||
		die "depmod failed for the guest's modules"
	for name in $VMTEST_MODULES; do
		modprobe -d "$stage" -S "$KERNEL_RELEASE" --show-depends \
			"$name" 2>/dev/null
	done | awk -v p="/lib/modules/$KERNEL_RELEASE/" '
		$1 == "insmod" && !seen[$2]++ && (i = index($2, p)) {
			print substr($2, i + length(p)) }' \
		>"$stage/etc/vmtest/modules"
}

base_key()
{
	{
		echo "$KERNEL_ID $KERNEL_RELEASE $VMTEST_MODULES $VMTEST_BINS"
		[ -n "$NSIM_KO" ] && md5sum <"$NSIM_KO"
		file_id /bin/busybox $(host_bins) $(elf_libs /bin/busybox $(host_bins))
		[ -n "$KERNEL_CONFIG" ] && file_id "$KERNEL_CONFIG"
		cat "$VMTEST_DIR/init" "$VMTEST_DIR/initramfs.sh" \
			"$VMTEST_DIR/debug_exit.c"
	} | key_of
}

# make_cpio DIR OUT: an uncompressed newc archive of DIR, owned by root.
make_cpio()
{
	(cd "$1" && find . -mindepth 1 | LC_ALL=C sort |
		cpio -o -H newc -R 0:0 --quiet) >"$2.tmp.$$" ||
		die "cpio failed for $1"
	mv "$2.tmp.$$" "$2"
}

stage_busybox()
{
	local stage=$1 applet dest

	stage_file "$stage" /bin/busybox /usr/bin/busybox
	stage_libs "$stage" /bin/busybox
	for applet in $(/bin/busybox --list-full); do
		dest=$stage$(guest_path "/$applet")
		[ -e "$dest" ] && continue
		mkdir -p "$(dirname "$dest")"
		ln -s /usr/bin/busybox "$dest"
	done
}

build_base()
{
	local stage=$VMTEST_TMP/base out=$1 bin d

	rm -rf "$stage"
	mkdir -p "$stage"/{usr/bin,usr/sbin,usr/lib,usr/lib64,etc/vmtest}
	for d in bin sbin lib lib64; do
		ln -s "usr/$d" "$stage/$d"
	done
	mkdir -p "$stage"/{dev,proc,sys,tmp,run,root,mnt,boot,var/tmp}
	# tests drop privileges (uid 65534) and still need a scratch dir
	chmod 1777 "$stage/tmp" "$stage/var/tmp"
	for bin in $(host_bins); do
		stage_file "$stage" "$bin"
		stage_libs "$stage" "$bin"
	done
	stage_busybox "$stage"
	bin=$(debug_exit_bin)
	stage_file "$stage" "$bin" /usr/lib/vmtest/debug_exit
	stage_libs "$stage" "$bin"
	install -m 0755 "$VMTEST_DIR/init" "$stage/init"
	printf '%s\n' "root:x:0:0:root:/root:/bin/sh" \
		"nobody:x:65534:65534:nobody:/nonexistent:/bin/false" \
		>"$stage/etc/passwd"
	printf '%s\n' "root:x:0:" "nogroup:x:65534:" >"$stage/etc/group"
	stage_modules "$stage"
	# Tests compare their needs with the kernel's config.
	[ -n "$KERNEL_CONFIG" ] &&
		cp "$KERNEL_CONFIG" "$stage/boot/config-$KERNEL_RELEASE"
	make_cpio "$stage" "$out"
	rm -rf "$stage"
}

# initramfs_base: sets BASE_CPIO, building it when an input changed.
initramfs_base()
{
	local dir=$VMTEST_CACHE/initramfs

	BASE_CPIO=$dir/base-$(base_key).cpio
	if [ -f "$BASE_CPIO" ]; then
		vmsg "base initramfs $BASE_CPIO (cached)"
		return 0
	fi
	msg "building the base initramfs"
	mkdir -p "$dir"
	build_base "$BASE_CPIO"
	# Keep the four most recent bases (several kernels in turn).
	ls -t "$dir"/base-*.cpio | tail -n +5 | xargs -r rm -f
}

# The top-level directories of the output holding BPF objects (bpf/,
# gen-progs/, ...: wherever the Makefile puts them), build intermediates
# and caches left out.
bpf_object_dirs()
{
	(cd "$VMTEST_OUTPUT" && find . -maxdepth 4 \
		\( -path ./.git -o -path ./.vmtest-cache -o -path ./build \
		   -o -path ./results -o -path ./kselftest_install \) -prune \
		-o -name '*.bpf.o' -print | cut -d/ -f2 | sort -u)
}

# The suite's files that go into the guest, as "host-path<TAB>name": the
# binary and every directory of BPF objects from the build output, the
# kselftest files from the source tree (as "make install" lays them out),
# when present.
suite_files()
{
	local f

	for f in test_perf kselftest-list.txt $(bpf_object_dirs); do
		[ -e "$VMTEST_OUTPUT/$f" ] && printf '%s\t%s\n' "$VMTEST_OUTPUT/$f" "$f"
	done
	for f in run_tests.sh config settings scripts; do
		if [ -e "$VMTEST_OUTPUT/$f" ]; then
			printf '%s\t%s\n' "$VMTEST_OUTPUT/$f" "$f"
		elif [ -e "$SRCDIR/$f" ]; then
			printf '%s\t%s\n' "$SRCDIR/$f" "$f"
		fi
	done
	return 0
}

# shell_quote ARG...: POSIX single quoting, for busybox sh.
shell_quote()
{
	local a out=

	for a in "$@"; do
		out+=" '${a//\'/\'\\\'\'}'"
	done
	echo "${out# }"
}

# initramfs_suite OUT CMD...: the per-run archive.
initramfs_suite()
{
	local out=$1 stage=$VMTEST_TMP/suite dir host name f

	shift
	rm -rf "$stage"
	dir=$stage$VMTEST_OUTPUT
	mkdir -p "$dir" "$stage/etc/vmtest"
	while IFS=$'\t' read -r host name; do
		cp -a "$host" "$dir/$name"
	done < <(suite_files)
	for f in "${VMTEST_INCLUDE[@]}"; do
		mkdir -p "$stage$(dirname "$f")"
		cp -a "$f" "$stage$f"
	done
	# Shared libraries of every program shipped in.
	while read -r f; do
		is_dynamic_elf "$f" && stage_libs "$stage" "$f"
	done < <(find "$stage" -type f -perm -u+x)
	(cd "$dir" && find . -type f) >"$stage/etc/vmtest/shipped"
	echo "$VMTEST_OUTPUT" >"$stage/etc/vmtest/cwd"
	echo "$KERNEL_DESC" >"$stage/etc/vmtest/kernel"
	echo "$VMTEST_COPY_BACK_MAX" >"$stage/etc/vmtest/copy_back_max"
	echo "exec $(shell_quote "$@")" >"$stage/etc/vmtest/cmd"
	# a suite under /tmp brings its parents: keep the base's modes
	for f in tmp var/tmp; do
		if [ -d "$stage/$f" ]; then
			chmod 1777 "$stage/$f"
		fi
	done
	make_cpio "$stage" "$out"
	rm -rf "$stage"
}
