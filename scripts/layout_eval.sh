#!/usr/bin/env bash
# Scores the default pipeline on the layout evaluation set
# (tests/data/layout), per page and per artifact kind: missed and false
# joins, captions, running heads and jump markers left, body text lost.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 scripts/gen_layout_eval.py --check
# (libtest prints the first page's row after the test's name, on its line:
# the name is taken off, and the lines left with nothing else dropped.)
cargo test --release --test layout_eval -- --nocapture --test-threads 1 2>&1 \
  | sed -E 's/^test [a-z0-9_]+ \.\.\. (ok)?//' | grep -v '^running\|^test result\|^$'
