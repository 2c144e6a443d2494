"""`operator-eval bench`: what the harness itself costs (start-up, overhead, suite, concurrency)."""

from operator_eval.bench._bench import Measurement, main_bench, render, run_bench

__all__ = ["Measurement", "main_bench", "render", "run_bench"]
