#!/usr/bin/env bash
# Runtime health: deploy_recovery played by the oracle through a provider that resets 20% of
# model calls, once through the plain graph and once through the resilient one (retry policy
# + checkpointer), side by side. Extra arguments go to `operator-eval compare` (e.g. --seed 3).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
exec .venv/bin/operator-eval compare --task deploy_recovery --log-dir logs/runtime-health \
    --model "faulty/opeval/oracle,resets=0.2,seed=7" \
    --graph graphs/react_operator.py:make_graph \
    --graph graphs/react_operator.py:make_resilient_graph \
    "$@"
