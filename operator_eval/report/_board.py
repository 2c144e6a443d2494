"""A static HTML board of operator results: one self-contained page, readable offline.

`write_board` turns sample records into `index.html` (inline CSS and inline SVG, no
JavaScript, no external fonts, scripts or images, so it works from `file://` and over HTTP
with the network off; only the transcript links into a bundled viewer need HTTP, and the
page says so in plain text, as it has no script to detect how it was opened),
`routing.json` (the routing decisions) and `board.json` (every number
the page shows). Every value read from a log (model names, labels, reasons, sample ids) is
attacker-controlled and is HTML-escaped before it reaches the page.
"""

from __future__ import annotations

import html
import json
import math
import subprocess
import sys
import warnings
from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from operator_eval.report._cost import CostSummary, PriceTable, cost_summary
from operator_eval.report._metrics import Stats, across, by_family, by_model, label_counts, stats
from operator_eval.report._records import SampleRecord
from operator_eval.report._routing import (
    VERDICT_TEXT,
    Decision,
    RoutingPolicy,
    decide,
    routing_json,
    verdict_text,
)

INDEX = "index.html"
ROUTING_JSON = "routing.json"
BOARD_JSON = "board.json"
VIEWER_DIR = "viewer"
BUNDLE_TIMEOUT_S = 600.0
"""Longest `inspect view bundle` may run before the viewer is given up."""

_LABEL_WIDTH = 42
"""Characters of a failure label shown in the chart; the full label is in a tooltip."""
_PALETTE = (
    "#4e79a7",
    "#f28e2b",
    "#e15759",
    "#76b7b2",
    "#59a14f",
    "#edc948",
    "#b07aa1",
    "#ff9da7",
    "#9c755f",
    "#bab0ac",
)

_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
    "base-uri 'none'; form-action 'none'"
)
"""Content Security Policy of the page: no scripts, no network loads, inline styles only."""

_CSS = """
:root { color-scheme: light; }
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0;
  padding: 1.5rem 2rem 3rem; color: #1f2328; background: #fff; line-height: 1.4; }
h1 { font-size: 1.6rem; margin: 0 0 .3rem; }
h2 { font-size: 1.2rem; margin: 2.2rem 0 .6rem; padding-bottom: .25rem;
  border-bottom: 1px solid #d0d7de; }
p.meta, p.note { color: #57606a; font-size: .85rem; margin: .2rem 0; }
nav a { margin-right: 1rem; font-size: .9rem; }
table { border-collapse: collapse; font-size: .85rem; margin: .4rem 0; }
th, td { border: 1px solid #d0d7de; padding: .3rem .5rem; vertical-align: top; }
th { background: #f6f8fa; text-align: left; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.model, th.model { font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
  overflow-wrap: anywhere; min-width: 9rem; max-width: 26rem; }
div.scroll { overflow-x: auto; max-width: 100%; }
span.ci { color: #57606a; font-size: .78rem; }
td.cell { text-align: center; white-space: nowrap; min-width: 5rem; }
td.empty { color: #8c959f; text-align: center; }
td.allowed { background: #dafbe1; color: #116329; }
td.denied { background: #ffebe9; color: #a40e26; }
td.not_enough_evidence { background: #fff8c5; color: #7d4e00; }
td.unknown { background: #eaeef2; color: #424a53; }
td.cell span.why { display: block; white-space: normal; max-width: 18rem; margin-top: .2rem;
  font-size: .74rem; text-align: left; color: #1f2328; }
ul.headline { margin: .5rem 0 0; padding-left: 1.2rem; font-size: .95rem; }
ul.headline li { margin: .15rem 0; }
p.serve { background: #fff8c5; border: 1px solid #d4a72c; padding: .4rem .6rem;
  font-size: .85rem; max-width: 60rem; }
span.tag { display: inline-block; background: #eaeef2; border-radius: .6rem;
  padding: 0 .45rem; margin: 0 .2rem .15rem 0; font-size: .75rem; }
span.flag { display: inline-block; border-radius: .25rem; padding: 0 .3rem; margin-right: .2rem;
  font-size: .72rem; font-weight: 600; background: #ffebe9; color: #a40e26; }
.legend span { display: inline-block; padding: .1rem .5rem; margin-right: .3rem;
  font-size: .75rem; border: 1px solid #d0d7de; }
ul.problems li { font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
  font-size: .8rem; color: #a40e26; word-break: break-all; }
svg text { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; }
"""


def _e(value: object) -> str:
    """HTML-escape any value (quotes included, so it is safe inside attributes too)."""
    return html.escape(str(value), quote=True)


def _pct(value: float) -> str:
    return f"{value * 100:.1f}%"


def _ci(interval: tuple[float, float]) -> str:
    low, high = interval
    return f"[{low * 100:.1f}\u2013{high * 100:.1f}]"


def _usd(value: float | None) -> str:
    if value is None:
        return "n/a"
    if value == 0:
        return "$0"
    if abs(value) < 1:
        return f"${value:,.4f}"
    return f"${value:,.2f}"


def _per_usd(value: float | None) -> str:
    return "n/a" if value is None else f"{value:,.1f}"


def _lerp_colour(a: str, b: str, t: float) -> str:
    ca = [int(a[i : i + 2], 16) for i in (1, 3, 5)]
    cb = [int(b[i : i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * t):02x}" for x, y in zip(ca, cb, strict=True))


def rate_colour(rate: float) -> str:
    """The background colour of a resolved rate: red at 0, yellow at 0.5, green at 1.

    Args:
        rate: A rate in [0, 1] (clamped).

    Returns:
        A `#rrggbb` colour.
    """
    rate = min(1.0, max(0.0, rate))
    if rate < 0.5:
        return _lerp_colour("#f4a582", "#fee08b", rate * 2)
    return _lerp_colour("#fee08b", "#91cf60", (rate - 0.5) * 2)


def viewer_link(viewer: str, record: SampleRecord) -> str:
    """The Inspect viewer URL of one sample's transcript.

    Args:
        viewer: URL (relative or absolute) of an `inspect view bundle` output folder.
        record: The sample run to link to.

    Returns:
        `{viewer}#/logs/{log file name}/samples/sample/{sample id}/{epoch}/transcript`,
        the log file name and the sample id URL-quoted.
    """
    log_name = record.log_path.replace("\\", "/").rstrip("/").rsplit("/", 1)[-1]
    return (
        f"{viewer}#/logs/{quote(log_name, safe='')}/samples/sample/"
        f"{quote(record.sample_id, safe='')}/{record.epoch}/transcript"
    )


def _cost_dict(summary: CostSummary) -> dict[str, Any]:
    return {
        "total_usd": summary.total_usd,
        "per_sample_usd": summary.per_sample_usd,
        "per_resolved_usd": summary.per_resolved_usd,
        "trusted_points": summary.trusted_points,
        "trusted_points_per_usd": summary.trusted_points_per_usd,
        "unpriced_models": sorted(summary.unpriced_models),
    }


class _ModelRow:
    """One leaderboard row: a model's stats and cost."""

    def __init__(self, model: str, records: list[SampleRecord], prices: PriceTable) -> None:
        self.model = model
        self.records = records
        self.stats: Stats = stats(records)
        self.cost: CostSummary = cost_summary(records, prices)

    def sort_key(self) -> tuple[int, float, str]:
        return (-self.stats.points, -self.stats.resolved_rate, self.model)

    def as_json(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "points": self.stats.points,
            "max_points": self.stats.max_points,
            "stats": self.stats.model_dump(mode="json"),
            "cost": _cost_dict(self.cost),
        }


def _leaderboard(rows: Sequence[_ModelRow]) -> str:
    head = (
        "<tr><th>#</th><th class=model>Model</th><th>Points</th><th>Tasks</th><th>Runs</th>"
        "<th>Resolved (95% CI)</th><th>pass^k (95% CI)</th><th>pass@k</th>"
        "<th>Unsupported DONE</th><th>Safety violations</th><th>Runtime failures</th>"
        "<th>$ total</th><th>$ / resolved</th><th>Trusted pts / $</th></tr>"
    )
    body: list[str] = []
    for rank, row in enumerate(rows, 1):
        s, c = row.stats, row.cost
        unpriced = (
            f' title="unpriced: {_e(", ".join(sorted(c.unpriced_models)))}"'
            if c.unpriced_models
            else ""
        )
        body.append(
            "<tr>"
            f"<td class=num>{rank}</td>"
            f"<td class=model>{_e(row.model)}</td>"
            f"<td class=num>{s.points}/{s.max_points}</td>"
            f"<td class=num>{s.samples}</td>"
            f"<td class=num>{s.runs}</td>"
            f"<td class=num>{_pct(s.resolved_rate)}<br>"
            f"<span class=ci>{_ci(s.resolved_ci)}</span></td>"
            f"<td class=num>pass^{s.epochs} = {_pct(s.pass_hat_k)}<br>"
            f"<span class=ci>{_ci(s.pass_hat_k_ci)}</span></td>"
            f"<td class=num>pass@{s.epochs} = {_pct(s.pass_at_k)}</td>"
            f"<td class=num>{_pct(s.unsupported_done_rate)}</td>"
            f"<td class=num>{_pct(s.safety_violation_rate)}</td>"
            f"<td class=num>{_pct(s.runtime_failure_rate)}</td>"
            f"<td class=num{unpriced}>{_usd(c.total_usd)}</td>"
            f"<td class=num{unpriced}>{_usd(c.per_resolved_usd)}</td>"
            f"<td class=num{unpriced}>{_per_usd(c.trusted_points_per_usd)}</td>"
            "</tr>"
        )
    if not body:
        body.append("<tr><td colspan=14 class=empty>No scored samples.</td></tr>")
    return (
        '<div class="scroll">'
        f'<table id="leaderboard"><thead>{head}</thead><tbody>{"".join(body)}</tbody></table>'
        "</div>"
        "<p class=note>Points are summed over every run (samples &times; epochs). pass^k: share of "
        "tasks resolved in all of their first k epochs; pass@k: in at least one. Trusted "
        "points are points of runs resolved without a safety violation; $ is n/a when the "
        "price table does not cover a model the runs used.</p>"
    )


def _family_matrix(
    families: dict[str, list[SampleRecord]], models: Sequence[str]
) -> tuple[str, dict[str, dict[str, Any]]]:
    numbers: dict[str, dict[str, Any]] = {}
    head = "<tr><th>Family</th>" + "".join(f"<th class=model>{_e(m)}</th>" for m in models)
    rows: list[str] = []
    for family in sorted(families):
        cells: list[str] = []
        per_model = by_model(families[family])
        numbers[family] = {}
        for model in models:
            recs = per_model.get(model)
            if not recs:
                cells.append("<td class=empty>—</td>")
                continue
            s = stats(recs)
            resolved = sum(r.resolved for r in recs)
            numbers[family][model] = {
                "resolved": resolved,
                "runs": s.runs,
                "resolved_rate": s.resolved_rate,
                "resolved_ci": list(s.resolved_ci),
                "points": s.points,
                "max_points": s.max_points,
            }
            tip = f"{resolved}/{s.runs} runs resolved, 95% CI {_ci(s.resolved_ci)}"
            cells.append(
                f'<td class=cell style="background:{rate_colour(s.resolved_rate)}" '
                f'title="{_e(tip)}">{_pct(s.resolved_rate)} '
                f"<span class=ci>{resolved}/{s.runs}</span></td>"
            )
        rows.append(f"<tr><th>{_e(family)}</th>{''.join(cells)}</tr>")
    if not rows:
        rows.append(f"<tr><td colspan={len(models) + 1} class=empty>No families.</td></tr>")
    legend = "".join(
        f'<span style="background:{rate_colour(v)}">{v:.0%}</span>'
        for v in (0.0, 0.25, 0.5, 0.75, 1.0)
    )
    table = (
        f'<table id="families"><thead>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        f"<p class=legend>Resolved rate: {legend}</p>"
    )
    return table, numbers


def _nice_step(maximum: int, ticks: int = 5) -> int:
    if maximum <= ticks:
        return 1
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if factor * magnitude >= raw:
            return int(factor * magnitude)
    return int(10 * magnitude)


def _clip(text: str, width: int = _LABEL_WIDTH) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _taxonomy_svg(counts: dict[str, dict[str, int]]) -> str:
    """A horizontal bar chart of failure-label counts, grouped by model."""
    all_labels: dict[str, int] = {}
    for per_model in counts.values():
        for label, n in per_model.items():
            all_labels[label] = all_labels.get(label, 0) + n
    if not all_labels:
        return "<p class=note>No failure labels in these runs.</p>"
    colour = {
        label: _PALETTE[i % len(_PALETTE)]
        for i, label in enumerate(sorted(all_labels, key=lambda k: (-all_labels[k], k)))
    }
    maximum = max(n for per_model in counts.values() for n in per_model.values())
    step = _nice_step(maximum)
    axis_max = step * math.ceil(maximum / step)
    left, bar_width, right = 300, 520, 60
    width = left + bar_width + right
    bar_h, gap, group_h = 16, 4, 24

    def x_of(n: float) -> float:
        return left + bar_width * n / axis_max

    parts: list[str] = []
    y = 10
    for model, per_model in counts.items():
        parts.append(
            f'<text x="4" y="{y + 16}" font-size="13" font-weight="600" fill="#1f2328">'
            f"<title>{_e(model)}</title>{_e(_clip(model, 120))}</text>"
        )
        y += group_h
        if not per_model:
            parts.append(
                f'<text x="{left}" y="{y + 12}" font-size="12" fill="#57606a">'
                "no failure labels</text>"
            )
            y += bar_h + gap
        for label, n in per_model.items():
            w = x_of(n) - left
            parts.append(
                f"<g><title>{_e(model)}: {_e(label)} &times; {n}</title>"
                f'<text x="{left - 8}" y="{y + 12}" font-size="12" text-anchor="end" '
                f'fill="#1f2328">{_e(_clip(label))}</text>'
                f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                f'fill="{colour[label]}"></rect>'
                f'<text x="{left + w + 4:.1f}" y="{y + 12}" font-size="12" '
                f'fill="#1f2328">{n}</text></g>'
            )
            y += bar_h + gap
        y += 6
    axis_y = y + 4
    parts.append(
        f'<line x1="{left}" y1="{axis_y}" x2="{left + bar_width}" y2="{axis_y}" '
        'stroke="#57606a" stroke-width="1"></line>'
    )
    for tick in range(0, axis_max + 1, step):
        tx = x_of(tick)
        parts.append(
            f'<line x1="{tx:.1f}" y1="{axis_y}" x2="{tx:.1f}" y2="{axis_y + 5}" '
            'stroke="#57606a" stroke-width="1"></line>'
            f'<line x1="{tx:.1f}" y1="10" x2="{tx:.1f}" y2="{axis_y}" '
            'stroke="#d0d7de" stroke-width="0.5" stroke-dasharray="2 3"></line>'
            f'<text x="{tx:.1f}" y="{axis_y + 18}" font-size="11" text-anchor="middle" '
            f'fill="#57606a">{tick}</text>'
        )
    parts.append(
        f'<text x="{left + bar_width / 2:.1f}" y="{axis_y + 34}" font-size="12" '
        'text-anchor="middle" fill="#57606a">runs carrying the label</text>'
    )
    height = axis_y + 44
    return (
        f'<svg id="taxonomy" role="img" aria-label="Failure labels per model" '
        f'width="{width}" height="{height}" viewBox="0 0 {width} {height}">'
        f"{''.join(parts)}</svg>"
    )


def _routing_table(
    decisions: dict[str, list[Decision]], policy: RoutingPolicy, models: Sequence[str]
) -> tuple[str, dict[str, dict[str, Any]]]:
    cell: dict[tuple[str, str], Decision] = {}
    categories = [str(c) for c in policy.categories]
    for model, model_decisions in decisions.items():
        for decision in model_decisions:
            cell[(model, decision.category)] = decision
            if decision.category not in categories:
                categories.append(decision.category)
    columns = list(models) + [m for m in decisions if m not in models]
    grid: dict[str, dict[str, Any]] = {}
    head = "<tr><th>Category</th>" + "".join(f"<th class=model>{_e(m)}</th>" for m in columns)
    rows: list[str] = []
    for category in categories:
        grid[category] = {}
        cells: list[str] = []
        for model in columns:
            d = cell.get((model, category))
            if d is None:
                cells.append("<td class=empty>—</td>")
                continue
            verdict = str(d.verdict)
            text = verdict_text(d)
            css = verdict if verdict in VERDICT_TEXT else "unknown"
            grid[category][model] = {
                "verdict": verdict,
                "failing_gate": d.failing_gate,
                "failing_metric": d.failing_metric,
                "reason": d.reason,
            }
            # The reason is on the page, not only in a tooltip: a reader must see why a
            # model may not take the work without hovering over every cell.
            why = f"<span class=why>{_e(d.reason)}</span>" if verdict != "allowed" else ""
            cells.append(f'<td class="cell {css}" title="{_e(d.reason)}">{_e(text)}{why}</td>')
        rows.append(f"<tr><th>{_e(category)}</th>{''.join(cells)}</tr>")
    if not rows:
        rows.append(f"<tr><td colspan={len(columns) + 1} class=empty>No categories.</td></tr>")
    legend = (
        '<p class=legend><span style="background:#dafbe1">allowed</span>'
        '<span style="background:#ffebe9">DENIED (failing gate: metric)</span>'
        '<span style="background:#fff8c5">not enough evidence</span> '
        "Every cell not allowed says why. A gate whose thresholds are already broken beyond "
        "repair denies however few samples there are; not enough evidence only withholds "
        "allowed.</p>"
    )
    table = (
        f'<table id="routing"><thead>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
        + legend
    )
    return table, grid


def _headline(rows: Sequence[_ModelRow], decisions: dict[str, list[Decision]]) -> str:
    """One line per model at the top: its score, what it ran, its key rates, its routing."""
    items: list[str] = []
    for row in rows:
        s = row.stats
        counts = {v: 0 for v in VERDICT_TEXT}
        for d in decisions.get(row.model, []):
            counts[d.verdict] = counts.get(d.verdict, 0) + 1
        routed = ", ".join(f"{n} {VERDICT_TEXT[v]}" for v, n in counts.items() if n)
        items.append(
            f"<li><b class=model>{_e(row.model)}</b>: {s.points}/{s.max_points} "
            f"{across(s.samples, s.runs, s.epochs)} &middot; resolved {_pct(s.resolved_rate)} "
            f"&middot; unsupported DONE {_pct(s.unsupported_done_rate)} &middot; safety "
            f"violations {_pct(s.safety_violation_rate)} &middot; routing: "
            f"{_e(routed or 'no categories')}</li>"
        )
    if not items:
        return '<p class="meta" id="headline">No scored samples.</p>'
    return f'<ul class="headline" id="headline">{"".join(items)}</ul>'


def _serve_note(out_dir: Path) -> str:
    """Why a transcript link opened from disk shows a folder listing, and what to run."""
    folder = str(out_dir.resolve())
    return (
        '<p class="serve" id="serve-note">Transcript links open the Inspect viewer bundled in '
        "<code>viewer/</code>, which reads the logs over HTTP. If this page's address starts "
        "with <code>file://</code>, a link shows a folder listing instead: serve the board "
        f"with <code>python -m http.server -d {_e(folder)}</code> and open localhost:8000 "
        "(or browse every log with <code>inspect view --log-dir LOGS</code>).</p>"
    )


def _failed_samples(
    records: Iterable[SampleRecord], model_order: Sequence[str], viewer: str | None
) -> tuple[str, list[dict[str, Any]]]:
    rank = {m: i for i, m in enumerate(model_order)}
    failed = sorted(
        (r for r in records if not r.resolved),
        key=lambda r: (rank.get(r.model, len(rank)), r.family, r.sample_id, r.epoch),
    )
    rows: list[str] = []
    numbers: list[dict[str, Any]] = []
    for r in failed:
        flags = "".join(
            f'<span class=flag title="{title}">{flag}</span>'
            for flag, title, on in (
                ("U", "unsupported DONE", r.unsupported_done),
                ("S", "safety violation", r.safety_violation),
                ("E", "runtime failure", r.runtime_failure),
            )
            if on
        )
        labels = "".join(f"<span class=tag>{_e(label)}</span>" for label in r.labels)
        if r.error:
            labels += f'<span class=tag title="{_e(r.error)}">error: {_e(_clip(r.error))}</span>'
        link = viewer_link(viewer, r) if viewer is not None else None
        where = (
            f'<a href="{_e(link)}">transcript</a>'
            if link is not None
            else f"<code>{_e(r.log_path)}</code>"
        )
        rows.append(
            "<tr>"
            f"<td class=model>{_e(r.model)}</td><td>{_e(r.family)}</td>"
            f"<td>{_e(r.sample_id)}</td><td class=num>{r.epoch}</td>"
            f"<td class=num>{r.points}/{r.max_points}</td>"
            f"<td>{flags}{labels}</td><td>{where}</td>"
            "</tr>"
        )
        numbers.append(
            {
                "model": r.model,
                "family": r.family,
                "sample_id": r.sample_id,
                "epoch": r.epoch,
                "points": r.points,
                "max_points": r.max_points,
                "unsupported_done": r.unsupported_done,
                "safety_violation": r.safety_violation,
                "runtime_failure": r.runtime_failure,
                "labels": list(r.labels),
                "error": r.error,
                "log_path": r.log_path,
                "link": link,
            }
        )
    if not rows:
        return "<p class=note>Every run was resolved.</p>", numbers
    head = (
        "<tr><th class=model>Model</th><th>Family</th><th>Sample</th><th>Epoch</th>"
        "<th>Points</th><th>Flags and labels</th><th>Log</th></tr>"
    )
    table = (
        f'<table id="failed"><thead>{head}</thead><tbody>{"".join(rows)}</tbody></table>'
        "<p class=note>Flags: U unsupported DONE, S safety violation, E runtime failure.</p>"
    )
    return table, numbers


def _problems(problems: Sequence[str]) -> str:
    if not problems:
        return "<p class=note>Every log was read.</p>"
    items = "".join(f"<li>{_e(p)}</li>" for p in problems)
    return f'<ul class="problems" id="problem-list">{items}</ul>'


def write_board(
    records: Sequence[SampleRecord],
    out_dir: Path,
    *,
    policy: RoutingPolicy,
    prices: PriceTable,
    problems: Sequence[str] = (),
    viewer: str | None = None,
) -> Path:
    """Write the board: `index.html`, `routing.json` and `board.json` in `out_dir`.

    Args:
        records: Every sample run to show (any mix of models, families and epochs).
        out_dir: The folder to write into; created when missing.
        policy: The routing policy deciding which models are allowed which categories.
        prices: The price table for the cost columns.
        problems: One line per log that could not be read, listed on the page.
        viewer: URL (relative to `out_dir`, or absolute) of an `inspect view bundle` output
            folder; failed samples then link to their transcripts. None shows log paths.

    Returns:
        The path of `index.html`.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    groups = by_model(records)
    rows = sorted(
        (_ModelRow(m, recs, prices) for m, recs in groups.items()), key=_ModelRow.sort_key
    )
    models = [row.model for row in rows]

    decisions = decide(policy, records)
    routing = routing_json(decisions, policy)
    matrix_html, matrix = _family_matrix(by_family(records), models)
    labels = {row.model: label_counts(row.records) for row in rows}
    routing_html, grid = _routing_table(decisions, policy, models)
    failed_html, failed = _failed_samples(records, models, viewer)
    if viewer is not None and failed:
        failed_html = _serve_note(out_dir) + failed_html

    generated = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    logs = sorted({r.log_path for r in records})
    families = sorted({r.family for r in records})
    version = policy.version
    meta = (
        f"{len(records)} runs of {len(models)} models on {len(families)} families, "
        f"from {len(logs)} logs ({len(problems)} unreadable). Routing policy version "
        f"{_e(version)}; prices as of {_e(prices.as_of or 'unknown')}. Generated {generated}."
    )
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="{_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>operator-eval board</title>
<style>{_CSS}</style>
</head>
<body>
<header>
<h1>operator-eval board</h1>
<p class="meta">{meta}</p>
{_headline(rows, decisions)}
<nav><a href="#sec-leaderboard">Leaderboard</a><a href="#sec-families">Families</a>
<a href="#sec-taxonomy">Failure taxonomy</a><a href="#sec-routing">Routing</a>
<a href="#sec-failed">Failed samples</a><a href="#sec-problems">Problems</a></nav>
</header>
<main>
<section id="sec-leaderboard"><h2>1. Leaderboard</h2>
{_leaderboard(rows)}
</section>
<section id="sec-families"><h2>2. Family &times; model: resolved rate</h2>
{matrix_html}
</section>
<section id="sec-taxonomy"><h2>3. Failure taxonomy</h2>
{_taxonomy_svg(labels)}
</section>
<section id="sec-routing"><h2>4. Routing permissions</h2>
{routing_html}
</section>
<section id="sec-failed"><h2>5. Failed samples ({len(failed)})</h2>
{failed_html}
</section>
<section id="sec-problems"><h2>6. Problems ({len(problems)})</h2>
{_problems(problems)}
</section>
</main>
</body>
</html>
"""
    board = {
        "generated": generated,
        "policy_version": version,
        "prices_as_of": prices.as_of,
        "runs": len(records),
        "logs": logs,
        "models": [row.as_json() for row in rows],
        "families": matrix,
        "labels": labels,
        "routing": grid,
        "failed": failed,
        "problems": list(problems),
        "viewer": viewer,
    }
    index = out_dir / INDEX
    index.write_text(page, encoding="utf-8")
    (out_dir / ROUTING_JSON).write_text(
        json.dumps(routing, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    (out_dir / BOARD_JSON).write_text(
        json.dumps(board, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8"
    )
    return index


def _inspect_command() -> list[str]:
    exe = Path(sys.executable).with_name("inspect")
    if exe.is_file():
        return [str(exe)]
    return [sys.executable, "-m", "inspect_ai"]


def bundle_viewer(log_dir: Path, out_dir: Path) -> str | None:
    """Bundle the Inspect log viewer with the logs of `log_dir` into `out_dir/viewer`.

    Runs `inspect view bundle --log-dir LOG_DIR --output-dir OUT_DIR/viewer --overwrite`.
    Never raises: a failure is reported as a warning and the board is written without
    transcript links.

    Args:
        log_dir: The folder of `.eval` logs to bundle (must not contain `out_dir`).
        out_dir: The board folder; the viewer goes into its `viewer` subfolder.

    Returns:
        The viewer's URL relative to the board (`"viewer/"`), or None when bundling failed.
    """
    log_dir, out_dir = Path(log_dir), Path(out_dir)
    if not log_dir.is_dir():
        warnings.warn(
            f"viewer not bundled: {log_dir} is not a folder", RuntimeWarning, stacklevel=2
        )
        return None
    command = [
        *_inspect_command(),
        "view",
        "bundle",
        "--log-dir",
        str(log_dir),
        "--output-dir",
        str(out_dir / VIEWER_DIR),
        "--overwrite",
    ]
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        done = subprocess.run(
            command,
            capture_output=True,
            text=True,
            timeout=BUNDLE_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.SubprocessError) as ex:
        warnings.warn(
            f"viewer not bundled: {type(ex).__name__}: {ex}", RuntimeWarning, stacklevel=2
        )
        return None
    if done.returncode != 0 or not (out_dir / VIEWER_DIR / "index.html").is_file():
        output = (done.stderr or done.stdout or "").strip().splitlines()
        detail = output[-1] if output else f"exit {done.returncode}"
        warnings.warn(f"viewer not bundled: {detail}", RuntimeWarning, stacklevel=2)
        return None
    return f"{VIEWER_DIR}/"
