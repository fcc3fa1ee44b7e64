#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Calibrate the regression gate on this machine: how often does it fail
# when nothing changed (A/A: false alarms), and how often does it catch a
# program that does a known amount more work (A/B: detection)? Both
# through --vs (two programs in one run) and through --compare (two
# --quick runs), at the defaults the suite ships.
#
# The programs are generated: the base is xdpgen --insns B (the forwarder
# plus a chain of B dependent instructions), the variants add enough
# instructions for +2, +3, +5 and +10% of the base's cost, as measured by a
# pilot run here. Trials of every kind are interleaved, so that a slow
# phase of the machine hits all of them alike.
#
#   scripts/gate-calibration.sh [--pairs N] [--out DIR] [--append]
#                               [--only KINDS] [--base-insns B] [--effects LIST]
#   make calibrate ARGS="--pairs 20"
#
# KINDS: vs_aa vs_ab cmp_aa cmp_ab suite_aa (default: all but suite_aa,
# which compares two --quick runs of the whole microbenchmark suite and
# takes minutes per pair). --append adds to DIR's trials (run it in chunks)
# and --summary only prints the table of DIR's trials. Exit 0, 1 on a
# failure to measure, 2 on bad usage, 4 when the suite cannot run here.

set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TEST_PERF=${TEST_PERF:-$ROOT/test_perf}
XDPGEN=${XDPGEN:-$ROOT/build/xdpgen}
CLANG=${CLANG:-clang}
BPF_CFLAGS=${BPF_CFLAGS:-"-g -O2 -target bpf -mcpu=v3 -Wall -Werror -I$ROOT/progs -I$ROOT/build -I/usr/include/$(gcc -dumpmachine 2>/dev/null)"}
PAIRS=10
OUT=
APPEND=0
SUMMARY_ONLY=0
KINDS="vs_aa vs_ab cmp_aa cmp_ab"
BASE_INSNS=1024
EFFECTS="2 3 5 10"
MICRO_TESTS=xdp_fwd,insn_count,branches,map_access,payload,tail_calls,loops,alu_ops

usage() {
	sed -n '3,/^$/s/^# \{0,1\}//p' "$0"
	exit "${1:-2}"
}

die() {
	echo "gate-calibration: $*" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case $1 in
	--pairs) PAIRS=$2; shift ;;
	--out) OUT=$2; shift ;;
	--append) APPEND=1 ;;
	--summary) SUMMARY_ONLY=1 ;;
	--only) KINDS=${2//,/ }; shift ;;
	--base-insns) BASE_INSNS=$2; shift ;;
	--effects) EFFECTS=${2//,/ }; shift ;;
	--test-perf) TEST_PERF=$2; shift ;;
	--xdpgen) XDPGEN=$2; shift ;;
	--bpf-cflags) BPF_CFLAGS=$2; shift ;;
	-h|--help) usage 0 ;;
	*) die "unknown argument '$1' (see --help)" ;;
	esac
	shift
done
[[ $PAIRS =~ ^[0-9]+$ ]] && [ "$PAIRS" -ge 1 ] || die "--pairs wants a count >= 1"
[[ $BASE_INSNS =~ ^[0-9]+$ ]] || die "--base-insns wants a number"
for k in $KINDS; do
	case $k in vs_aa|vs_ab|cmp_aa|cmp_ab|suite_aa) ;;
	*) die "unknown kind '$k': vs_aa vs_ab cmp_aa cmp_ab suite_aa" ;;
	esac
done
OUT=${OUT:-$ROOT/results/calibration}
TRIALS=$OUT/trials.txt

# ---- the table ---------------------------------------------------------

# trials.txt: kind effect_pct trial gate(0 pass, 1 fail) change_pct seconds
summary() {
	[ -s "$TRIALS" ] || { echo "no trials in $TRIALS"; return; }
	echo "| path | programs | trials | gate failed | rate | measured change (mean) | s per trial |"
	echo "|---|---|---|---|---|---|---|"
	sort -k1,1 -k2,2n "$TRIALS" | awk '
	{
		key = $1 " " $2
		if (!(key in n)) order[++k] = key
		n[key]++; fail[key] += $4; chg[key] += $5; sec[key] += $6
	}
	END {
		for (i = 1; i <= k; i++) {
			split(order[i], f, " ")
			if (f[1] ~ /^vs/)
				path = "--vs (one run, paired)"
			else if (f[1] ~ /^suite/)
				path = "--compare, two --quick runs of the suite"
			else
				path = "--compare (two --quick runs)"
			if (f[2] == 0)
				what = "A/A (same program)"
			else
				what = sprintf("A/B, B +%s%% work", f[2])
			printf "| %s | %s | %d | %d | %.0f%% | %+.2f%% | %.0f |\n",
			       path, what, n[order[i]], fail[order[i]],
			       100 * fail[order[i]] / n[order[i]],
			       chg[order[i]] / n[order[i]],
			       sec[order[i]] / n[order[i]]
		}
	}'
	echo
	echo "A/A rows: false alarms (target <= 5%); A/B rows: detections (targets: --vs 3% >= 95%, --compare 10% >= 95%)."
}

if [ "$SUMMARY_ONLY" = 1 ]; then
	summary
	exit 0
fi

[ "$(id -u)" -eq 0 ] || { echo "gate-calibration: needs root (the suite does)" >&2; exit 4; }
[ -x "$TEST_PERF" ] || die "$TEST_PERF is not built: run make"
[ -x "$XDPGEN" ] || die "$XDPGEN is not built: run make"
mkdir -p "$OUT/progs" || die "cannot create $OUT"
if [ "$APPEND" = 0 ]; then
	: > "$TRIALS"
fi

# ---- programs ----------------------------------------------------------

build_prog() {	# N: $OUT/progs/insns_N.bpf.o
	local n=$1 o=$OUT/progs/insns_$1
	[ -s "$o.bpf.o" ] && return 0
	"$XDPGEN" --insns "$n" -o "$o.bpf.c" &&
		$CLANG $BPF_CFLAGS -c "$o.bpf.c" -o "$o.bpf.o" ||
		die "cannot build a program of $n instructions"
}

# "A B" ns/pkt of the 64 B line of a --vs run
vs_ns() {
	"$TEST_PERF" --obj "$1" --vs "$2" --sizes 64 --rounds 10 |
		awk '$1 == 64 && $2 == "B" { print $3, $4 }'
}

# The variants: base + the instructions that cost EFFECT% of the base.
plan_variants() {
	local plan=$OUT/variants.txt a b
	if [ -s "$plan" ] && [ "$APPEND" = 1 ]; then
		return 0
	fi
	build_prog 0
	build_prog "$BASE_INSNS"
	read -r a b < <(vs_ns "$OUT/progs/insns_0.bpf.o" \
			      "$OUT/progs/insns_$BASE_INSNS.bpf.o")
	[ -n "$b" ] || die "the pilot run measured nothing"
	echo "pilot: forwarder $a ns/pkt, with $BASE_INSNS instructions $b ns/pkt" >&2
	: > "$plan"
	for e in $EFFECTS; do
		awk -v a="$a" -v b="$b" -v e="$e" -v n="$BASE_INSNS" \
			'BEGIN { per = (b - a) / n; printf "%s %d\n", e, n + int(e / 100 * b / per + 0.5) }' >> "$plan"
	done
	while read -r e n; do
		echo "+$e%: $n instructions" >&2
		build_prog "$n"
	done < "$plan"
}

variant_of() {	# effect -> instruction count
	awk -v e="$1" '$1 == e { print $2 }' "$OUT/variants.txt"
}

# ---- trials ------------------------------------------------------------

# Mean change (%) of the ns_per_pkt rows of a compare.csv (not the reference's).
mean_change() {
	awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) c[$i] = i; next }
		 $c["metric"] == "ns_per_pkt" && $c["rel"] != "" &&
		 $c["property"] != "reference" { s += $c["rel"]; n++ }
		 END { printf "%.3f", n ? 100 * s / n : 0 }' "$1"
}

# gate result of a log: 0 PASS, 1 FAIL, empty when there was no verdict
gate_of() {
	awk '/^Gate: PASS/ { g = 0 } /^Gate: FAIL/ { g = 1 } END { if (g != "") print g }' "$1"
}

record() {	# kind effect trial dir
	local g start=$5
	g=$(gate_of "$4/log")
	if [ -z "$g" ]; then
		echo "gate-calibration: $1 +$2% trial $3 gave no verdict, see $4/log" >&2
		FAILED=1
		return
	fi
	echo "$1 $2 $3 $g $(mean_change "$4/compare.csv") $(( $(date +%s) - start ))" >> "$TRIALS"
}

trial_vs() {	# effect trial
	local d=$OUT/t/vs_$1_$2_$$ b=$BASE_INSNS start
	start=$(date +%s)
	[ "$1" = 0 ] || b=$(variant_of "$1")
	rm -rf "$d"; mkdir -p "$d"
	"$TEST_PERF" --obj "$OUT/progs/insns_$BASE_INSNS.bpf.o" \
		--vs "$OUT/progs/insns_$b.bpf.o" --gate --out "$d" > "$d/log" 2>&1
	record "vs_$([ "$1" = 0 ] && echo aa || echo ab)" "$1" "$2" "$d" "$start"
	rm -rf "$d"
}

trial_cmp() {	# effect trial
	local d=$OUT/t/cmp_$1_$2_$$ b=$BASE_INSNS start
	start=$(date +%s)
	[ "$1" = 0 ] || b=$(variant_of "$1")
	rm -rf "$d"; mkdir -p "$d"
	"$TEST_PERF" --obj "$OUT/progs/insns_$BASE_INSNS.bpf.o" --quick \
		--out "$d/a" > "$d/run_a.log" 2>&1
	"$TEST_PERF" --obj "$OUT/progs/insns_$b.bpf.o" --quick \
		--out "$d/b" > "$d/run_b.log" 2>&1
	"$TEST_PERF" --compare "$d/a" "$d/b" --gate --out "$d" > "$d/log" 2>&1
	record "cmp_$([ "$1" = 0 ] && echo aa || echo ab)" "$1" "$2" "$d" "$start"
	rm -rf "$d"
}

trial_suite() {	# trial
	local d=$OUT/t/suite_$1_$$ start
	start=$(date +%s)
	rm -rf "$d"; mkdir -p "$d"
	"$TEST_PERF" --quick -t "$MICRO_TESTS" --out "$d/a" > "$d/run_a.log" 2>&1
	"$TEST_PERF" --quick -t "$MICRO_TESTS" --out "$d/b" > "$d/run_b.log" 2>&1
	"$TEST_PERF" --compare "$d/a" "$d/b" --gate --out "$d" > "$d/log" 2>&1
	record suite_aa 0 "$1" "$d" "$start"
	rm -rf "$d"
}

# One trial of every kind per pair, in a random order each time.
FAILED=0
plan_variants
# pairs already in the file: the trials of the most tried kind
first=$(awk '{ n[$1 " " $2]++ } END { m = 0; for (k in n) if (n[k] > m) m = n[k]; print m + 1 }' "$TRIALS")
for i in $(seq "$first" $(( first + PAIRS - 1 ))); do
	jobs=()
	for k in $KINDS; do
		case $k in
		vs_aa) jobs+=("trial_vs 0 $i") ;;
		cmp_aa) jobs+=("trial_cmp 0 $i") ;;
		suite_aa) jobs+=("trial_suite $i") ;;
		vs_ab) for e in $EFFECTS; do jobs+=("trial_vs $e $i"); done ;;
		cmp_ab) for e in $EFFECTS; do jobs+=("trial_cmp $e $i"); done ;;
		esac
	done
	while read -r j; do
		$j
	done < <(printf '%s\n' "${jobs[@]}" | shuf)
	echo "pair $i done: $(date +%T)" >&2
done
rmdir "$OUT/t" 2>/dev/null
summary
exit $FAILED
