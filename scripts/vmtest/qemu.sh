# SPDX-License-Identifier: GPL-2.0
#
# vmtest.sh: choose the accelerator and run the guest (sourced, not run).
#
# KVM when it works, TCG otherwise. /dev/kvm being there is not enough: on
# a KVM-PVM host (kvm_pvm module) stock kernels crash or hang under
# -accel kvm, so "auto" takes TCG there without trying. Elsewhere a probe
# boot (the guest's /init leaves at once through isa-debug-exit) decides,
# cached per host kernel, QEMU, CPU and guest kernel. "-a probe" probes even
# on KVM-PVM hosts.

QEMU=${QEMU:-qemu-system-x86_64}
VMTEST_PROBE_TIMEOUT=${VMTEST_PROBE_TIMEOUT:-30}
PROBE_STATUS=42
MARK=@@XDP-PERF-VMTEST

kvm_usable()
{
	[ -c /dev/kvm ] && [ -r /dev/kvm ] && [ -w /dev/kvm ]
}

# kill_qemu PIDFILE: stop a QEMU of ours (the pid must still be a QEMU
# started with this pidfile, not a recycled pid).
kill_qemu()
{
	local pid

	[ -f "$1" ] || return 0
	pid=$(cat "$1" 2>/dev/null)
	[ -n "$pid" ] || return 0
	tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -qF -- "$1" ||
		return 0
	kill -TERM "$pid" 2>/dev/null
}

kernel_cmdline()
{
	local loglevel=3 emulated=0

	[ "$VMTEST_VERBOSE" = 1 ] && loglevel=7
	[ "$ACCEL" = tcg ] && emulated=1
	# loglevel=3: only errors and worse reach the console while the
	# command runs (vmtest.sh shows them on stderr).
	echo "console=ttyS0,115200 rdinit=/init panic=-1 loglevel=$loglevel" \
	     "xdp_perf.vm=1 xdp_perf.accel=$ACCEL xdp_perf.emulated=$emulated"
}

qemu_args()
{
	QEMU_ARGS=(-nodefaults -no-reboot -display none -no-user-config
		   -m "$VMTEST_MEM" -smp "$VMTEST_CPUS"
		   -kernel "$KERNEL_IMAGE"
		   -device isa-debug-exit,iobase=0xf4,iosize=0x04)
	if [ "$ACCEL" = kvm ]; then
		QEMU_ARGS+=(-accel kvm -cpu host)
	else
		QEMU_ARGS+=(-accel tcg,thread=multi -cpu max)
	fi
}

# kvm_probe_boot: boot the base initramfs under KVM, expect the probe
# status back. A hang (seen on KVM-PVM) or a KVM error means no.
kvm_probe_boot()
{
	local err=$VMTEST_TMP/probe.err pidfile=$VMTEST_TMP/probe.pid
	local pid ticks=0 rc

	qemu_args
	: >"$err"
	"$QEMU" "${QEMU_ARGS[@]}" -initrd "$BASE_CPIO" \
		-append "$(kernel_cmdline) xdp_perf.probe=1" \
		-serial null -pidfile "$pidfile" </dev/null >/dev/null 2>"$err" &
	pid=$!
	while kill -0 "$pid" 2>/dev/null; do
		PROBE_ERR=$(grep -m 1 -E 'KVM internal error|emulation failure|kvm run failed' "$err")
		[ -z "$PROBE_ERR" ] && [ "$ticks" -ge $((VMTEST_PROBE_TIMEOUT * 5)) ] &&
			PROBE_ERR="no answer in ${VMTEST_PROBE_TIMEOUT}s"
		if [ -n "$PROBE_ERR" ]; then
			kill_qemu "$pidfile"
			wait "$pid" 2>/dev/null
			return 1
		fi
		sleep 0.2
		ticks=$((ticks + 1))
	done
	wait "$pid"
	rc=$?
	[ "$rc" -eq $(((PROBE_STATUS << 1) | 1)) ] && return 0
	PROBE_ERR="QEMU exit status $rc $(head -n 1 "$err")"
	return 1
}

accel_probe()
{
	local file why

	file=$VMTEST_CACHE/accel/$({ uname -r; "$QEMU" --version | head -n 1
		echo "$KERNEL_ID"; grep -m 1 'model name' /proc/cpuinfo; } | key_of)
	if [ "$VMTEST_ACCEL" = auto ] && [ -f "$file" ]; then
		ACCEL=$(head -n 1 "$file")
		ACCEL_WHY="$(tail -n 1 "$file") (cached)"
		return 0
	fi
	msg "probing KVM with a test boot (up to ${VMTEST_PROBE_TIMEOUT}s)"
	ACCEL=kvm
	if kvm_probe_boot; then
		why="a KVM probe boot of this kernel worked"
	else
		ACCEL=tcg
		why="a KVM probe boot of this kernel failed: $PROBE_ERR"
	fi
	mkdir -p "$(dirname "$file")"
	printf '%s\n%s\n' "$ACCEL" "$why" >"$file"
	ACCEL_WHY=$why
}

# accel_select: sets ACCEL (kvm or tcg) and ACCEL_WHY.
accel_select()
{
	case $VMTEST_ACCEL in
	tcg)
		ACCEL=tcg
		ACCEL_WHY="-a tcg" ;;
	kvm)
		kvm_usable || skip "-a kvm: /dev/kvm is missing or not accessible"
		ACCEL=kvm
		ACCEL_WHY="-a kvm" ;;
	*)
		if ! kvm_usable; then
			ACCEL=tcg
			ACCEL_WHY="/dev/kvm missing or not accessible"
		elif [ "$VMTEST_ACCEL" = auto ] && [ -d /sys/module/kvm_pvm ]; then
			ACCEL=tcg
			ACCEL_WHY="host KVM is KVM-PVM (kvm_pvm loaded): stock kernels crash under it"
		else
			accel_probe
		fi ;;
	esac
}

# console_filter: reads the guest's console. The command's output (between
# the BEGIN and END lines) goes to stdout; kernel lines and WARN lines to
# stderr; the boot log only with -v. Everything is kept in console.log,
# the status in console.status.
console_filter()
{
	local line state=boot blank=0 logfd

	exec {logfd}>"$VMTEST_TMP/console.log"
	while IFS= read -r line || [ -n "$line" ]; do
		line=${line%$'\r'}
		printf '%s\n' "$line" >&$logfd
		case $line in
		*"$MARK WARN@@"*)
			echo "vmtest: guest: ${line#*WARN@@ }" >&2
			continue ;;
		"$MARK BEGIN@@")
			state=cmd
			: >"$VMTEST_TMP/console.began"
			continue ;;
		"$MARK END "*@@)
			line=${line#"$MARK END "}
			echo "${line%@@}" >"$VMTEST_TMP/console.status"
			# The END line starts with a newline of its own.
			for ((blank--; blank > 0; blank--)); do
				echo
			done
			blank=0
			state=after
			continue ;;
		esac
		if [ "$state" != cmd ]; then
			[ "$VMTEST_VERBOSE" = 1 ] && printf '%s\n' "$line" >&2
			continue
		fi
		if [[ $line =~ ^\[\ *[0-9]+\.[0-9]+\]\  ]]; then
			printf 'vmtest: kernel: %s\n' "$line" >&2
		elif [ -z "$line" ]; then
			blank=$((blank + 1))
		else
			for (( ; blank > 0; blank--)); do
				echo
			done
			printf '%s\n' "$line"
		fi
	done
}

# vm_run INITRD: boot, stream the console, set VM_STATUS.
vm_run()
{
	local to=() qemu_rc status pidfile=$VMTEST_TMP/qemu.pid

	qemu_args
	[ "$VMTEST_TIMEOUT" -gt 0 ] &&
		to=(timeout --foreground -k 10 "$VMTEST_TIMEOUT")
	: >"$VMTEST_TMP/ttyS1"
	VM_STARTED=1
	# In the background so that a signal reaches our trap at once: the
	# trap stops QEMU through its pidfile.
	{
		"${to[@]}" "$QEMU" "${QEMU_ARGS[@]}" -initrd "$1" \
			-append "$(kernel_cmdline)" \
			-serial stdio -serial "file:$VMTEST_TMP/ttyS1" \
			-pidfile "$pidfile" </dev/null 2>"$VMTEST_TMP/qemu.err"
		echo $? >"$VMTEST_TMP/qemu.rc"
	} | console_filter &
	wait $!
	qemu_rc=$(cat "$VMTEST_TMP/qemu.rc" 2>/dev/null)
	status=$(cat "$VMTEST_TMP/console.status" 2>/dev/null)
	VM_FINISHED=0
	if [ -n "$status" ]; then
		VM_FINISHED=1
		VM_STATUS=$status
		# isa-debug-exit carries 7 bits: it must agree with the console.
		if [ $((qemu_rc & 1)) = 1 ] && [ $((qemu_rc >> 1)) != $((status & 0x7f)) ]; then
			msg "warning: isa-debug-exit gave $((qemu_rc >> 1)), the console $status"
		fi
		return 0
	fi
	VM_STATUS=1
	if [ "$qemu_rc" = "$EXIT_TIMEOUT" ]; then
		msg "error: the guest did not finish within ${VMTEST_TIMEOUT}s (-t to change)"
		VM_STATUS=$EXIT_TIMEOUT
	elif [ -s "$VMTEST_TMP/qemu.err" ]; then
		msg "error: QEMU failed (exit status $qemu_rc):"
		head -n 5 "$VMTEST_TMP/qemu.err" >&2
	elif [ -f "$VMTEST_TMP/console.began" ]; then
		msg "error: the guest stopped while the command ran (kernel lines above; -v shows all)"
		return 0
	else
		msg "error: the guest stopped before running the command (QEMU exit status $qemu_rc)"
	fi
	# Boot failures and hangs: the end of the console says why.
	[ "$VMTEST_VERBOSE" = 1 ] || [ -f "$VMTEST_TMP/console.began" ] ||
		{ msg "last console lines (-v shows all):"; tail -n 25 "$VMTEST_TMP/console.log" >&2; }
}

# copy_back: what the guest sent over ttyS1 (a cpio archive of paths
# relative to the suite directory) into the output directory. The archive
# comes from a system we do not trust more than its command: it must hold
# regular files only, with relative names and no "..", and is unpacked in
# a private directory first. Only result files come back: those under
# results/ (no name starting with a dot), into results/ of the output
# directory, without execute permission, each only where no file is yet
# and no symlink is on its way (never over a host file, never a new
# executable, e.g. a hook in .git/hooks/).
copy_back()
{
	local cpio_file=$VMTEST_TMP/back.cpio dir=$VMTEST_TMP/back

	[ "$VM_FINISHED" = 1 ] && [ -s "$VMTEST_TMP/ttyS1" ] || return 0
	if ! base64 -d -i <"$VMTEST_TMP/ttyS1" >"$cpio_file" ||
	   ! cpio -t --quiet <"$cpio_file" >"$VMTEST_TMP/back.names" 2>/dev/null ||
	   ! cpio -t -v --quiet <"$cpio_file" >"$VMTEST_TMP/back.list" 2>/dev/null; then
		msg "warning: cannot read the files the guest sent back"
		return 0
	fi
	if grep -qv '^-' "$VMTEST_TMP/back.list" ||
	   grep -qE '^/|(^|/)\.\.(/|$)' "$VMTEST_TMP/back.names"; then
		msg "warning: the guest sent back something else than regular files under the suite directory: nothing copied"
		return 0
	fi
	mkdir -m 0700 "$dir" && (cd "$dir" && cpio -i -d -m --quiet \
		--no-absolute-filenames <"$cpio_file") 2>/dev/null || {
		msg "warning: cannot extract the files the guest sent back"
		return 0
	}
	copy_back_results "$dir"
}

# A result file: under results/, no component starting with a dot.
is_result_path()
{
	[[ $1 =~ ^results(/[^./][^/]*)+$ ]]
}

# copy_back_results DIR: the result files of DIR (the unpacked archive)
# into results/ of the output directory, as copy_back says.
copy_back_results()
{
	local dir=$1 f rel copied=() kept=0 outside=0 n

	while IFS= read -r -d '' f; do
		rel=${f#"$dir"/}
		rel=${rel#./}
		if ! is_result_path "$rel"; then
			outside=$((outside + 1))
			continue
		fi
		if ! chmod 0644 -- "$f" || ! host_path_free "$VMTEST_OUTPUT" "$rel" ||
		   ! mkdir -p "$VMTEST_OUTPUT/$(dirname "$rel")" ||
		   ! cp -n --preserve=timestamps -- "$f" "$VMTEST_OUTPUT/$rel"; then
			kept=$((kept + 1))
			continue
		fi
		copied+=("$rel")
	done < <(find "$dir" -type f -print0 | sort -z)
	n=${#copied[@]}
	[ "$n" -eq 0 ] ||
		msg "copied back into $VMTEST_OUTPUT: ${copied[*]:0:8}$([ "$n" -gt 8 ] && echo " ... ($n files)")"
	[ "$kept" -eq 0 ] ||
		msg "warning: $kept files not copied back: a file of that name is on the host already, or a symlink on the way (they are not overwritten)"
	[ "$outside" -eq 0 ] ||
		msg "warning: $outside files not copied back: only result files come back, under results/ with no name starting with a dot (write them with --out results/NAME)"
}

# host_path_free BASE REL: no file at BASE/REL yet, and no symlink among
# the directories between BASE and it.
host_path_free()
{
	local path=$1 part rest=$2

	while [[ $rest == */* ]]; do
		part=${rest%%/*}
		rest=${rest#*/}
		path=$path/$part
		[ -L "$path" ] && return 1
		[ -e "$path" ] && [ ! -d "$path" ] && return 1
	done
	[ ! -e "$path/$rest" ] && [ ! -L "$path/$rest" ]
}
