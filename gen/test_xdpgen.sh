#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Tests of gen/xdpgen without the kernel: fixed cases (valid specs, bad
# specs with their message, offload refusals, --counts) and a fuzz of the
# command line with random argument vectors built from options, values and
# garbage. Every run must exit 0 (stderr empty) or 2 (exactly one line on
# stderr starting with "xdpgen: "); anything else, a crash included, fails.
# xdpgen also exits 1 when what it wrote disagrees with the formulas of
# gen_formula.c, so every valid random spec checks the formulas too.
#
# Usage: test_xdpgen.sh [XDPGEN] [-n VECTORS] [-s SEED] [-a ASAN_VECTORS]
#   XDPGEN defaults to build/xdpgen beside this directory. With a compiler
#   that has -fsanitize=address,undefined, ASAN_VECTORS more vectors (default
#   300) run against a sanitized build made from gen/*.c in a temp dir.
# Exit: 0 pass, 1 fail, 2 usage, 4 skip (no xdpgen).

set -u

GEN_DIR=$(cd "$(dirname "$0")" && pwd)
XDPGEN=""
VECTORS=3000
ASAN_VECTORS=300
SEED=$$

usage() {
	echo "usage: $0 [XDPGEN] [-n VECTORS] [-s SEED] [-a ASAN_VECTORS]" >&2
	exit 2
}

is_count() {
	[[ $1 =~ ^[0-9]+$ ]] && [ ${#1} -lt 10 ]
}

while [ $# -gt 0 ]; do
	case $1 in
	-n) shift; is_count "${1:-}" || usage; VECTORS=$1 ;;
	-s) shift; is_count "${1:-}" || usage; SEED=$1 ;;
	-a) shift; is_count "${1:-}" || usage; ASAN_VECTORS=$1 ;;
	-h|--help) usage ;;
	-*) usage ;;
	*) [ -z "$XDPGEN" ] || usage; XDPGEN=$1 ;;
	esac
	shift
done
[ -n "$XDPGEN" ] || XDPGEN=$GEN_DIR/../build/xdpgen
if [ ! -x "$XDPGEN" ]; then
	echo "test_xdpgen: SKIP: no executable $XDPGEN (run make first)" >&2
	exit 4
fi
XDPGEN=$(cd "$(dirname "$XDPGEN")" && pwd)/$(basename "$XDPGEN")

WORK=$(mktemp -d /tmp/test_xdpgen.XXXXXX) || exit 1
trap 'rm -rf "$WORK"' EXIT
cd "$WORK" || exit 1

FAILS=0
CHECKS=0

fail() {
	FAILS=$((FAILS + 1))
	echo "not ok - $*"
}

# run BIN ARGS...: sets RC, OUT (first 200 bytes of stdout), ERR (stderr).
run() {
	local bin=$1
	shift
	"$bin" "$@" >"$WORK/out" 2>"$WORK/err"
	RC=$?
	OUT=$(head -c 200 "$WORK/out")
	ERR=$(cat "$WORK/err")
}

show() {
	local a s=""

	for a in "$@"; do
		s+=" '$(printf '%s' "$a" | head -c 60 | tr -c '[:print:]' '?')'"
	done
	echo "$s"
}

# The contract of one run, whatever the arguments.
check_contract() {
	local bin=$1 lines
	shift
	CHECKS=$((CHECKS + 1))
	case $RC in
	0)
		[ -z "$ERR" ] || { fail "exit 0 with stderr '$ERR':$(show "$@")"; return 1; }
		;;
	2)
		lines=$(printf '%s\n' "$ERR" | wc -l)
		if [ "$lines" -ne 1 ] || [[ $ERR != "xdpgen: "* ]]; then
			fail "exit 2 without one 'xdpgen: ' line ($lines lines):$(show "$@")"
			return 1
		fi
		;;
	*)
		fail "exit $RC (crash or internal error: ${ERR:0:200}):$(show "$@")"
		return 1
		;;
	esac
	return 0
}

expect_ok() {
	run "$XDPGEN" "$@"
	check_contract "$XDPGEN" "$@" || return
	[ "$RC" -eq 0 ] || { fail "expected success:$(show "$@") -> $ERR"; return; }
	[ -n "$OUT" ] || fail "no output:$(show "$@")"
}

# expect_err PATTERN ARGS...: exit 2 with a message matching PATTERN.
expect_err() {
	local pattern=$1
	shift
	run "$XDPGEN" "$@"
	check_contract "$XDPGEN" "$@" || return
	[ "$RC" -eq 2 ] || { fail "expected exit 2:$(show "$@")"; return; }
	[[ $ERR == *$pattern* ]] || fail "message '$ERR' lacks '$pattern':$(show "$@")"
}

# expect_counts "insns N cond_jumps M" ARGS...
expect_counts() {
	local want=$1 got
	shift
	run "$XDPGEN" --counts "$@"
	check_contract "$XDPGEN" --counts "$@" || return
	got=$(head -2 "$WORK/out" | tr '\n' ' ')
	[ "$got" = "$want " ] || fail "--counts$(show "$@"): '$got', expected '$want'"
}

fixed_cases() {
	local opt

	run "$XDPGEN" --help
	[ "$RC" -eq 0 ] || fail "--help exit $RC"
	for opt in --insns --branches --pattern --map --map-op --map-entries \
		   --key-size --miss --payload --tailcalls --loop --loop-kind \
		   --alu --offload --working-set -o --conf --point --counts; do
		grep -q -- "$opt" "$WORK/out" || fail "--help does not document $opt"
	done

	expect_ok
	expect_ok --insns 0
	expect_ok --insns=17 --offload
	expect_ok --branches 5 --pattern alternate
	expect_ok --map lpm_trie:3 --key-size 5 --map-entries 128 --miss
	expect_ok --map percpu_hash:2 --map-op update --key-size 3
	expect_ok --payload 1472
	expect_ok --tailcalls 33
	expect_ok --loop 8388608
	expect_ok --loop 65536 --loop-kind bounded
	expect_ok --alu mod32:5
	expect_ok --alu bswap64:3 --insns 2 --branches 1 --payload 8 \
		  --map hash:1 --loop 1 --tailcalls 1

	expect_counts "insns 7 cond_jumps 0" --insns 7
	expect_counts "insns 8 cond_jumps 3" --branches 3
	expect_counts "insns 3 cond_jumps 0" --alu add64:3
	expect_counts "insns 10 cond_jumps 0" --alu div64:2
	expect_counts "insns 26 cond_jumps 2" --map hash:2
	expect_counts "insns 66 cond_jumps 16" --payload 128
	expect_counts "insns 0 cond_jumps 0" --tailcalls 5
	expect_counts "insns 58 cond_jumps 3" --map hash:2 --working-set 1024
	expect_ok --map lpm_trie:1 --working-set 1048576
	expect_ok --map array:4 --map-op update --working-set 64 --map-entries 128

	expect_err "unknown option" --bogus
	expect_err "needs a value" --insns
	expect_err "out of range" --insns 499001
	expect_err "not a decimal number" --insns -1
	expect_err "not a decimal number" --insns 0x10
	expect_err "out of range" --insns 99999999999999999999999999
	expect_err "given twice" --insns 1 --insns 2
	expect_err "needs --branches" --pattern taken
	expect_err "needs --map" --miss
	expect_err "needs --loop" --loop-kind bounded
	expect_err "not a power of two" --map hash:1 --map-entries 1000
	expect_err "4 bytes" --map array:1 --key-size 8
	expect_err "5..256" --map lpm_trie:1 --key-size 4
	expect_err "do not fit" --map hash:1 --key-size 1 --map-entries 256 --miss
	expect_err "not a multiple of 8" --payload 12
	expect_err "out of range" --tailcalls 34
	expect_err "bounded loop" --loop 65537 --loop-kind bounded
	expect_err "width suffix" --alu mul:3
	expect_err "needs --map" --working-set 8
	expect_err "not a power of two" --map hash:1 --working-set 1000
	expect_err "do not fit" --map hash:1 --working-set 64 --map-entries 32
	expect_err "PERCPU_ARRAY" --offload --map hash:1 --working-set 64
	expect_err "width suffix" --alu mul16:3
	expect_err "unknown value" --alu foo64:3
	expect_err "NAME:N" --alu mul64
	expect_err "conditional jumps" --branches 8000 --map hash:1000
	expect_err "extra instructions" --insns 400000 --alu add64:100000
	expect_err "tail calls cannot be offloaded to nfp" --offload --tailcalls 1
	expect_err "bpf_loop cannot be offloaded to nfp" --offload --loop 4
	expect_err "lru_hash maps cannot be offloaded" --offload --map lru_hash:1
	expect_err "64-bit multiply" --offload --alu mul64:1
	expect_err "64-bit division" --offload --alu div64:1
	expect_err "modulo cannot be offloaded" --offload --alu mod32:1
	expect_err "too large for nfp" --offload --map hash:1 --key-size 65
	expect_err "go together" --conf x
	expect_err "No such file" --conf /nonexistent --point p
	expect_err "cannot write" --insns 1 -o /nonexistent/dir/x.c

	printf 'a quick --insns 3\nb full --nope\n' >"$WORK/bad.conf"
	expect_err "bad.conf:2" --conf "$WORK/bad.conf" --point a
	printf 'a quick --insns 3\nb full --branches 2\n' >"$WORK/good.conf"
	run "$XDPGEN" --conf "$WORK/good.conf" --point b -o "$WORK/b.c"
	[ "$RC" -eq 0 ] && grep -q "branches 2" "$WORK/b.c" ||
		fail "--conf/--point did not write b.c ($RC: $ERR)"
	expect_err "no point named" --conf "$WORK/good.conf" --point c
}

# ---- fuzz -----------------------------------------------------------

OPTS=(--insns --branches --pattern --map --map-op --map-entries --key-size
      --miss --payload --tailcalls --loop --loop-kind --alu --offload -o
      --counts --conf --point --help -h --insns= --map= --alu= --loop
      --working-set --working-set=
      --branch --maps - -- "" --INSNS -insns)
VALUES=(0 1 2 3 4 5 7 8 16 33 34 64 128 255 256 257 1024 1472 4096 8160 8161
	9000 9008 38000 38001 65536 65537 499000 499001 8388608 8388609
	16777216 16777217 4294967296 18446744073709551616 -1 +4 0x10 1e3 ""
	" " "4 4" 007 "%s%n%x" $'\x01\x02' "$(printf 'A%.0s' {1..300})" "８"
	array:4 percpu_array:0 hash:16 percpu_hash:1 lru_hash:3 lpm_trie:2
	hash: :4 hash:-1 hash:x lpm_trie:8186 array:38001 "hash:4:4"
	add64:8 sub32:1 mul64:128 div32:0 div64:3 mod64:2 mod32:9 and32:1
	or64:1 xor32:5 lsh64:2 rsh32:3 arsh64:4 neg32:6 bswap64:7 bswap16:4
	add:5 add64 ADD64:1 mul64:499001 div64:249497
	taken not-taken alternate not_taken bpf_loop bounded lookup update
	array hash lpm_trie good.conf bad.conf nonexistent.conf a b c
	out.c .)

random_vector() {
	local n=$((RANDOM % 9)) i r
	VEC=()
	for ((i = 0; i < n; i++)); do
		r=$((RANDOM % 10))
		if [ $r -lt 4 ]; then
			VEC+=("${OPTS[RANDOM % ${#OPTS[@]}]}")
		elif [ $r -lt 9 ]; then
			VEC+=("${VALUES[RANDOM % ${#VALUES[@]}]}")
		else	# an option with its value glued on
			VEC+=("${OPTS[RANDOM % ${#OPTS[@]}]}=${VALUES[RANDOM % ${#VALUES[@]}]}")
		fi
	done
}

fuzz() {
	local bin=$1 count=$2 i ok=0 err2=0

	for ((i = 0; i < count; i++)); do
		random_vector
		run "$bin" "${VEC[@]}"
		check_contract "$bin" "${VEC[@]}" || continue
		if [ "$RC" -eq 0 ]; then ok=$((ok + 1)); else err2=$((err2 + 1)); fi
	done
	echo "# fuzz $(basename "$bin"): $count vectors, $ok accepted, $err2 refused"
}

sanitized_build() {
	local cc=${CC:-cc}

	$cc -g -O1 -fsanitize=address,undefined -fno-sanitize-recover=all \
	    -I"$GEN_DIR" "$GEN_DIR"/*.c \
	    -o "$WORK/xdpgen-asan" 2>/dev/null
}

printf 'a quick --insns 3\nb full --nope\n' >"$WORK/bad.conf"
printf 'a quick --insns 3\nb full --branches 2 --pattern taken\n' >"$WORK/good.conf"
RANDOM=$SEED
echo "# test_xdpgen: $XDPGEN, seed $SEED"
fixed_cases
fuzz "$XDPGEN" "$VECTORS"
if [ "$ASAN_VECTORS" -gt 0 ]; then
	if sanitized_build; then
		export ASAN_OPTIONS=detect_leaks=1:exitcode=99
		export UBSAN_OPTIONS=halt_on_error=1:exitcode=98
		fuzz "$WORK/xdpgen-asan" "$ASAN_VECTORS"
	else
		echo "# no -fsanitize=address,undefined here: sanitized fuzz skipped"
	fi
fi

if [ $FAILS -ne 0 ]; then
	echo "test_xdpgen: FAIL: $FAILS of $CHECKS checks (seed $SEED)"
	exit 1
fi
echo "test_xdpgen: PASS: $CHECKS checks (seed $SEED)"
exit 0
