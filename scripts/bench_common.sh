# Sourced by the bench scripts: strict mode, the project root, a temporary
# directory removed on exit ($TMP), a release build ($BIN), and, with
# `need_opencc`, OpenCC 1.4.2's command from the PyPI wheel ($OPENCC, its
# config directory $CONF).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
cargo build --release --quiet
BIN=target/release/zhclean

need_opencc() {
  local clib
  clib=$(python3 -c 'import opencc, os; print(os.path.join(os.path.dirname(opencc.__file__), "clib"))')
  OPENCC=$clib/bin/opencc
  CONF=$clib/share/opencc
}
