#!/usr/bin/env bash
# The main job: deploy_recovery against the reference policies, scores side by side.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/operator-eval compare --task deploy_recovery --log-dir logs "$@"
