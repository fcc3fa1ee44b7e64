#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# docs/running.md holds the output of `test_perf --help` between two
# markers, so that the option list there is --help's own. Rewrite that
# block from a test_perf binary, or with --check only say whether it is
# current (exit 1 when not).
set -euo pipefail

die() {
	echo "options-doc: $*" >&2
	exit 2
}

check=0
if [ "${1:-}" = "--check" ]; then
	check=1
	shift
fi
[ $# -eq 2 ] || die "usage: $0 [--check] TEST_PERF DOC"
test_perf=$1
doc=$2
begin='<!-- test_perf --help: begin (make options_doc) -->'
end='<!-- test_perf --help: end -->'
grep -qxF -- "$begin" "$doc" && grep -qxF -- "$end" "$doc" ||
	die "$doc has no '$begin' ... '$end' block"

help=$(mktemp)
new=$(mktemp)
trap 'rm -f "$help" "$new"' EXIT
"$test_perf" --help >"$help" || die "$test_perf --help failed"
awk -v begin="$begin" -v end="$end" -v help="$help" '
	$0 == begin {
		print
		print "```text"
		while ((getline line < help) > 0)
			print line
		print "```"
		skip = 1
		next
	}
	$0 == end { skip = 0 }
	!skip
' "$doc" >"$new"
if [ "$check" = 1 ]; then
	cmp -s "$doc" "$new" && exit 0
	echo "options-doc: $doc is not the output of test_perf --help: run make options_doc" >&2
	exit 1
fi
cmp -s "$doc" "$new" || cat "$new" >"$doc"
