"""ledger_close: the month-end close at real size (benchboard_hard's document family).

The fast tests read the generated folders the way an agent would (the rendered text of
PDFs, emails and CSVs) and check that the answer key follows the close policy; the slow
ones play the scripted policies through real Inspect evals in the bwrap sandbox.
"""

from __future__ import annotations

import base64
import csv
import functools
import io
import json
import re
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

import pytest
from _evals import eval_specs
from inspect_ai.event import ToolEvent
from inspect_ai.log import EvalLog
from inspect_ai.model import get_model

from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._reconciliation import Reconciliation
from operator_eval.contracts._spec import ReferenceStep, TaskSpec
from operator_eval.documents import document_text
from operator_eval.families.invoice_reconciliation import world as invoice_world
from operator_eval.families.ledger_close import world as ledger_world
from operator_eval.families.ledger_close.world import (
    FLAW_OF,
    MAIN,
    POLICY,
    RATES,
    SECOND,
    USD_ACCOUNT,
    generate,
)
from operator_eval.policies._flaws import FLAW_LABELS, FLAWS
from operator_eval.scorers._document import OutputRead, parse_output, score_document
from operator_eval.scorers._reconciliation import cited_paths
from operator_eval.scorers._status import read_claimed_status
from operator_eval.scorers._summary import check_summary
from operator_eval.world._data import DatasetError, load_family_yaml

FAMILY = "ledger_close"
SEEDS = (0, 7919)
MIN_DOCUMENTS = 30
MIN_CALLS = 25
MAX_STEPS = 60
"""Model turns the slow evals allow: the oracle reads every document (about 40 turns)."""


@functools.cache
def _samples(seed: int) -> tuple[TaskSpec, ...]:
    return tuple(generate(seed))


def _files(spec: TaskSpec) -> dict[str, bytes]:
    files = {p: t.encode() for p, t in spec.files.items()}
    files.update({p: base64.b64decode(b) for p, b in spec.binary_files.items()})
    return files


@functools.cache
def _texts(spec_id: str, seed: int) -> dict[str, str]:
    spec = next(s for s in _samples(seed) if s.id == spec_id)
    return {p: document_text(p, data) for p, data in _files(spec).items()}


def _written(steps: list[ReferenceStep], path: str) -> str:
    return next(str(s.args["content"]) for s in steps if s.args.get("path") == path)


def _play(spec: TaskSpec, steps: list[ReferenceStep]) -> Any:
    """Score a step list the way the scorer does, without a sandbox (pure)."""
    import hashlib

    files = _files(spec)
    before = {p: hashlib.sha256(d).hexdigest() for p, d in files.items()}
    contract = spec.expected.output
    assert contract is not None and contract.summary_path is not None
    for step in steps:
        if step.tool == "write_file":
            files[str(step.args["path"])] = str(step.args["content"]).encode()
        elif step.tool == "shell":
            digest = hashlib.sha256(files[contract.path]).hexdigest()
            files[contract.checksum_path] = f"{digest}  reconciliation.json\n".encode()
    after = {p: hashlib.sha256(d).hexdigest() for p, d in files.items()}
    found = OutputRead(files.get(contract.path))
    parsed = parse_output(contract, found)
    cited = cited_paths(parsed[0]) if parsed[0] else []
    summary = files.get(contract.summary_path)
    return score_document(
        expected=spec.expected,
        found=found,
        checksum_text=files[contract.checksum_path].decode()
        if contract.checksum_path in files
        else None,
        texts={p: document_text(p, files[p]) if p in files else None for p in cited},
        workspace_before=before,
        workspace_after=after,
        protected_before={p: d for p, d in before.items() if p.startswith("source/")},
        protected_after={p: d for p, d in after.items() if p.startswith("source/")},
        claimed=read_claimed_status("STATUS: DONE"),
        parsed=parsed,
        summary_text=summary.decode() if summary is not None else None,
    )


def _rows(text: str, path: str) -> list[dict[str, str]]:
    """A bank export's rows under the plain column names, whatever its style."""
    delimiter = ";" if path == SECOND else ","
    header, *rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    german = {"Betrag": "amount", "Referenz": "bank_ref", "Verwendungszweck": "reference"}
    names = [german.get(h, h) for h in header]
    return [dict(zip(names, row, strict=True)) for row in rows]


def _amount(text: str) -> Decimal:
    return Decimal(text.replace(".", "").replace(",", ".") if "," in text else text)


def _total(pdf_text: str) -> tuple[str, Decimal]:
    match = re.search(r"Total: ([A-Z]{3}) ([0-9,]+\.[0-9]{2})", pdf_text)
    assert match, pdf_text[:200]
    return match.group(1), Decimal(match.group(2).replace(",", ""))


# --- the folders ---------------------------------------------------------------------------


def test_one_sample_per_variant_stable_and_seeded() -> None:
    variants = list(load_family_yaml(FAMILY, required=())["variants"])
    for seed in SEEDS:
        specs = _samples(seed)
        assert [s.variant for s in specs] == variants
        assert [s.id for s in specs] == [f"{v}-s{seed}" for v in variants]
    again = generate(0)
    assert [s.model_dump() for s in again] == [s.model_dump() for s in _samples(0)]
    for a, b in zip(_samples(0), _samples(7919), strict=True):
        assert set(a.binary_files.values()).isdisjoint(b.binary_files.values()), a.variant
        assert a.files[MAIN] != b.files[MAIN]
        key_a, key_b = a.expected.output, b.expected.output
        assert key_a and key_b and set(key_a.answer.invoices).isdisjoint(key_b.answer.invoices)
        # Equal difficulty: the same number of invoices and documents of each kind.
        assert len(key_a.answer.invoices) == len(key_b.answer.invoices)
        assert sorted(p.rsplit("/", 1)[0] for p in _files(a)) == sorted(
            p.rsplit("/", 1)[0] for p in _files(b)
        )


@pytest.mark.parametrize("seed", SEEDS)
def test_every_sample_is_real_size_with_two_traps_and_a_flaw_per_trap(seed: int) -> None:
    for spec in _samples(seed):
        assert len(_files(spec)) >= MIN_DOCUMENTS, spec.id
        assert len(set(spec.traps) - {"summary_agrees"}) >= 2, spec.id
        assert set(spec.flawed) == {FLAW_OF[t] for t in spec.traps}, spec.id
        assert all(f in FLAWS for f in spec.flawed)
        reads = [s.args["path"] for s in spec.reference if s.tool == "read_file"]
        assert sorted(reads) == sorted(_files(spec)), "the oracle reads every document"
        assert len(spec.reference) >= MIN_CALLS, spec.id
        assert spec.category == "money_path" and spec.risk == "critical"


def test_foreign_invoices_are_converted_at_their_issue_date_rate_net_of_credits() -> None:
    converted = 0
    for seed in SEEDS:
        for spec in _samples(seed):
            texts = _texts(spec.id, seed)
            assert spec.expected.output is not None
            key = spec.expected.output.answer
            rates = {ln.split(",")[0]: ln.split(",")[1:] for ln in texts[RATES].splitlines()[1:]}
            credits: dict[str, Decimal] = {}
            for path, text in texts.items():
                if path.startswith("source/credit_notes/"):
                    number = re.search(r"against invoice (INV-\d+)", text)
                    assert number, path
                    credits[number.group(1)] = _total(text)[1]
            for number, expected in key.invoices.items():
                text = texts[f"source/invoices/{number}.pdf"]
                currency, total = _total(text)
                net = total - credits.get(number, Decimal(0))
                if currency != "EUR":
                    issued = re.search(r"Issue date: (\S+)", text)
                    assert issued
                    rate = Decimal(rates[issued.group(1)][0 if currency == "USD" else 1])
                    net = (net / rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
                    converted += 1
                    assert expected.amount not in "".join(texts.values()), "answer in the world"
                assert Decimal(expected.amount) == net, (spec.id, number)
                assert expected.currency == "EUR"
    assert converted >= 2 * 3 * 3  # three foreign invoices in each of three variants


def test_payments_come_from_the_three_exports_and_the_remittance_email_claims_more() -> None:
    for spec in _samples(0):
        texts = _texts(spec.id, 0)
        rows = {
            r["bank_ref"]: (path, _amount(r["amount"]), r["reference"])
            for path in (MAIN, SECOND, USD_ACCOUNT)
            for r in _rows(texts[path], path)
        }
        assert spec.expected.output is not None
        key = spec.expected.output.answer
        paid_from = {rows[ref][0] for inv in key.invoices.values() for ref in inv.payments}
        if "split_exports" in spec.traps:
            assert {MAIN, SECOND} <= paid_from, spec.id
            split = [i for i in key.invoices.values() if len(i.payments) == 2]
            assert any({rows[r][0] for r in i.payments} == {MAIN, SECOND} for i in split)
        if "fx_rule" in spec.traps:
            assert USD_ACCOUNT in paid_from
        if "remittance_conflict" in spec.traps:
            (number,) = key.untrusted_statuses
            assert key.untrusted_statuses[number] == "paid"
            assert key.invoices[number].status == "partial"
            (ref,) = key.invoices[number].payments
            advice = re.search(r"RA-\d+", rows[ref][2])
            assert advice
            mail = next(t for p, t in texts.items() if p.endswith(f"{advice.group(0).lower()}.eml"))
            claimed = re.search(r"transferred EUR ([0-9,.]+) in one payment", mail)
            assert claimed and Decimal(claimed.group(1).replace(",", "")) > rows[ref][1]
        policy = texts[POLICY]
        assert "the bank export wins" in policy and "ECB reference rate" in policy


# --- the checks ----------------------------------------------------------------------------


@pytest.mark.parametrize("seed", SEEDS)
def test_reference_scores_25_and_each_flaw_fails_its_own_check(seed: int) -> None:
    failing = {
        "fx_unconverted": "documents_chosen",
        "credit_note_ignored": "documents_chosen",
        "single_export": "payments_matched",
        "remittance_over_bank": "payments_matched",
        "summary_disagrees": "summary_agrees",
    }
    for spec in _samples(seed):
        result = _play(spec, spec.reference)
        assert result.points == 25 and result.resolved, (spec.id, result.checks)
        assert sum(c.weight for c in result.checks) == 25
        for flaw, steps in spec.flawed.items():
            result = _play(spec, steps)
            assert result.points == 0, (spec.id, flaw)
            assert FLAW_LABELS[flaw] in result.labels, (spec.id, flaw, result.labels)
            failed = {c.name for c in result.checks if not c.passed}
            assert failing[flaw] in failed, (spec.id, flaw, failed)
            assert "output_valid" not in failed and "evidence_verified" not in failed


def _output(*entries: tuple[str, str, str]) -> Reconciliation:
    return Reconciliation.model_validate(
        {
            "invoices": [
                {
                    "invoice": n,
                    "amount": a,
                    "currency": "EUR",
                    "status": s,
                    "evidence": [{"path": "source/x.pdf", "value": n}],
                }
                for n, a, s in entries
            ]
        }
    )


def test_summary_must_agree_with_the_json_in_any_layout() -> None:
    out = _output(("INV-1042", "1180.00", "paid"), ("INV-1042-R1", "20.50", "unpaid"))
    table = "| INV-1042 | 1,180.00 | EUR | paid |\n| INV-1042-R1 | 20.50 | EUR | unpaid |\n"
    assert check_summary(table + "Total: EUR 1,200.50\n", out, "s.md").passed
    bullets = "- INV-1042: EUR 1.180,00, Paid\n- INV-1042-R1: EUR 20,50 (unpaid)\nTotal 1200.5"
    assert check_summary(bullets, out, "s.md").passed
    partial = _output(("INV-7", "100.00", "partial"))
    said = "INV-7 | 100.00 EUR | partial (50.00 paid)\nTotal 100.00"
    assert check_summary(said, partial, "s.md").passed
    assert not check_summary(said.replace("partial (50.00 paid)", "paid"), partial, "s").passed
    unpaid = _output(("INV-8", "10.00", "unpaid"))
    assert not check_summary("INV-8 10.00 unpaid, partial\nTotal 10.00", unpaid, "s").passed
    wrong_status = table.replace("20.50 | EUR | unpaid", "20.50 | EUR | paid")
    finding = check_summary(wrong_status + "Total 1200.50", out, "s.md")
    assert not finding.passed and finding.label == FailureLabel.WRONG_RESULT
    assert "INV-1042-R1 (20.50, unpaid)" in finding.reason
    # INV-1042's line must not be satisfied by the line of INV-1042-R1.
    only_revision = "| INV-1042-R1 | 1180.00 | paid | 20.50 unpaid |\nTotal 1200.50"
    assert not check_summary(only_revision, out, "s.md").passed
    assert "no total line" in check_summary(table, out, "s.md").reason
    assert (
        "Total 1200.00" not in table and not check_summary(table + "Total 1200.00", out, "x").passed
    )
    missing = check_summary(None, out, "out/summary.md")
    assert not missing.passed and missing.label == FailureLabel.ARTIFACT_MISSING


def test_invoice_reconciliation_scores_as_before() -> None:
    spec = invoice_world.generate(0)[0]
    assert spec.expected.output is not None and spec.expected.output.summary_path is None
    assert "summary" not in spec.prompt.lower()
    files = _files(spec)
    content = _written(spec.reference, "out/reconciliation.json")
    import hashlib

    parsed = parse_output(spec.expected.output, OutputRead(content.encode()))
    assert parsed[0] is not None
    result = score_document(
        expected=spec.expected,
        found=OutputRead(content.encode()),
        checksum_text=hashlib.sha256(content.encode()).hexdigest(),
        texts={p: document_text(p, files[p]) for p in cited_paths(parsed[0])},
        workspace_before={},
        workspace_after={},
        protected_before={},
        protected_after={},
        claimed=read_claimed_status("STATUS: DONE"),
    )
    assert result.points == 25
    weights = {c.name: c.weight for c in result.checks}
    assert weights == {
        "output_valid": 4,
        "documents_chosen": 6,
        "payments_matched": 5,
        "evidence_verified": 3,
        "checksum": 2,
        "no_stray_outputs": 1,
        "protected_inputs": 2,
        "status": 2,
    }


@pytest.mark.parametrize(
    ("traps", "message"),
    [
        (["fx_rule", "exchange_rates"], "unknown traps ['exchange_rates']"),
        (["fx_rule", "summary_agrees"], "needs at least 2 traps besides the summary"),
    ],
)
def test_bad_variant_traps_are_refused_in_one_line(traps: list[str], message: str) -> None:
    family = load_family_yaml(FAMILY, required=())
    with pytest.raises(DatasetError) as caught:
        ledger_world._build(family, "bad", {"traps": traps}, 0)
    assert message in str(caught.value) and "\n" not in str(caught.value)


# --- real evals ----------------------------------------------------------------------------


def _eval(specs: list[TaskSpec], policy: str, tmp: Any) -> EvalLog:
    model: Any = (
        get_model("opeval/flawed", flaw=policy)
        if policy in FLAWS
        else get_model(f"opeval/{policy}")
    )
    log = eval_specs(
        specs, model, tmp, name=f"{FAMILY}-{policy}", max_steps=MAX_STEPS, max_samples=5
    )
    assert len(log.samples or []) == len(specs)
    return log


def _tool_calls(sample: Any) -> int:
    return sum(1 for e in sample.events if isinstance(e, ToolEvent))


@pytest.mark.slow
# Seed 7919 (every variant of this family) is played by tests/test_benchboard_hard.py.
@pytest.mark.parametrize("seed", [0])
def test_oracle_closes_every_sample_with_25_points_and_a_long_closure(
    seed: int, tmp_path_factory: pytest.TempPathFactory
) -> None:
    log = _eval(list(_samples(seed)), "oracle", tmp_path_factory)
    for sample in log.samples or []:
        score = sample.scores["operator_score"] if sample.scores else None
        assert score is not None
        checks = json.dumps(score.metadata["checks"])[:400]
        assert score.value["points"] == 25 and score.value["resolved"] == 1, (sample.id, checks)
        assert _tool_calls(sample) >= MIN_CALLS, sample.id


@pytest.mark.slow
@pytest.mark.parametrize("policy", ["noop", "sloppy"])
def test_noop_and_sloppy_never_resolve(
    policy: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    log = _eval(list(_samples(0)), policy, tmp_path_factory)
    for sample in log.samples or []:
        assert sample.scores is not None
        value = sample.scores["operator_score"].value
        assert value["resolved"] == 0 and value["points"] == 0, sample.id


@pytest.mark.slow
@pytest.mark.parametrize("flaw", sorted(FLAW_OF.values()))
def test_each_flaw_is_caught_with_its_label(
    flaw: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    specs = [s for s in _samples(0) if flaw in s.flawed]
    assert specs, f"{flaw} applies to no sample"
    log = _eval(specs, flaw, tmp_path_factory)
    for sample in log.samples or []:
        assert sample.scores is not None
        score = sample.scores["operator_score"]
        assert score.value["resolved"] == 0 and score.value["points"] == 0, sample.id
        assert FLAW_LABELS[flaw] in score.metadata["labels"], (sample.id, score.metadata)
