# SPDX-License-Identifier: GPL-2.0
#
# Shared helpers of vmtest.sh (sourced, not run): messages, exit codes,
# prerequisite checks, cache locking.

# Exit codes, as kselftest and the rest of the suite use them.
EXIT_USAGE=2
EXIT_SKIP=4
EXIT_TIMEOUT=124

VMTEST_VERBOSE=${VMTEST_VERBOSE:-0}

msg()
{
	echo "vmtest: $*" >&2
}

vmsg()
{
	[ "$VMTEST_VERBOSE" = 1 ] && echo "vmtest: $*" >&2
	return 0
}

die()
{
	echo "vmtest: error: $*" >&2
	exit 1
}

usage_error()
{
	echo "vmtest: $* (see ./vmtest.sh --help)" >&2
	exit "$EXIT_USAGE"
}

# A prerequisite is missing: the run is skipped, not failed.
skip()
{
	echo "vmtest: skip: $*" >&2
	exit "$EXIT_SKIP"
}

# need_cmd CMD...: every command must exist, or skip saying what to install.
need_cmd()
{
	local cmd

	for cmd in "$@"; do
		command -v "$cmd" >/dev/null 2>&1 ||
			skip "$cmd not found: run scripts/install-deps.sh --vmtest"
	done
}

# Run a build step quietly; show its output only with -v or when it fails.
run_logged()
{
	local log=$VMTEST_TMP/step.log

	if [ "$VMTEST_VERBOSE" = 1 ]; then
		"$@" >&2
		return
	fi
	if ! "$@" >"$log" 2>&1; then
		tail -n 20 "$log" >&2
		return 1
	fi
}

# file_id PATH...: a cheap identity of files (name, size, mtime) for cache
# keys; content hashes are kept for the small files where it matters.
file_id()
{
	stat -L -c '%n %s %Y' "$@"
}

key_of()
{
	md5sum | cut -c1-16
}

# cache_check_owner DIR: the cache holds what we build and run (as root,
# often): it must be ours and writable by nobody else.
cache_check_owner()
{
	local owner mode

	read -r owner mode < <(stat -c '%u %a' "$1") ||
		usage_error "cannot stat the cache directory $1"
	[ "$owner" = "$(id -u)" ] ||
		usage_error "the cache directory $1 belongs to uid $owner, not to you: choose another with -c"
	[ $((8#$mode & 8#022)) -eq 0 ] ||
		usage_error "the cache directory $1 can be written by its group or others (mode $mode): chmod go-w it or choose another with -c"
}

# The cache is shared by concurrent runs: preparation holds a lock on it.
cache_lock()
{
	exec {VMTEST_LOCK_FD}>"$VMTEST_CACHE/.lock"
	flock "$VMTEST_LOCK_FD"
}

cache_unlock()
{
	[ -n "${VMTEST_LOCK_FD:-}" ] || return 0
	flock -u "$VMTEST_LOCK_FD"
	exec {VMTEST_LOCK_FD}>&-
	VMTEST_LOCK_FD=
}
