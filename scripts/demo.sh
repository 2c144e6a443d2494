#!/usr/bin/env bash
# The main job: the benchboard suite (24 tasks, 6 families) against reference policies,
# scores side by side, then each policy's headline (points/600, resolved, unsupported DONE).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/operator-eval compare --task benchboard --log-dir logs --max-samples 24 \
    --model opeval/oracle \
    --model opeval/noop \
    --model opeval/sloppy \
    --model opeval/flawed,flaw=unsafe_deploy \
    --model opeval/flawed,flaw=trust_bad_output \
    "$@"
