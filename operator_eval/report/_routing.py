"""Routing permissions: which model may do which kind of operator work, decided from the logs.

A `RoutingPolicy` (YAML; the packaged default is `routing_default.yaml`) lists, per work
category, the gates a model must pass. A gate names task families (as strings, so families
added later need no code change) and the evidence and thresholds it demands on them.
`decide` checks every model's records against every category; a category whose families
have no evidence for a model is "not enough evidence", never "allowed", unless what there is
already breaks a threshold beyond repair: then it is "denied" however few samples there are.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from importlib import resources
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from operator_eval.contracts._models import StrictModel, validation_summary
from operator_eval.contracts._vocabulary import CATEGORIES, Category
from operator_eval.report._metrics import Stats, by_family, by_model, stats
from operator_eval.report._records import SampleRecord

DEFAULT_POLICY = "routing_default.yaml"
"""The packaged default policy, next to this module."""

Verdict = Literal["allowed", "denied", "not_enough_evidence"]
GateOutcome = Literal["pass", "denied", "not_enough_evidence"]

_EPS = 1e-9
"""Slack for float comparisons of rates against thresholds."""


class Gate(StrictModel):
    """One condition a model must meet on some task families to earn a work category.

    Evidence comes first: every named family must have records for the model, and the
    records must reach `min_samples` and `min_epochs`; otherwise the gate is "not enough
    evidence". Only then are the thresholds checked; any failing threshold denies.
    """

    name: str = Field(min_length=1, description="Gate name, quoted in every verdict it decides.")
    description: str | None = Field(default=None, description="Why the gate exists.")
    families: list[str] = Field(
        default_factory=list,
        description=(
            "Task families whose records are measured together. Every one must have records "
            "for the model. Empty: every family the model has records for."
        ),
    )
    min_pass_hat_k: float | None = Field(
        default=None,
        ge=0.0,
        le=1.0,
        description="Least pass^k (samples resolved in every one of k epochs / samples).",
    )
    max_unsupported_done_rate: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Most runs that claimed DONE without proof."
    )
    max_runtime_failure_rate: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Most runs where the agent's runtime failed."
    )
    max_safety_violation_rate: float | None = Field(
        default=None, ge=0.0, le=1.0, description="Most runs with a safety violation."
    )
    min_epochs: int | None = Field(
        default=None, ge=1, description="Least epochs every measured sample must have."
    )
    min_samples: int | None = Field(
        default=None, ge=1, description="Least distinct samples measured over the families."
    )

    @field_validator("families")
    @classmethod
    def _families_are_distinct_names(cls, families: list[str]) -> list[str]:
        blank = [f for f in families if not f.strip()]
        if blank:
            raise ValueError("a family name is empty")
        duplicates = sorted({f for f in families if families.count(f) > 1})
        if duplicates:
            raise ValueError(f"family listed twice: {', '.join(duplicates)}")
        return families

    @model_validator(mode="after")
    def _checks_something(self) -> Gate:
        criteria = (
            self.min_pass_hat_k,
            self.max_unsupported_done_rate,
            self.max_runtime_failure_rate,
            self.max_safety_violation_rate,
            self.min_epochs,
            self.min_samples,
        )
        if not self.families and all(c is None for c in criteria):
            raise ValueError(f"gate {self.name!r} names no families and sets no criterion")
        return self


class CategoryRule(StrictModel):
    """What a model must pass to be routed one category of work."""

    description: str = Field(description="The category's risk and who should do it.")
    gates: list[Gate] = Field(
        min_length=1, description="Every gate must pass, checked in this order."
    )

    @field_validator("gates")
    @classmethod
    def _gate_names_unique(cls, gates: list[Gate]) -> list[Gate]:
        names = [g.name for g in gates]
        duplicates = sorted({n for n in names if names.count(n) > 1})
        if duplicates:
            raise ValueError(f"gate name used twice: {', '.join(duplicates)}")
        return gates


class RoutingPolicy(StrictModel):
    """Per work category, the gates a model must pass to be routed that work."""

    version: str = Field(description="Policy version, echoed in the routing JSON.")
    categories: dict[Category, CategoryRule] = Field(
        description="Rules by work category; a category left out is never routed."
    )

    @field_validator("version", mode="before")
    @classmethod
    def _version_as_text(cls, value: Any) -> Any:
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value

    @field_validator("categories", mode="before")
    @classmethod
    def _known_categories(cls, value: Any) -> Any:
        if isinstance(value, Mapping):
            unknown = [str(k) for k in value if k not in CATEGORIES]
            if unknown:
                raise ValueError(
                    f"unknown work category {', '.join(repr(u) for u in unknown)} "
                    f"(known: {', '.join(CATEGORIES)})"
                )
        return value


def routing_json_schema() -> dict[str, Any]:
    """The JSON schema of a routing policy file (`operator-eval schema routing`)."""
    return RoutingPolicy.model_json_schema()


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


class GateMetrics(BaseModel):
    """What a gate measured on one model's records of its families."""

    families: list[str] = Field(description="Families measured (those with records).")
    samples: int
    runs: int
    epochs: int = Field(description="Fewest epochs any measured sample has (the k of pass^k).")
    pass_hat_k: float
    pass_at_k: float
    resolved_rate: float
    unsupported_done_rate: float
    runtime_failure_rate: float
    safety_violation_rate: float

    @classmethod
    def from_stats(cls, families: Sequence[str], s: Stats) -> GateMetrics:
        """The subset of `Stats` a gate reports."""
        return cls(
            families=list(families),
            samples=s.samples,
            runs=s.runs,
            epochs=s.epochs,
            pass_hat_k=s.pass_hat_k,
            pass_at_k=s.pass_at_k,
            resolved_rate=s.resolved_rate,
            unsupported_done_rate=s.unsupported_done_rate,
            runtime_failure_rate=s.runtime_failure_rate,
            safety_violation_rate=s.safety_violation_rate,
        )


class GateResult(BaseModel):
    """One gate's outcome for one model."""

    gate: str
    outcome: GateOutcome
    metric: str | None = Field(
        default=None, description="Short name of what failed (missing evidence or a metric)."
    )
    reason: str
    metrics: GateMetrics | None = Field(
        default=None, description="The measured numbers; None when no family had records."
    )


class Decision(BaseModel):
    """Whether one model may be routed one category of work, and why."""

    model: str
    category: str
    verdict: Verdict
    failing_gate: str | None = Field(
        default=None, description="The gate that decided a verdict other than 'allowed'."
    )
    failing_metric: str | None = Field(
        default=None, description="What failed in that gate, e.g. 'unsupported DONE'."
    )
    reason: str
    gates: list[GateResult] = Field(description="Every gate's outcome and measured numbers.")

    @property
    def metrics(self) -> dict[str, dict[str, Any] | None]:
        """Measured numbers by gate name (None for a gate without any records)."""
        return {
            g.gate: g.metrics.model_dump() if g.metrics is not None else None for g in self.gates
        }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def _pct(value: float) -> str:
    return f"{value * 100:.3g}%"


def _evidence(gate: Gate, present: Sequence[str]) -> tuple[list[str], list[str]]:
    """The families a gate measures for a model, and the named ones without records."""
    if not gate.families:
        return list(present), []
    return (
        [f for f in gate.families if f in present],
        [f for f in gate.families if f not in present],
    )


def _thresholds(gate: Gate, s: Stats) -> list[tuple[str, str]]:
    """Every threshold `s` breaks, as (metric, reason), once the gate has its evidence."""
    failures: list[tuple[str, str]] = []
    maxima = (
        ("safety violations", s.safety_violation_rate, gate.max_safety_violation_rate),
        ("unsupported DONE", s.unsupported_done_rate, gate.max_unsupported_done_rate),
        ("runtime failures", s.runtime_failure_rate, gate.max_runtime_failure_rate),
    )
    for label, value, limit in maxima:
        if limit is not None and value > limit + _EPS:
            failures.append((label, f"{label} {_pct(value)} > max {_pct(limit)}"))
    if gate.min_pass_hat_k is not None and s.pass_hat_k < gate.min_pass_hat_k - _EPS:
        label = f"pass^{s.epochs}"
        failures.append((label, f"{label} {_pct(s.pass_hat_k)} < min {_pct(gate.min_pass_hat_k)}"))
    return failures


def _irreparable(
    gate: Gate, records: Sequence[SampleRecord], missing_families: int
) -> list[tuple[str, str]]:
    """The thresholds already broken beyond repair while the gate still lacks evidence.

    The gate would be decided on the least evidence it demands: every sample it has so
    far with at least `min_epochs` epochs, plus one new sample per family still without
    records, plus new samples up to `min_samples`. Were every one of those missing runs
    clean, a rate over a maximum or a pass^k under a minimum would still fail: then more
    evidence cannot earn the gate and it denies now. A cap of 0 is broken by a single
    violation; a 10% cap by 3 unsupported DONE in the 3 runs of a `--limit 3` run when the
    gate demands 6 samples (at least 3 of 6 runs, 50%).
    """
    epochs_needed = gate.min_epochs or 1
    per_sample: dict[tuple[str, str], list[SampleRecord]] = {}
    for r in records:
        per_sample.setdefault((r.task, r.sample_id), []).append(r)
    samples_needed = max(len(per_sample) + missing_families, gate.min_samples or 0)
    new_samples = samples_needed - len(per_sample)
    runs_needed = sum(max(len(v), epochs_needed) for v in per_sample.values())
    runs_needed += new_samples * epochs_needed
    failures: list[tuple[str, str]] = []
    maxima = (
        ("safety violations", "safety_violation", gate.max_safety_violation_rate),
        ("unsupported DONE", "unsupported_done", gate.max_unsupported_done_rate),
        ("runtime failures", "runtime_failure", gate.max_runtime_failure_rate),
    )
    for label, flag, limit in maxima:
        seen = sum(bool(getattr(r, flag)) for r in records)
        if limit is not None and seen and seen / runs_needed > limit + _EPS:
            failures.append(
                (
                    label,
                    f"{label} {seen}/{_count(len(records), 'run')}: at least "
                    f"{_pct(seen / runs_needed)} of the {runs_needed} the gate needs "
                    f"> max {_pct(limit)}",
                )
            )
    if gate.min_pass_hat_k is not None:
        # pass^k counts a sample only if resolved in each of its first k epochs, and k is
        # at least `min_epochs`: a miss among those can never be taken back.
        failed = sum(
            not all(r.resolved for r in sorted(v, key=lambda r: r.epoch)[:epochs_needed])
            for v in per_sample.values()
        )
        best = (samples_needed - failed) / samples_needed
        if failed and best < gate.min_pass_hat_k - _EPS:
            failures.append(
                (
                    "pass^k",
                    f"pass^k at most {_pct(best)}: {failed} of the {samples_needed} samples "
                    f"the gate needs already unresolved < min {_pct(gate.min_pass_hat_k)}",
                )
            )
    return failures


def check_gate(gate: Gate, families: Mapping[str, Sequence[SampleRecord]]) -> GateResult:
    """Check one gate against one model's records grouped by family.

    Evidence first (every named family present, `min_samples`, `min_epochs`), then the
    thresholds. A denied result names the first failing metric; its reason lists them all.
    Without enough evidence the gate still denies when a threshold is already broken
    beyond repair (see `_irreparable`): "not enough evidence" only withholds "allowed".
    """
    measured, missing = _evidence(gate, list(families))
    tag = f"(gate {gate.name})"
    if not measured:
        wanted = ", ".join(gate.families) if gate.families else "any family"
        return GateResult(
            gate=gate.name,
            outcome="not_enough_evidence",
            metric="no records",
            reason=f"no records of {wanted} {tag}",
        )
    records = [r for f in measured for r in families[f]]
    s = stats(records)
    metrics = GateMetrics.from_stats(measured, s)

    def result(outcome: GateOutcome, metric: str | None, reason: str) -> GateResult:
        return GateResult(
            gate=gate.name, outcome=outcome, metric=metric, reason=reason, metrics=metrics
        )

    lacking: tuple[str, str] | None = None
    if missing:
        lacking = ("no records", f"no records of {', '.join(missing)}")
    elif gate.min_samples is not None and s.samples < gate.min_samples:
        lacking = ("samples", f"{_count(s.samples, 'sample')} < min {gate.min_samples}")
    elif gate.min_epochs is not None and s.epochs < gate.min_epochs:
        lacking = ("epochs", f"{_count(s.epochs, 'epoch')} < min {gate.min_epochs}")
    if lacking is not None:
        broken = _irreparable(gate, records, len(missing))
        if broken:
            why = "; ".join(t for _, t in broken)
            return result("denied", broken[0][0], f"{why}, beyond repair ({lacking[1]}) {tag}")
        return result("not_enough_evidence", lacking[0], f"{lacking[1]} {tag}")

    failures = _thresholds(gate, s)
    if failures:
        return result("denied", failures[0][0], f"{'; '.join(t for _, t in failures)} {tag}")
    return result("pass", None, f"passes {tag}")


def decide_category(
    model: str, category: str, rule: CategoryRule, records: Sequence[SampleRecord]
) -> Decision:
    """Decide one category for one model's records: every gate must pass.

    A denying gate outweighs a gate without evidence (the model is denied whatever more
    evidence would show); among several, the first in policy order decides.
    """
    families = by_family(records)
    results = [check_gate(g, families) for g in rule.gates]
    decider = next((r for r in results if r.outcome == "denied"), None) or next(
        (r for r in results if r.outcome == "not_enough_evidence"), None
    )
    if decider is None:
        names = ", ".join(r.gate for r in results)
        return Decision(
            model=model,
            category=category,
            verdict="allowed",
            reason=f"passes every gate ({names})",
            gates=results,
        )
    verdict: Verdict = "denied" if decider.outcome == "denied" else "not_enough_evidence"
    return Decision(
        model=model,
        category=category,
        verdict=verdict,
        failing_gate=decider.gate,
        failing_metric=decider.metric,
        reason=decider.reason,
        gates=results,
    )


def decide(policy: RoutingPolicy, records: Sequence[SampleRecord]) -> dict[str, list[Decision]]:
    """Decide every category of `policy` for every model in `records`.

    Returns:
        Per model (first-seen order), one decision per policy category (policy order).
    """
    return {
        model: [
            decide_category(model, category, rule, model_records)
            for category, rule in policy.categories.items()
        ]
        for model, model_records in by_model(records).items()
    }


VERDICT_TEXT: dict[str, str] = {
    "allowed": "allowed",
    "denied": "DENIED",
    "not_enough_evidence": "not enough evidence",
}
"""How a verdict reads, the same in the printed table and on the board."""


def verdict_text(decision: Decision) -> str:
    """A cell's text: "allowed", "DENIED (gate: metric)" or "not enough evidence"."""
    text = VERDICT_TEXT.get(decision.verdict, decision.verdict)
    if decision.verdict == "denied" and decision.failing_gate:
        why = (
            f"{decision.failing_gate}: {decision.failing_metric}"
            if decision.failing_metric
            else decision.failing_gate
        )
        text = f"{text} ({why})"
    return text


def _cell(decision: Decision | None) -> str:
    return "-" if decision is None else verdict_text(decision)


def _categories(decisions: Mapping[str, Sequence[Decision]]) -> list[str]:
    seen: dict[str, None] = {}
    for model_decisions in decisions.values():
        for d in model_decisions:
            seen.setdefault(d.category, None)
    return list(seen)


COLUMN_LABEL_CHARS = 32
"""A model label longer than this heads its column as `[n]`, named in a legend above the
table: a drafter + verifier label runs past 100 characters and would wrap every row."""


def render_routing(decisions: Mapping[str, Sequence[Decision]]) -> str:
    """A plain-text table, categories by models, then the reason of every cell not allowed.

    Cells read "allowed", "DENIED (gate: metric)" or "not enough evidence". Reasons are grouped
    by model. When a label is longer than `COLUMN_LABEL_CHARS`, every column is headed
    `[n]` and a legend names the models.
    """
    models = list(decisions)
    if not models:
        return "no models: no routing decisions\n"
    index = {(d.model, d.category): d for ds in decisions.values() for d in ds}
    categories = _categories(decisions)
    keyed = any(len(m) > COLUMN_LABEL_CHARS for m in models)
    heads = [f"[{i}]" for i in range(1, len(models) + 1)] if keyed else models
    header = ["category", *heads]
    rows = [[c, *(_cell(index.get((m, c))) for m in models)] for c in categories]
    widths = [max(len(row[i]) for row in [header, *rows]) for i in range(len(header))]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=True)).rstrip()

    legend = [f"{head} {model}" for head, model in zip(heads, models, strict=True)]
    out = [*legend, ""] if keyed else []
    out += [line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)]
    notes: list[str] = []
    for head, model in zip(heads, models, strict=True):
        reasons = [
            f"    {c}: {d.reason}"
            for c in categories
            if (d := index.get((model, c))) is not None and d.verdict != "allowed"
        ]
        if reasons:
            notes += [f"  {head} {model}:" if keyed else f"  {model}:", *reasons]
    if notes:
        out += ["", "why not allowed:", *notes]
    return "\n".join(out) + "\n"


def routing_json(
    decisions: Mapping[str, Sequence[Decision]], policy: RoutingPolicy
) -> dict[str, Any]:
    """The decisions as JSON a router can consume.

    Returns:
        `{"policy_version", "models": {model: {category: {"verdict", "failing_gate",
        "reason", "metrics"}}}}`, metrics being the measured numbers by gate name.
    """
    return {
        "policy_version": policy.version,
        "models": {
            model: {
                d.category: {
                    "verdict": d.verdict,
                    "failing_gate": d.failing_gate,
                    "reason": d.reason,
                    "metrics": d.metrics,
                }
                for d in model_decisions
            }
            for model, model_decisions in decisions.items()
        },
    }
