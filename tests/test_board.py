"""The static HTML board: content, escaping, self-containment, and a headless Chromium render."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest

from operator_eval.report import (
    Board,
    PriceTable,
    RoutingPolicy,
    SampleRecord,
    TokenUsage,
    build_board,
    bundle_viewer,
    decide,
    load_policy,
    load_prices,
    rate_colour,
    read_records,
    render_board,
    stats,
    viewer_link,
    write_board,
)
from operator_eval.report._cost import ModelPrice

REAL_LOGS = Path("/tmp/board_logs")
EVIL = "<script>alert(1)</script>"
EVIL_LABEL = '<img src=x onerror="alert(2)">'
GOOD = "openai/gpt-4o"
LOCAL = "opeval/oracle"
UNPRICED = "acme/mystery"


def rec(
    model: str,
    family: str,
    sample_id: str,
    epoch: int,
    *,
    points: int,
    resolved: bool,
    labels: tuple[str, ...] = (),
    category: str | None = "deploy",
    log_path: str = "/logs/run-1.eval",
    usage: dict[str, TokenUsage] | None = None,
    **flags: Any,
) -> SampleRecord:
    return SampleRecord(
        model=model,
        task=f"operator_eval/{family}",
        family=family,
        variant=sample_id,
        sample_id=sample_id,
        epoch=epoch,
        category=category,
        risk="high",
        points=points,
        resolved=resolved,
        unsupported_done=flags.get("unsupported_done", False),
        safety_violation=flags.get("safety_violation", False),
        runtime_failure=flags.get("runtime_failure", False),
        labels=labels,
        usage=usage if usage is not None else {},
        total_time=30.0,
        log_path=log_path,
        error=flags.get("error"),
    )


def sample_records() -> list[SampleRecord]:
    """GOOD: 6 runs, 75/150; EVIL: 4 runs, 25/100, with hostile labels; plus an unpriced one."""
    usage = {GOOD: TokenUsage(10_000, 2_000)}
    records = [
        rec(GOOD, "deploy_recovery", "d1", 1, points=25, resolved=True, usage=usage),
        rec(GOOD, "deploy_recovery", "d1", 2, points=25, resolved=True, usage=usage),
        rec(GOOD, "deploy_recovery", "d2", 1, points=25, resolved=True, usage=usage),
        rec(
            GOOD,
            "deploy_recovery",
            "d2",
            2,
            points=0,
            resolved=False,
            labels=("unsupported_done", "verification_missing"),
            unsupported_done=True,
            usage=usage,
        ),
        rec(
            GOOD,
            "invoice_reconciliation",
            "i 1/a",
            1,
            points=0,
            resolved=False,
            labels=("wrong_result",),
            category="money_path",
            log_path="/logs/2026 run+x.eval",
            usage=usage,
        ),
        rec(
            GOOD,
            "invoice_reconciliation",
            "i 1/a",
            2,
            points=0,
            resolved=False,
            labels=("wrong_result",),
            category="money_path",
            log_path="/logs/2026 run+x.eval",
            usage=usage,
        ),
    ]
    records += [
        rec(EVIL, "deploy_recovery", "d1", 1, points=25, resolved=True, log_path="/logs/evil.eval"),
        rec(
            EVIL,
            "deploy_recovery",
            "d2",
            1,
            points=0,
            resolved=False,
            labels=(EVIL_LABEL, "unsafe_deploy"),
            safety_violation=True,
            log_path="/logs/evil.eval",
        ),
        rec(
            EVIL,
            "deploy_recovery",
            "d3",
            1,
            points=0,
            resolved=False,
            labels=("runtime_error",),
            runtime_failure=True,
            log_path="/logs/evil.eval",
        ),
        rec(
            EVIL,
            "deploy_recovery",
            "d4",
            1,
            points=0,
            resolved=False,
            error="RuntimeError: <b>boom</b>",
            log_path="/logs/evil.eval",
        ),
    ]
    records.append(
        rec(UNPRICED, "deploy_recovery", "d1", 1, points=10, resolved=False, labels=("unhealthy",))
    )
    return records


def policy() -> RoutingPolicy:
    return RoutingPolicy.model_validate(
        {
            "version": "test-1",
            "categories": {
                "drafting": {
                    "description": "light",
                    "gates": [{"name": "drafting_gate", "families": [], "min_pass_hat_k": 0.0}],
                },
                "deploy": {
                    "description": "critical",
                    "gates": [
                        {
                            "name": "deploy_gate",
                            "families": ["deploy_recovery"],
                            "min_pass_hat_k": 1.0,
                            "max_safety_violation_rate": 0.0,
                        }
                    ],
                },
                "money_path": {
                    "description": "critical",
                    "gates": [
                        {
                            "name": "money_gate",
                            "families": ["invoice_reconciliation"],
                            "min_samples": 6,
                            "min_pass_hat_k": 1.0,
                        }
                    ],
                },
            },
        }
    )


def prices() -> PriceTable:
    return PriceTable(
        models={GOOD: ModelPrice(input_per_mtok=2.5, output_per_mtok=10.0)},
        local_hourly_usd=1.0,
        local_prefixes=["opeval/", "<script>"],
        as_of="test",
    )


@pytest.fixture
def board(tmp_path: Path) -> Path:
    return write_board(
        sample_records(),
        tmp_path / "board",
        policy=policy(),
        prices=prices(),
        problems=["/logs/bad.eval: cannot read log: <b>BadZipFile</b>"],
        viewer="viewer/",
    )


def test_writes_index_routing_and_board_json(board: Path) -> None:
    assert board.name == "index.html" and board.is_file()
    page = board.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page and "<title>operator-eval board</title>" in page
    for section in ('id="leaderboard"', 'id="families"', 'id="routing"', 'id="failed"'):
        assert section in page
    assert "<svg" in page and "<rect" in page and "</svg>" in page

    routing = json.loads((board.parent / "routing.json").read_text())
    assert routing["policy_version"] == "test-1"
    assert routing["models"][GOOD]["drafting"]["verdict"] == "allowed"
    assert routing["models"][EVIL]["deploy"]["verdict"] == "denied"
    # One invoice sample of the 6 the gate demands, unresolved: pass^k can no longer reach
    # 100%, so it is denied now; a model without invoice runs has not enough evidence.
    money = routing["models"][GOOD]["money_path"]
    assert money["verdict"] == "denied" and "beyond repair (1 sample < min 6)" in money["reason"]
    assert routing["models"][UNPRICED]["money_path"]["verdict"] == "not_enough_evidence"

    numbers = json.loads((board.parent / "board.json").read_text())
    assert [m["model"] for m in numbers["models"]] == [GOOD, EVIL, UNPRICED]
    good = numbers["models"][0]
    expected = stats([r for r in sample_records() if r.model == GOOD])
    assert (good["points"], good["max_points"]) == (75, 150)
    assert good["stats"]["pass_hat_k"] == expected.pass_hat_k
    assert good["cost"]["total_usd"] == pytest.approx(6 * (10_000 * 2.5 + 2_000 * 10.0) / 1e6)
    assert numbers["models"][2]["cost"]["total_usd"] is None
    assert numbers["families"]["deploy_recovery"][EVIL]["resolved"] == 1
    assert numbers["labels"][GOOD] == {
        "wrong_result": 2,
        "unsupported_done": 1,
        "verification_missing": 1,
    }
    assert len(numbers["failed"]) == 7
    assert numbers["problems"] == ["/logs/bad.eval: cannot read log: <b>BadZipFile</b>"]


def test_board_json_is_the_board_model_the_page_is_rendered_from(board: Path) -> None:
    data = json.loads((board.parent / "board.json").read_text())
    model = Board.model_validate(data)
    assert model.model_dump(mode="json") == data
    built = build_board(
        sample_records(),
        decide(policy(), sample_records()),
        policy=policy(),
        prices=prices(),
        problems=["/logs/bad.eval: cannot read log: <b>BadZipFile</b>"],
        viewer="viewer/",
    )
    assert built.model_copy(update={"generated": model.generated}) == model
    page = board.read_text(encoding="utf-8")
    assert page == render_board(model, board.parent)  # the page is its model, rendered


def test_page_is_self_contained(board: Path) -> None:
    page = board.read_text(encoding="utf-8")
    refs = re.findall(r"""\b(?:src|href)\s*=\s*["']?([^"'\s>]*)""", page, re.IGNORECASE)
    assert refs, "expected at least the viewer links"
    for ref in refs:
        assert not re.match(r"(?:[a-z][a-z0-9+.-]*:)?//", ref, re.IGNORECASE), ref
    assert not re.search(r"https?://", page)
    lowered = page.lower()
    assert "<script" not in lowered and "<link" not in lowered and "@import" not in lowered
    assert "url(" not in lowered.replace("url(#", "")
    assert "Content-Security-Policy" in page and "default-src 'none'" in page


def test_log_values_are_escaped(board: Path) -> None:
    page = board.read_text(encoding="utf-8")
    assert EVIL not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    # Jinja2's autoescape writes a quote as &#34;, html.escape as &quot;: either is escaped.
    assert "<img" not in page and "&lt;img src=x onerror=&#34;alert(2)&#34;&gt;" in page
    assert "<b>" not in page and "&lt;b&gt;BadZipFile&lt;/b&gt;" in page
    assert "&lt;b&gt;boom&lt;/b&gt;" in page


def test_leaderboard_rows_sorted_by_points_with_points_over_max(board: Path) -> None:
    page = board.read_text(encoding="utf-8")
    table = page[page.index('id="leaderboard"') : page.index("</table>", page.index("leaderboard"))]
    assert "75/150" in table and "25/100" in table and "10/25" in table
    assert table.index(GOOD) < table.index("&lt;script&gt;") < table.index(UNPRICED)
    assert "pass^2 = 33.3%" in table and "pass@2 = 66.7%" in table
    assert "n/a" in table  # the unpriced model's cost
    # The CI of GOOD's resolved rate (3/6) is shown next to it.
    assert "50.0%<br><span class=ci>[18.8\u201381.2]</span>" in table


def test_failed_sample_links_into_the_viewer(board: Path) -> None:
    page = board.read_text(encoding="utf-8")
    failed = page[page.index('id="failed"') :]
    href = "viewer/#/logs/2026%20run%2Bx.eval/samples/sample/i%201%2Fa/2/transcript"
    assert f'<a href="{href}">transcript</a>' in failed
    assert 'href="viewer/#/logs/evil.eval/samples/sample/d2/1/transcript"' in failed
    # Resolved runs are not listed.
    assert "evil.eval/samples/sample/d1/" not in failed


def test_viewer_link_format() -> None:
    r = rec(GOOD, "f", "s1", 3, points=0, resolved=False, log_path="C:\\logs\\a b.eval")
    assert viewer_link("../v/", r) == "../v/#/logs/a%20b.eval/samples/sample/s1/3/transcript"


def test_without_viewer_log_paths_are_text(tmp_path: Path) -> None:
    index = write_board(sample_records(), tmp_path, policy=policy(), prices=prices())
    page = index.read_text(encoding="utf-8")
    assert "#/logs/" not in page
    assert "<code>/logs/2026 run+x.eval</code>" in page
    assert "Every log was read." in page


def test_routing_cells_colour_coded_with_their_reasons_on_the_page(board: Path) -> None:
    page = board.read_text(encoding="utf-8")
    table = page[page.index('id="routing"') : page.index("</table>", page.index('id="routing"'))]
    assert re.search(r'<td class="cell allowed" title="passes every gate[^"]*">allowed</td>', table)
    # Not allowed: the verdict, then the reason as text in the cell (not only a tooltip).
    denied = re.search(
        r'<td class="cell denied" title="[^"]*">DENIED \(deploy_gate: [^<]*'
        r"<span class=why>([^<]*)</span></td>",
        table,
    )
    assert denied and denied.group(1).endswith("(gate deploy_gate)")
    lacking = re.search(
        r'<td class="cell not_enough_evidence" title="[^"]*">not enough evidence'
        r"<span class=why>([^<]*)</span></td>",
        table,
    )
    assert lacking and lacking.group(1) == "no records of invoice_reconciliation (gate money_gate)"
    rows = re.findall(r"<tr><th>([^<]+)</th>", table)
    assert rows[1:] == ["drafting", "deploy", "money_path"]


def test_headline_per_model_at_the_top(board: Path) -> None:
    page = board.read_text(encoding="utf-8")
    headline = page[page.index('id="headline"') : page.index("</ul>", page.index('id="headline"'))]
    assert headline.index(GOOD) < headline.index("&lt;script&gt;") < headline.index(UNPRICED)
    # GOOD ran 3 tasks over 2 epochs: 3 tasks, not 6.
    assert f"<b class=model>{GOOD}</b>: 75/150 across 3 tasks \u00d7 2 epochs" in headline
    assert "routing: 1 allowed, 2 DENIED</li>" in headline


def test_transcript_links_say_they_need_http(board: Path, tmp_path: Path) -> None:
    page = board.read_text(encoding="utf-8")
    note = page[page.index('id="serve-note"') : page.index("</p>", page.index('id="serve-note"'))]
    assert f"python -m http.server -d {board.parent.resolve()}" in note and "file://" in note
    # No viewer, no links: no note.
    index = write_board(sample_records(), tmp_path / "plain", policy=policy(), prices=prices())
    assert 'id="serve-note"' not in index.read_text(encoding="utf-8")


def test_family_matrix_and_taxonomy(board: Path) -> None:
    page = board.read_text(encoding="utf-8")
    matrix = page[page.index('id="families"') : page.index("</table>", page.index('id="families"'))]
    assert f"background:{rate_colour(0.75)}" in matrix  # GOOD on deploy_recovery: 3/4
    assert "75.0% <span class=ci>3/4</span>" in matrix
    svg = page[page.index("<svg") : page.index("</svg>")]
    assert svg.count("<rect") == 3 + 3 + 1  # label bars: GOOD 3, EVIL 3, UNPRICED 1
    assert ">wrong_result</text>" in svg and ">runs carrying the label</text>" in svg


def test_rate_colour_scale() -> None:
    assert rate_colour(0.0) == "#f4a582" and rate_colour(1.0) == "#91cf60"
    assert rate_colour(0.5) == "#fee08b" and rate_colour(2.0) == rate_colour(1.0)


def test_empty_board(tmp_path: Path) -> None:
    index = write_board([], tmp_path, policy=policy(), prices=prices(), problems=["x: bad"])
    page = index.read_text(encoding="utf-8")
    assert 'id="leaderboard"' in page and "No scored samples." in page
    assert "No failure labels" in page and "x: bad" in page


def test_default_policy_and_prices(tmp_path: Path) -> None:
    index = write_board(sample_records(), tmp_path, policy=load_policy(), prices=load_prices())
    assert 'id="routing"' in index.read_text(encoding="utf-8")
    routing = json.loads((tmp_path / "routing.json").read_text())
    assert set(routing["models"]) == {GOOD, EVIL, UNPRICED}


def test_bundle_viewer_failure_warns_and_returns_none(tmp_path: Path) -> None:
    with pytest.warns(RuntimeWarning, match="viewer not bundled"):
        assert bundle_viewer(tmp_path / "missing", tmp_path / "out") is None
    (tmp_path / "empty").mkdir()
    with pytest.warns(RuntimeWarning, match="viewer not bundled"):
        assert bundle_viewer(tmp_path / "empty", tmp_path / "out") is None


def test_bundle_viewer_bundles_a_real_log(tmp_path: Path) -> None:
    from inspect_ai import Task, eval
    from inspect_ai.dataset import Sample
    from inspect_ai.scorer import match
    from inspect_ai.solver import Generate, Solver, TaskState, solver

    @solver
    def no_model() -> Solver:  # offline: never calls a model
        async def solve(state: TaskState, generate: Generate) -> TaskState:
            return state

        return solve

    logs = tmp_path / "logs"
    task = Task(
        dataset=[Sample(input="hi", target="x", id="s1")], solver=no_model(), scorer=match()
    )
    [log] = eval(task, model="mockllm/model", log_dir=str(logs), display="none")
    assert log.status == "success"
    out = tmp_path / "board"
    assert bundle_viewer(logs, out) == "viewer/"
    assert (out / "viewer" / "index.html").is_file()
    log_name = Path(log.location).name
    assert (out / "viewer" / "logs" / log_name).is_file()
    [record], _ = read_records([logs])
    assert viewer_link("viewer/", record).startswith(
        f"viewer/#/logs/{log_name}/samples/sample/s1/1/"
    )


@pytest.mark.skipif(not REAL_LOGS.is_dir(), reason=f"{REAL_LOGS} not present (local logs only)")
def test_real_logs(tmp_path: Path) -> None:
    records, problems = read_records([REAL_LOGS])
    viewer = bundle_viewer(REAL_LOGS, tmp_path)
    index = write_board(
        records,
        tmp_path,
        policy=load_policy(),
        prices=load_prices(),
        problems=problems,
        viewer=viewer,
    )
    page = index.read_text(encoding="utf-8")
    assert 'id="leaderboard"' in page and 'id="routing"' in page
    for model in {r.model for r in records}:
        assert html.escape(model) in page
    if viewer is not None:
        assert viewer == "viewer/" and (tmp_path / "viewer" / "index.html").is_file()


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess[str]:
    chromium = shutil.which("chromium")
    assert chromium is not None
    return subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--enable-logging=stderr",
            "--v=0",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}",
            "--window-size=1400,2000",
            *args,
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        stdin=subprocess.DEVNULL,
    )


def _console_problems(stderr: str) -> list[str]:
    """Console output or uncaught errors: the page runs no script, so there must be none."""
    return [
        line
        for line in stderr.splitlines()
        if "Uncaught" in line
        or "CONSOLE:" in line
        or ("CONSOLE(" in line and "error" in line.lower())
    ]


@pytest.mark.skipif(
    shutil.which("chromium") is None, reason="headless Chromium (Debian `chromium`) not installed"
)
def test_renders_in_headless_chromium_offline(board: Path, tmp_path: Path) -> None:
    shot = tmp_path / "shot.png"
    url = board.resolve().as_uri()
    done = _chromium(f"--screenshot={shot}", url, profile=tmp_path / "profile-shot")
    assert done.returncode == 0, done.stderr[-2000:]
    assert shot.is_file() and shot.stat().st_size > 10_000
    png = shot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert (width, height) == (1400, 2000)
    assert _console_problems(done.stderr) == []

    dom = _chromium("--dump-dom", url, profile=tmp_path / "profile-dom")
    assert dom.returncode == 0, dom.stderr[-2000:]
    assert 'id="leaderboard"' in dom.stdout and 'id="routing"' in dom.stdout
    assert "<svg" in dom.stdout and "75/150" in dom.stdout
    assert "<script" not in dom.stdout.lower()  # the hostile model name stayed text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in dom.stdout
    assert _console_problems(dom.stderr) == []


# ---- as a user sees it: real logs, rendered in headless Chromium ---------------------------


def _cdp_page(url: str, profile: Path, shot: Path) -> dict[str, Any]:
    """Open `url` in headless Chromium over the DevTools protocol; what a reader sees.

    Returns the page's rendered text (`innerText`: what is laid out and visible, tooltips
    excluded), the on-screen boxes of the headline and of every routing reason, and the
    viewport height, after writing a full-page screenshot to `shot`.
    """
    import base64
    import time

    sync_client = pytest.importorskip("websockets.sync.client")
    chromium = shutil.which("chromium")
    assert chromium is not None
    process = subprocess.Popen(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            "--remote-debugging-address=127.0.0.1",
            "--remote-debugging-port=0",
            f"--user-data-dir={profile}",
            "--window-size=1400,1000",
            "about:blank",
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        port_file = profile / "DevToolsActivePort"
        for _ in range(300):
            if port_file.is_file() and len(port_file.read_text().split()) >= 2:
                break
            time.sleep(0.1)
        port, browser_path = port_file.read_text().split()[:2]
        ids = iter(range(1, 1_000_000))

        def call(ws: Any, method: str, **params: Any) -> dict[str, Any]:
            sent = next(ids)
            ws.send(json.dumps({"id": sent, "method": method, "params": params}))
            while True:
                message = json.loads(ws.recv(timeout=60))
                if message.get("id") == sent:
                    assert "error" not in message, message
                    result: dict[str, Any] = message["result"]
                    return result

        with sync_client.connect(f"ws://127.0.0.1:{port}{browser_path}", max_size=None) as b:
            target = call(b, "Target.createTarget", url="about:blank")["targetId"]
        with sync_client.connect(
            f"ws://127.0.0.1:{port}/devtools/page/{target}", max_size=None
        ) as page:
            call(page, "Page.enable")
            call(page, "Page.navigate", url=url)
            while json.loads(page.recv(timeout=60)).get("method") != "Page.loadEventFired":
                pass
            script = """JSON.stringify({
              text: document.body.innerText,
              viewport: window.innerHeight,
              routing: Array.from(document.querySelectorAll('#routing tr')).map(
                tr => Array.from(tr.children).map(c => c.innerText)),
              boxes: Array.from(document.querySelectorAll('#headline, span.why')).map(e => {
                const r = e.getBoundingClientRect(), s = getComputedStyle(e);
                return {id: e.id, text: e.innerText, top: r.top, width: r.width,
                        height: r.height, visible: s.visibility === 'visible'
                        && s.display !== 'none' && parseFloat(s.opacity) > 0};
              })})"""
            seen = call(page, "Runtime.evaluate", expression=script, returnByValue=True)
            png = call(page, "Page.captureScreenshot", format="png", captureBeyondViewport=True)
            shot.write_bytes(base64.b64decode(png["data"]))
        dumped: dict[str, Any] = json.loads(seen["result"]["value"])
        return dumped
    finally:
        process.kill()
        process.wait(timeout=30)


@pytest.fixture(scope="module")
def real_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Three deploy_recovery tasks each by the oracle (.eval) and sloppy (--log-format json)."""
    from inspect_ai import eval as inspect_eval

    folder = tmp_path_factory.mktemp("real-logs")
    for model, log_format in (("opeval/oracle", "eval"), ("opeval/sloppy", "json")):
        [log] = inspect_eval(
            "operator_eval/deploy_recovery",
            model=model,
            limit=3,
            log_dir=str(folder),
            log_format=log_format,
            display="none",
        )
        assert log.status == "success"
    return folder


@pytest.mark.slow
@pytest.mark.skipif(
    shutil.which("chromium") is None, reason="headless Chromium (Debian `chromium`) not installed"
)
def test_a_reader_sees_verdicts_reasons_and_headline_from_real_logs(
    real_logs: Path, tmp_path: Path
) -> None:
    from operator_eval.cli import main

    # Both log formats are read: the sloppy log is JSON.
    assert sorted(p.suffix for p in real_logs.iterdir()) == [".eval", ".json"]
    out = tmp_path / "board"
    assert main(["board", str(real_logs), "-o", str(out)]) == 0
    shot = tmp_path / "board.png"
    seen = _cdp_page((out / "index.html").resolve().as_uri(), tmp_path / "profile", shot)

    text = seen["text"]
    # The headline, near the top of the first screen: 3 tasks each, sloppy's zero.
    headline = next(b for b in seen["boxes"] if b["id"] == "headline")
    assert headline["visible"] and headline["height"] > 0
    assert 0 <= headline["top"] < seen["viewport"] / 2
    assert "opeval/oracle: 75/75 across 3 tasks" in headline["text"]
    assert "opeval/sloppy: 0/75 across 3 tasks" in headline["text"]

    # The routing verdicts as text in the table: deploy work for sloppy is denied (3
    # unsupported DONE can never be outweighed), for the oracle not enough evidence yet.
    head, *rows = seen["routing"]
    grid = {row[0]: dict(zip(head[1:], row[1:], strict=True)) for row in rows}
    oracle, sloppy = grid["deploy"]["opeval/oracle"], grid["deploy"]["opeval/sloppy"]
    assert oracle.startswith("not enough evidence\n")
    assert sloppy.startswith("DENIED (deploy_honesty: safety violations)\n")
    assert "beyond repair" in sloppy
    assert grid["drafting"]["opeval/sloppy"].startswith(
        "DENIED (drafting_competence: unsupported DONE)\n"
    )
    assert grid["drafting"]["opeval/oracle"] == (
        "not enough evidence\n3 samples < min 6 (gate drafting_competence)"
    )
    routing = text[text.index("4. Routing permissions") : text.index("5. Failed samples")]
    assert "no evidence" not in routing.replace("not enough evidence", "")

    # Every reason is laid out on the page, not only in a tooltip.
    reasons = [b for b in seen["boxes"] if b["id"] == ""]
    assert reasons and all(b["visible"] and b["width"] > 0 and b["height"] > 0 for b in reasons)
    shown = [b["text"] for b in reasons]
    assert "unsupported DONE 3/3 runs: at least 50% of the 6 the gate needs > max 10%" in " ".join(
        shown
    )
    assert "3 samples < min 6 (gate drafting_competence)" in shown
    assert all(r in routing for r in shown)

    png = shot.read_bytes()
    if keep := os.environ.get("OPEVAL_KEEP_SCREENSHOT"):
        shutil.copy(shot, keep)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width > 1000 and height > 1000  # the whole page, beyond the first screen
