#!/usr/bin/env bash
# Install the package into .venv and run the monthly job on the bundled samples.
# Dependencies come from requirements.lock, pinned with their sha256 hashes (pip --require-hashes).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --require-hashes -r requirements.lock
.venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
exec .venv/bin/payroll demo "$@"
