"""`operator-eval bench`: what the harness itself costs (start-up, overhead, suite, concurrency)."""

from operator_eval.bench._bench import main_bench, run_bench
from operator_eval.bench._results import Measurement, render

__all__ = ["Measurement", "main_bench", "render", "run_bench"]
