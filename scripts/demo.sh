#!/usr/bin/env bash
# Install the package into .venv and run the monthly job on the bundled samples.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --upgrade pip
.venv/bin/python -m pip install --quiet -e .
exec .venv/bin/payroll demo "$@"
