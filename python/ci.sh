#!/usr/bin/env bash
# The Python package's and the Spark job's tests, on a fresh machine too:
# installs what is missing (a Java runtime from Debian's packages, Python
# packages into a virtual environment), builds and installs the package
# from this checkout, and runs pytest against the CLI built by cargo.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${ZHCLEAN_VENV:-$HOME/.cache/zhclean/venv}"
PY="${PYTHON:-python3}"

if ! java -version >/dev/null 2>&1; then
    echo "== installing a Java runtime (Spark needs one)"
    apt-get update -qq && apt-get install -y -qq default-jre-headless >/dev/null
fi
if [ ! -x "$VENV/bin/python" ]; then
    "$PY" -m venv "$VENV"
fi
export PATH="$VENV/bin:$PATH"
"$VENV/bin/pip" install -q --disable-pip-version-check -r python/requirements-test.txt
# The package from this checkout (maturin builds the extension, release).
"$VENV/bin/pip" install -q --disable-pip-version-check --no-build-isolation --force-reinstall --no-deps ./python

cargo fmt --manifest-path python/Cargo.toml --check

# The CLI the results are held against.
cargo build --quiet --bin zhclean
export ZHCLEAN_BIN="$PWD/target/debug/zhclean"
export ZHCLEAN_REQUIRE_SPARK=1
# Spark in local mode binds the loopback address only.
export SPARK_LOCAL_IP=127.0.0.1
# From the tests' folder, so that `import zhclean` finds the installed
# package, not the source folder (which has no compiled module).
cd python/tests
exec "$VENV/bin/python" -m pytest -q -p no:cacheprovider .
