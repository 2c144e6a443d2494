"""Reading a routing policy: YAML text or a file, or the packaged default."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from operator_eval.contracts import validation_summary
from operator_eval.report._routing._policy import RoutingPolicy

DEFAULT_POLICY = "routing_default.yaml"
"""The packaged default policy, in the `operator_eval.report` package folder."""


def parse_policy(text: str, source: str) -> RoutingPolicy:
    """Parse and validate a policy from YAML text.

    Args:
        text: The YAML document.
        source: What to call it in error messages (usually the file path).

    Raises:
        ValueError: when the text is not YAML or not a valid policy; the message names
            `source` and every problem.
    """
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as ex:
        raise ValueError(f"{source}: not valid YAML: {ex}") from ex
    if not isinstance(data, dict):
        raise ValueError(
            f"{source}: a routing policy must be a mapping with 'version' and 'categories', "
            f"not {type(data).__name__}"
        )
    try:
        return RoutingPolicy.model_validate(data)
    except ValidationError as ex:
        problems = validation_summary(ex, limit=10)
        raise ValueError(f"{source}: invalid routing policy: {problems}") from ex


def load_policy(path: str | Path | None = None) -> RoutingPolicy:
    """Load a routing policy from YAML.

    Args:
        path: The policy file; None loads the packaged `routing_default.yaml`.

    Raises:
        ValueError: when the file cannot be read, is not YAML or is not a valid policy;
            the message names the file and the problem.
    """
    if path is None:
        packaged = resources.files("operator_eval.report").joinpath(DEFAULT_POLICY)
        return parse_policy(packaged.read_text(encoding="utf-8"), str(packaged))
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as ex:
        raise ValueError(f"{file}: cannot read routing policy: {ex}") from ex
    return parse_policy(text, str(file))
