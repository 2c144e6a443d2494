"""operator-eval: proof-gated operator benchmarks for Inspect AI."""

__version__ = "0.1.0"
