#!/usr/bin/env bash
# Install everything the test suite needs into .venv and run the whole suite.
# Every dependency, its dependencies and the build tools come from requirements.lock, pinned with
# their sha256 hashes (pip --require-hashes); the project itself is then installed without deps.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --require-hashes -r requirements.lock
.venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
exec .venv/bin/python -m pytest "$@"
