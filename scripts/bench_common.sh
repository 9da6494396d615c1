# Sourced by the bench scripts: strict mode, the project root, a temporary
# directory removed on exit ($TMP), a release build ($BIN), and, with
# `need_opencc`, OpenCC 1.4.2's command from the PyPI wheel ($OPENCC, its
# config directory $CONF).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cargo build --release --quiet
# ZHCLEAN_BIN: another build to measure (an older one, for before/after).
BIN=${ZHCLEAN_BIN:-target/release/zhclean}

need_opencc() {
  local clib
  clib=$(python3 -c 'import opencc, os; print(os.path.join(os.path.dirname(opencc.__file__), "clib"))')
  OPENCC=$clib/bin/opencc
  CONF=$clib/share/opencc
}

# timed OUT CMD...: runs CMD with stdout to OUT and prints "seconds
# maxrss_kb" for that process alone (wall time to the millisecond; GNU
# time's %e has only centiseconds, too coarse for runs of 50 ms).
timed() {
  python3 - "$@" <<'PY'
import os, subprocess, sys, time
out = open(sys.argv[1], "wb")
t = time.perf_counter()
p = subprocess.Popen(sys.argv[2:], stdout=out, stderr=subprocess.DEVNULL)
_, status, usage = os.wait4(p.pid, 0)
print(f"{time.perf_counter() - t:.4f} {usage.ru_maxrss}")
PY
}

# measure LABEL CMD...: runs CMD once (stdout to $TMP/out.LABEL) and keeps
# the least wall time in best[LABEL] and the largest peak RSS (KiB) in
# rss[LABEL], over the calls so far: interleaved rounds call it once a
# command a round.
declare -A best rss
measure() {
  local t m
  read -r t m < <(timed "$TMP/out.$1" "${@:2}")
  best[$1]=$(python3 -c "print(min(${best[$1]:-999}, $t))")
  rss[$1]=$(( m > ${rss[$1]:-0} ? m : ${rss[$1]:-0} ))
}
