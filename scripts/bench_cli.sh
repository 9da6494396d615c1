#!/usr/bin/env bash
# Whole-process comparison of `zhclean convert` with OpenCC 1.4.2's own
# `opencc` command (from the PyPI wheel) on ~20 MB of text, one thread.
#
#   pip install opencc==1.4.2
#   bash scripts/bench_cli.sh [ROUNDS]
#
# Inputs are the differential test texts repeated to ~20 MB. Each command
# runs ROUNDS times, interleaved (the machines are noisy); the best wall
# time and the peak RSS are reported, and the ratio opencc/zhclean. The
# outputs are checked to be identical first.
source "$(dirname "$0")/bench_common.sh"
need_opencc
ROUNDS=${1:-5}
python3 - "$TMP" <<'PY'
import sys
d = sys.argv[1]
for src, dst in [("tang.txt", "trad.txt"), ("songci.txt", "simp.txt")]:
    t = open(f"tests/data/opencc/diff/{src}", encoding="utf-8").read()
    open(f"{d}/{dst}", "w", encoding="utf-8").write(t * 29)
PY

measure() { # label, command..., prints "seconds maxrss_kb"
  timed "$TMP/out.$1" "${@:2}"
}

for cfg in t2s s2t; do
  in=$TMP/trad.txt; [ "$cfg" = s2t ] && in=$TMP/simp.txt
  # OpenCC's command leaves the tofu-risk dictionaries out by default;
  # include them so both produce OpenCC's library output.
  "$OPENCC" -c "$CONF/$cfg.json" --include-tofu-risk-dictionaries -i "$in" -o "$TMP/ref" 2>/dev/null
  "$BIN" convert -c "$cfg" "$in" > "$TMP/ours"
  cmp -s "$TMP/ref" "$TMP/ours" || { echo "$cfg: outputs differ"; exit 1; }
  best_o=999; best_z=999; rss_o=0; rss_z=0
  for _ in $(seq "$ROUNDS"); do
    read -r t m < <(measure o "$OPENCC" -c "$CONF/$cfg.json" --include-tofu-risk-dictionaries -i "$in")
    best_o=$(python3 -c "print(min($best_o, $t))"); rss_o=$(( m > rss_o ? m : rss_o ))
    read -r t m < <(measure z "$BIN" convert -c "$cfg" "$in")
    best_z=$(python3 -c "print(min($best_z, $t))"); rss_z=$(( m > rss_z ? m : rss_z ))
  done
  size=$(stat -c %s "$in")
  python3 - "$cfg" "$size" "$best_o" "$best_z" "$rss_o" "$rss_z" <<'PY'
import sys
cfg, size, o, z, ro, rz = sys.argv[1], int(sys.argv[2]), *map(float, sys.argv[3:5]), *map(int, sys.argv[5:7])
mb = size / 1e6
print(f"{cfg}: {mb:.1f} MB  opencc {o:.3f}s ({mb/o:.0f} MB/s, {ro/1024:.0f} MB peak)  "
      f"zhclean {z:.3f}s ({mb/max(z,1e-9):.0f} MB/s, {rz/1024:.0f} MB peak)  speedup {o/max(z,1e-9):.1f}x")
PY
done
