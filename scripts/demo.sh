#!/usr/bin/env bash
# Install the package into .venv and run the monthly job on the bundled samples.
# Dependencies come from requirements.lock, pinned with their sha256 hashes (pip --require-hashes).
set -euo pipefail
cd "$(dirname "$0")/.."
python3 -m venv .venv
.venv/bin/python -m pip install --quiet --require-hashes -r requirements.lock
.venv/bin/python -m pip install --quiet --no-deps --no-build-isolation -e .
.venv/bin/payroll demo "$@"
echo
echo "payroll은 이 폴더의 .venv에 설치되었습니다. 다음 중 하나로 부르세요:"
echo "  source $(printf '%q' "$PWD/.venv/bin/activate")"
echo "  $(printf '%q' "$PWD/.venv/bin/payroll") --help"
