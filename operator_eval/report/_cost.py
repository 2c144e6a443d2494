"""What a model's operator runs cost: token prices for hosted models, wall time for local ones.

Prices come from a YAML table (`prices.yaml`, shipped with the package and meant to be
copied and edited). Hosted models are priced per million input and output tokens; local
models (and the scripted `opeval/` reference policies) by hardware cost per hour of wall
time. The headline number is *trusted points per dollar*: points earned on runs that were
resolved without a safety violation, divided by what all runs cost.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from operator_eval.contracts._models import validation_summary
from operator_eval.report._records import SampleRecord

PRICES_FILE = Path(__file__).parent / "prices.yaml"
"""The packaged default price table."""

_FAULTY = "faulty/"
_ARGS_SUFFIX = re.compile(r"\[[^\[\]]*\]$")


class ModelPrice(BaseModel):
    """A hosted model's list price, in USD per million tokens."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    input_per_mtok: float = Field(ge=0)
    output_per_mtok: float = Field(ge=0)

    def cost(self, input_tokens: int, output_tokens: int) -> float:
        """USD for the given token counts.

        Args:
            input_tokens: Prompt tokens.
            output_tokens: Completion tokens.

        Returns:
            The price of those tokens in USD.
        """
        return (input_tokens * self.input_per_mtok + output_tokens * self.output_per_mtok) / 1e6


class PriceTable(BaseModel):
    """Prices for hosted models and the hourly rate for local ones."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    models: dict[str, ModelPrice] = Field(default_factory=dict)
    """Hosted prices keyed by Inspect model name (`provider/model`)."""
    local_hourly_usd: float = Field(default=0.0, ge=0)
    """Hardware cost per hour of wall time for local models."""
    local_prefixes: list[str] = Field(default_factory=list)
    """Model-name prefixes priced as local hardware time."""
    as_of: str | None = None
    """When the prices were last checked, as written in the file."""


class _LocalSection(BaseModel):
    model_config = ConfigDict(extra="forbid")

    hourly_usd: float = Field(default=0.0, ge=0)
    providers: list[str] = Field(default_factory=list)


class _PriceFile(BaseModel):
    """The YAML layout of a price file."""

    model_config = ConfigDict(extra="forbid")

    as_of: str | None = None
    models: dict[str, ModelPrice] = Field(default_factory=dict)
    local: _LocalSection = Field(default_factory=_LocalSection)


def load_prices(path: str | Path | None = None) -> PriceTable:
    """Read a price table from YAML.

    Args:
        path: The price file; None reads the table shipped with the package.

    Returns:
        The parsed table.

    Raises:
        ValueError: when the file cannot be read, is not valid YAML or does not match the
            price-file layout; the message names the file and the problem.
    """
    file = Path(path) if path is not None else PRICES_FILE
    try:
        raw: Any = yaml.safe_load(file.read_text(encoding="utf-8"))
    except OSError as ex:
        raise ValueError(f"{file}: cannot read price file: {ex.strerror or ex}") from ex
    except yaml.YAMLError as ex:
        raise ValueError(f"{file}: invalid YAML: {ex}") from ex
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ValueError(f"{file}: expected a mapping at top level, got {type(raw).__name__}")
    try:
        parsed = _PriceFile.model_validate(raw)
    except ValidationError as ex:
        raise ValueError(f"{file}: invalid price table: {validation_summary(ex, limit=1)}") from ex
    return PriceTable(
        models=parsed.models,
        local_hourly_usd=parsed.local.hourly_usd,
        local_prefixes=list(parsed.local.providers),
        as_of=parsed.as_of,
    )


def base_model_name(model: str) -> str:
    """The model name to price: column decorations and the `faulty/` wrapper removed.

    E.g. `faulty/opeval/oracle[resets=0.2] @ make_resilient_graph` -> `opeval/oracle`.

    Args:
        model: A model name or report column label.

    Returns:
        The underlying `provider/model` name.
    """
    name = model.strip()
    if " @ " in name:
        name = name.split(" @ ", 1)[0].rstrip()
    name = _ARGS_SUFFIX.sub("", name)
    while name.startswith(_FAULTY):
        name = name[len(_FAULTY) :]
    return name


def price_of(model: str, table: PriceTable) -> ModelPrice | Literal["local"] | None:
    """Look up how a model is priced.

    The name is reduced with `base_model_name`, then matched exactly against the table's
    models, then by the longest model key it starts with, then against the local prefixes.

    Args:
        model: A model name (as in token usage) or report column label.
        table: The price table.

    Returns:
        The model's token price, "local" for a model priced by wall time, or None when
        the table does not price it.
    """
    name = base_model_name(model)
    if name in table.models:
        return table.models[name]
    matches = [key for key in table.models if name.startswith(key)]
    if matches:
        return table.models[max(matches, key=len)]
    if any(name.startswith(prefix) for prefix in table.local_prefixes):
        return "local"
    return None


def unpriced_models(record: SampleRecord, table: PriceTable) -> list[str]:
    """The models a record used that the table cannot price.

    Args:
        record: One sample record.
        table: The price table.

    Returns:
        The unpriced models' base names (see `base_model_name`), sorted and deduplicated;
        empty when every model is priced.
    """
    used = list(record.usage) or [record.model]
    return sorted({base_model_name(name) for name in used if price_of(name, table) is None})


def record_cost(record: SampleRecord, table: PriceTable) -> float | None:
    """What one sample cost in USD.

    Hosted models are charged for the tokens in `record.usage`; when the record used any
    local model, the sample's wall time is charged once at the local hourly rate. A record
    without token usage is priced by its column model (so scripted policies still cost
    their wall time).

    Args:
        record: One sample record.
        table: The price table.

    Returns:
        The cost in USD, or None when any model the sample used is unpriced.
    """
    if record.usage:
        used = [
            (name, usage.input_tokens, usage.output_tokens) for name, usage in record.usage.items()
        ]
    else:
        used = [(record.model, 0, 0)]
    total = 0.0
    local = False
    for name, input_tokens, output_tokens in used:
        price = price_of(name, table)
        if price is None:
            return None
        if price == "local":
            local = True
        else:
            total += price.cost(input_tokens, output_tokens)
    if local:
        total += table.local_hourly_usd * record.total_time / 3600
    return total


class CostSummary(BaseModel):
    """Cost of a set of runs and what it bought."""

    total_usd: float | None
    """Cost of all runs; None when any run used an unpriced model."""
    per_sample_usd: float | None
    """Mean cost per run (one sample of one epoch)."""
    per_resolved_usd: float | None
    """Total cost divided by the number of resolved runs."""
    trusted_points: int
    """Points of runs that were resolved with no safety violation."""
    trusted_points_per_usd: float | None
    """Trusted points per dollar of total cost."""
    unpriced_models: list[str]
    """Models the price table does not cover, sorted."""


def _ratio(numerator: float, denominator: float | None) -> float | None:
    if denominator is None or denominator == 0:
        return None
    return numerator / denominator


def cost_summary(records: Sequence[SampleRecord], table: PriceTable) -> CostSummary:
    """Summarise cost over runs (usually one model column's records).

    Args:
        records: The runs to summarise.
        table: The price table.

    Returns:
        The summary; every cost figure is None when any run is unpriced, and a ratio is
        None when its denominator is zero.
    """
    unpriced: set[str] = set()
    total: float | None = 0.0
    for record in records:
        cost = record_cost(record, table)
        if cost is None:
            unpriced.update(unpriced_models(record, table))
            total = None
        elif total is not None:
            total += cost
    resolved = sum(1 for r in records if r.resolved)
    trusted = sum(r.points for r in records if r.resolved and not r.safety_violation)
    if total is None:
        per_sample = per_resolved = per_usd = None
    else:
        per_sample = _ratio(total, len(records))
        per_resolved = _ratio(total, resolved)
        per_usd = _ratio(trusted, total)
    return CostSummary(
        total_usd=total,
        per_sample_usd=per_sample,
        per_resolved_usd=per_resolved,
        trusted_points=trusted,
        trusted_points_per_usd=per_usd,
        unpriced_models=sorted(unpriced),
    )
