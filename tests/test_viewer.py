"""Screenshot-as-test: real logs opened in the Inspect viewer, read off the rendered page.

Two scripted policies run deploy_recovery for real; `inspect view bundle` turns their log
directory into the viewer's static site, served on loopback; headless Chromium opens the
log list, a log's sample list and a sample's Scoring tab, the way a reader clicks through.
Assertions are on what the page shows (text, tables, whether a column is on screen), not
on the log file. One PNG per view is saved in the test's tmp dir to look at on failure.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest
from _chromium_cdp import Chromium, chromium_path
from inspect_ai import eval as inspect_eval

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(chromium_path() is None, reason="chromium is not installed"),
]

TASK = "operator_eval/deploy_recovery"
SAMPLES = 8  # deploy_recovery's dataset at seed 0
CHECKS = {"proof_present", "evidence_verified", "status", "protected_inputs"}
TABLE_HEADER = ["check", "pts", "kind", "ok", "reason"]
FAILED_MARKS = {"✗", "✘", "no", "false", "failed"}

# Each extractor returns plain JSON so `wait_for` can compare two polls for "settled".
GRID_ROWS_JS = """(() => {
  if (!document.body) return {busy: true, rows: []};
  const width = window.innerWidth;
  return {
    busy: /Syncing data|Loading/.test(document.body.innerText),
    rows: [...document.querySelectorAll('[role=row]')].map(row => {
      const cells = {};
      for (const cell of row.querySelectorAll('[role=gridcell][data-col-id]')) {
        const box = cell.getBoundingClientRect();
        cells[cell.dataset.colId] = {
          text: cell.innerText.trim(),
          onScreen: box.width > 0 && box.left >= 0 && box.right <= width,
        };
      }
      return cells;
    }).filter(cells => Object.keys(cells).length > 0),
  };
})()"""

# A header label is cut off when its text runs past the first ancestor that clips it
# (ellipsis or overflow hidden); text spilling into a cell's padding is still readable.
METRIC_HEADER_JS = """[...document.querySelectorAll('[data-testid=score-grid] thead th')]
.map(th => {
  const range = document.createRange();
  range.selectNodeContents(th);
  const text = range.getBoundingClientRect();
  let clip = th;
  while (clip.parentElement && getComputedStyle(clip).overflowX === 'visible') {
    clip = clip.parentElement;
  }
  const box = clip.getBoundingClientRect();
  return {
    text: th.innerText.trim(),
    fits: text.left >= box.left - 0.5 && text.right <= box.right + 0.5,
  };
}).filter(head => head.text)"""

# The Scoring tab lays out Scorer | Answer | Score | Explanation as one grid: the header
# labels, a separator, then four cells per scorer.
SCORING_JS = """(() => {
  if (!document.body) return null;
  const header = [...document.querySelectorAll('div')].find(
    d => d.children.length === 0 && d.textContent.trim() === 'Explanation');
  if (!header) return null;
  const grid = header.parentElement;
  const kids = [...grid.children];
  const isSeparator = k => String(k.className).includes('separator');
  const cells = kids.slice(kids.findIndex(isSeparator) + 1).filter(k => !isSeparator(k));
  const rows = [];
  for (let i = 0; i + 3 < cells.length; i += 4) {
    const explanation = cells[i + 3];
    const first = explanation.querySelector('.markdown-content > :first-child');
    const strong = first ? first.querySelector('strong') : null;
    rows.push({
      scorer: cells[i].innerText.trim(),
      answer: cells[i + 1].innerText.trim(),
      firstLine: first ? first.innerText.trim() : '',
      bold: strong ? strong.innerText.trim() : '',
      text: explanation.innerText,
      tables: [...explanation.querySelectorAll('table')].map(t =>
        [...t.querySelectorAll('tr')].map(r =>
          [...r.querySelectorAll('th,td')].map(c => c.innerText.trim()))),
    });
  }
  return rows;
})()"""


@pytest.fixture(scope="module")
def logs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One real deploy_recovery log per scripted policy: {model: log file}."""
    folder = tmp_path_factory.mktemp("viewer-logs")
    found: dict[str, Path] = {}
    for model in ("opeval/oracle", "opeval/sloppy"):
        [log] = inspect_eval(TASK, model=model, log_dir=str(folder), display="none")
        assert log.status == "success", log.error
        found[model] = Path(log.location)
    return found


@pytest.fixture(scope="module")
def viewer(logs: dict[str, Path], tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The viewer's static bundle of those logs, served on loopback: its base URL."""
    site = tmp_path_factory.mktemp("viewer-site") / "site"
    log_dir = next(iter(logs.values())).parent
    command = ["view", "bundle", "--log-dir", str(log_dir), "--output-dir", str(site)]
    built = subprocess.run(
        [sys.executable, "-m", "inspect_ai", *command],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        stdin=subprocess.DEVNULL,
    )
    assert built.returncode == 0, built.stderr[-2000:]
    handler = functools.partial(_QuietHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Chromium]:
    with Chromium(tmp_path_factory.mktemp("chromium") / "profile") as chromium:
        yield chromium


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the screenshots go (printed on failure by pytest as the tmp path)."""
    return tmp_path_factory.mktemp("viewer-screenshots")


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _log_url(viewer: str, log: Path, tail: str = "") -> str:
    return f"{viewer}#/logs/{quote(log.name)}{tail}"


def _log_list(browser: Chromium, viewer: str, shots: Path) -> list[dict[str, Any]]:
    """The log list's rows once both logs show their headline score.

    Only the score is waited for: the viewer fills the other columns (sample counts,
    durations) from a second, slower sync that a loaded machine may not finish in time.
    """

    def ready(page: Any) -> bool:
        rows = page["rows"]
        return (
            not page["busy"]
            and len(rows) == 2
            and all(_number(row.get("score", {}).get("text", "")) is not None for row in rows)
        )

    browser.goto(f"{viewer}#/logs/")
    shot = shots / "log-list.png"
    page = _settle(browser, GRID_ROWS_JS, ready, "both logs in the log list", shot)
    rows: list[dict[str, Any]] = page["rows"]
    return rows


def _sample_rows(
    browser: Chromium, viewer: str, log: Path, shots: Path, name: str
) -> dict[str, dict[str, Any]]:
    """A log's sample list: {sample id: cells} once every sample shows an answer."""

    def ready(page: Any) -> bool:
        rows = page["rows"]
        return (
            not page["busy"]
            and len(rows) == SAMPLES
            and all(row.get("answer", {}).get("text") for row in rows)
        )

    browser.goto(_log_url(viewer, log))
    shot = shots / f"samples-{name}.png"
    page = _settle(browser, GRID_ROWS_JS, ready, f"{SAMPLES} answered samples", shot)
    return {row["sampleId"]["text"]: row for row in page["rows"]}


def _scoring(
    browser: Chromium, viewer: str, log: Path, sample: str, shots: Path, name: str
) -> dict[str, Any]:
    """The operator_score row of a sample's Scoring tab."""
    browser.goto(_log_url(viewer, log, f"/samples/sample/{quote(sample)}/1/scoring"))
    rows = _settle(
        browser,
        SCORING_JS,
        lambda rows: bool(rows and rows[0]["text"].strip()),
        "the Scoring tab's explanation",
        shots / f"scoring-{name}.png",
    )
    [row] = [row for row in rows if row["scorer"] == "operator_score"]
    return dict(row)


def _settle(
    browser: Chromium, script: str, ready: Callable[[Any], bool], what: str, shot: Path
) -> Any:
    """Wait until the page shows `what`; screenshot it either way, to look at on failure."""
    try:
        return browser.wait_for(script, ready, what=what)
    finally:
        browser.screenshot(shot)


def _metric_header(browser: Chromium) -> list[dict[str, Any]]:
    headers: list[dict[str, Any]] = browser.wait_for(
        METRIC_HEADER_JS, lambda heads: bool(heads), what="the metrics header"
    )
    return headers


def test_log_list_shows_the_headline_score_on_screen(
    browser: Chromium, viewer: str, shots: Path
) -> None:
    rows = {row["model"]["text"]: row for row in _log_list(browser, viewer, shots)}
    assert set(rows) == {"opeval/oracle", "opeval/sloppy"}
    oracle, sloppy = rows["opeval/oracle"]["score"], rows["opeval/sloppy"]["score"]
    # 8 samples x 25 points: the oracle earns all of them, sloppy's unsupported DONEs none.
    assert _number(oracle["text"]) == 200, f"oracle's SCORE cell shows {oracle['text']!r}"
    assert _number(sloppy["text"]) == 0, f"sloppy's SCORE cell shows {sloppy['text']!r}"
    assert oracle["onScreen"], "the SCORE column is off-screen in a 1400px window"


def test_metric_names_fit_the_log_header(
    browser: Chromium, viewer: str, logs: dict[str, Path], shots: Path
) -> None:
    _sample_rows(browser, viewer, logs["opeval/oracle"], shots, "oracle")
    headers = _metric_header(browser)
    names = [head["text"] for head in headers]
    assert not [name for name in names if name.startswith("operator_eval/")], names
    assert [head for head in headers if not head["fits"]] == [], "a metric name is truncated"


def test_sample_rows_answer_with_the_verdict(
    browser: Chromium, viewer: str, logs: dict[str, Path], shots: Path
) -> None:
    oracle = _sample_rows(browser, viewer, logs["opeval/oracle"], shots, "oracle")
    sloppy = _sample_rows(browser, viewer, logs["opeval/sloppy"], shots, "sloppy")
    assert set(oracle) == set(sloppy) and len(oracle) == SAMPLES
    assert {row["answer"]["text"] for row in oracle.values()} == {"DONE (resolved)"}
    # Sloppy claims DONE everywhere without the evidence: at a glance, not a pass.
    assert {row["answer"]["text"] for row in sloppy.values()} == {"DONE (unsupported)"}
    assert all(row["answer"]["onScreen"] for row in sloppy.values()), "ANSWER is off-screen"


def test_scoring_tab_opens_with_the_verdict_and_a_table_of_checks(
    browser: Chromium, viewer: str, logs: dict[str, Path], shots: Path
) -> None:
    row = _scoring(browser, viewer, logs["opeval/sloppy"], "clean-s0", shots, "sloppy")
    assert row["answer"] == "DONE (unsupported)"
    # The first line, in bold, says the sample was zeroed and why.
    assert row["bold"].startswith("0/25"), row["firstLine"]
    assert "unsupported DONE" in row["bold"], row["firstLine"]
    assert row["firstLine"].startswith(row["bold"]) and len(row["firstLine"]) > len(row["bold"])
    [table] = [t for t in row["tables"] if t and [c.lower() for c in t[0]] == TABLE_HEADER]
    checks = {cells[0]: cells for cells in table[1:]}
    assert CHECKS <= set(checks), sorted(checks)
    assert all(len(cells) == len(TABLE_HEADER) for cells in checks.values())
    # Sloppy wrote no proof: that check failed, with its reason in the row.
    assert checks["proof_present"][3] in FAILED_MARKS and checks["proof_present"][4]
    # A check that passed earns nothing in a zeroed sample, and the verdict line says so.
    passed = [cells for cells in checks.values() if cells[3] not in FAILED_MARKS]
    assert passed and all(cells[1].startswith("0/") for cells in passed), passed
    assert "zero" in row["firstLine"].lower(), row["firstLine"]
    # Which policy was run is visible where the reader is looking.
    assert "opeval/sloppy" in row["text"], row["text"][:500]
    # Checks read as rows, not as `Array(9)` (the raw list stays in the tab's METADATA).
    assert "Array(" not in row["text"] and "Object(" not in row["text"]


def test_scoring_tab_of_a_resolved_sample(
    browser: Chromium, viewer: str, logs: dict[str, Path], shots: Path
) -> None:
    row = _scoring(browser, viewer, logs["opeval/oracle"], "clean-s0", shots, "oracle")
    assert row["answer"] == "DONE (resolved)"
    assert row["bold"].startswith("25/25") and "resolved" in row["bold"], row["firstLine"]
    [table] = [t for t in row["tables"] if t and [c.lower() for c in t[0]] == TABLE_HEADER]
    assert CHECKS <= {cells[0] for cells in table[1:]}
    assert "opeval/oracle" in row["text"], row["text"][:500]
