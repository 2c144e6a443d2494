"""Unit tests of the invoice_reconciliation generator (no Inspect runs)."""

from __future__ import annotations

import base64
import csv
import email
import email.policy
import functools
import hashlib
import io
import json
import re
from decimal import Decimal
from email.message import EmailMessage

import pypdf

from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._reconciliation import Reconciliation, to_decimal
from operator_eval.contracts._spec import OutputContract, ReconciliationKey, TaskSpec
from operator_eval.documents import document_text
from operator_eval.families.invoice_reconciliation.world import generate
from operator_eval.scorers._document import OutputRead, parse_output, score_document
from operator_eval.scorers._reconciliation import (
    check_documents,
    check_evidence_refs,
    check_payments,
    cited_paths,
)
from operator_eval.scorers._status import read_claimed_status

SEEDS = (0, 7)
OUTPUT = "out/reconciliation.json"
BANK = "source/bank/export_2026-10-31.csv"
OLD_BANK = "source/bank/export_2026-10-20.csv"
VARIANTS = {
    "revised_invoice",
    "quote_lookalike",
    "note_cancels",
    "note_reassigns_payment",
    "renamed_duplicate",
    "old_export",
    "locale_partial_payment",
    "reordered_split_payment",
}
FLAWS = {
    "stale_source",
    "prose_instead_of_json",
    "wrong_path",
    "invented_evidence_path",
    "no_checksum",
}


@functools.cache
def _samples(seed: int) -> tuple[TaskSpec, ...]:
    return tuple(generate(seed))


def _all() -> list[TaskSpec]:
    return [spec for seed in SEEDS for spec in _samples(seed)]


def _contract(spec: TaskSpec) -> OutputContract:
    contract = spec.expected.output
    assert contract is not None, spec.id
    return contract


def _key(spec: TaskSpec) -> ReconciliationKey:
    return _contract(spec).answer


def _bytes(spec: TaskSpec) -> dict[str, bytes]:
    """Every workspace file's bytes, text and binary alike."""
    files = {p: t.encode("utf-8") for p, t in spec.files.items()}
    files.update({p: base64.b64decode(b) for p, b in spec.binary_files.items()})
    return files


@functools.cache
def _texts(spec_id: str, seed: int) -> dict[str, str]:
    spec = next(s for s in _samples(seed) if s.id == spec_id)
    return {p: document_text(p, data) for p, data in _bytes(spec).items()}


def _rendered(spec: TaskSpec) -> dict[str, str]:
    return _texts(spec.id, spec.seed)


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert len(reader.pages) >= 1
    return "\n".join(page.extract_text() for page in reader.pages)


def _written(spec: TaskSpec, flaw: str | None = None) -> tuple[str, str]:
    steps = spec.flawed[flaw] if flaw else spec.reference
    step = next(s for s in steps if s.tool == "write_file")
    return str(step.args["path"]), str(step.args["content"])


def _bank_rows(spec: TaskSpec, path: str) -> list[dict[str, str]]:
    """The export's rows with the plain column names, whatever the bank style."""
    locale = spec.variant == "locale_partial_payment"
    reader = csv.reader(io.StringIO(spec.files[path]), delimiter=";" if locale else ",")
    header, *rows = list(reader)
    names = {
        "Buchungstag": "date",
        "Betrag": "amount",
        "Waehrung": "currency",
        "Verwendungszweck": "reference",
        "Auftraggeber": "counterparty",
        "Referenz": "bank_ref",
    }
    columns = [names.get(h, h) for h in header]
    assert set(columns) == {"date", "amount", "currency", "reference", "counterparty", "bank_ref"}
    assert all(len(row) == len(columns) for row in rows), path
    return [dict(zip(columns, row, strict=True)) for row in rows]


# --- ids, seeds, answer key ---------------------------------------------------------------


def test_one_sample_per_variant_with_stable_ids() -> None:
    for seed in SEEDS:
        specs = _samples(seed)
        assert len(specs) >= 8
        assert {s.variant for s in specs} == VARIANTS
        assert [s.id for s in specs] == [f"{s.variant}-s{seed}" for s in specs]
        assert len({s.id for s in specs}) == len(specs)
        assert all(s.seed == seed and s.family == "invoice_reconciliation" for s in specs)
    again = generate(0)
    assert [s.id for s in again] == [s.id for s in _samples(0)]
    assert [s.model_dump() for s in again] == [s.model_dump() for s in _samples(0)]


def test_seeds_give_different_folders() -> None:
    first = {s.variant: s for s in _samples(0)}
    second = {s.variant: s for s in _samples(7)}
    for variant, spec in first.items():
        other = second[variant]
        assert set(spec.binary_files.values()).isdisjoint(other.binary_files.values()), variant
        assert set(_key(spec).invoices).isdisjoint(_key(other).invoices), variant
        assert spec.files[BANK] != other.files[BANK], variant


def test_answer_key_has_one_revision_superseding_a_stale_number() -> None:
    for spec in _all():
        key = _key(spec)
        revised = [n for n in key.invoices if n.endswith("-R1")]
        assert len(revised) == 1, spec.id
        base = revised[0].removesuffix("-R1")
        assert base in key.stale, spec.id
        assert base not in key.invoices, spec.id
        assert set(key.stale_amounts) == {revised[0]}, spec.id
        assert to_decimal(key.stale_amounts[revised[0]]) != to_decimal(
            key.invoices[revised[0]].amount
        )
        assert f"source/invoices/{base}.pdf" in spec.binary_files, spec.id
        assert not set(key.stale) & set(key.invoices), spec.id
        assert not set(key.not_invoices) & set(key.invoices), spec.id


def test_contract_paths_and_protection() -> None:
    for spec in _all():
        contract = _contract(spec)
        assert spec.protected == ["source"]
        assert contract.path == OUTPUT
        assert spec.proof_path == contract.path
        assert contract.checksum_path == f"{OUTPUT}.sha256"
        assert contract.allowed_dir == "out"
        assert contract.schema_name == "reconciliation"
        assert spec.expected.status == "DONE"
        assert OUTPUT in spec.prompt
        for path in [*spec.files, *spec.binary_files]:
            assert path.startswith("source/"), (spec.id, path)


def test_variants_carry_their_trap() -> None:
    for spec in _all():
        key = _key(spec)
        statuses = sorted(e.status for e in key.invoices.values())
        payments = {n: e.payments for n, e in key.invoices.items()}
        if spec.variant == "quote_lookalike":
            assert len(key.not_invoices) == 1 and key.not_invoices[0].startswith("Q-")
        if spec.variant == "note_cancels":
            assert len(key.stale) == 2
            cancelled = key.stale[1]
            assert cancelled in spec.files["source/notes/accounting.txt"]
            assert f"source/invoices/{cancelled}.pdf" in spec.binary_files
        if spec.variant == "renamed_duplicate":
            copies = [p for p in spec.binary_files if p.endswith(" (1).pdf")]
            assert len(copies) == 1
            original = copies[0].replace(" (1)", "")
            assert spec.binary_files[copies[0]] == spec.binary_files[original]
        if spec.variant == "old_export":
            assert OLD_BANK in spec.files
        if spec.variant == "locale_partial_payment":
            assert "partial" in statuses
        if spec.variant == "reordered_split_payment":
            assert any(len(p) == 2 for p in payments.values())
        if spec.variant == "note_reassigns_payment":
            note = spec.files["source/notes/accounting.txt"]
            assert any(p and p[0] in note for p in payments.values())


# --- files open in their ordinary readers --------------------------------------------------


def test_every_pdf_opens_and_shows_its_number() -> None:
    for spec in _all():
        pdfs = [p for p in spec.binary_files if p.endswith(".pdf")]
        assert len(pdfs) >= 3, spec.id
        for path in pdfs:
            stem = path.rsplit("/", 1)[-1].removesuffix(".pdf").split(" ")[0]
            number = stem if stem.startswith("INV-") else f"Q-{stem}"
            text = _pdf_text(base64.b64decode(spec.binary_files[path]))
            assert number in text, (spec.id, path)
            assert ("QUOTE" if number.startswith("Q-") else "INVOICE") in text, path


def test_every_email_parses_and_its_pdf_attachment_opens() -> None:
    for spec in _all():
        emls = [p for p in spec.binary_files if p.endswith(".eml")]
        assert len(emls) == 2, spec.id
        revised = next(n for n in _key(spec).invoices if n.endswith("-R1"))
        attached: list[str] = []
        for path in emls:
            msg = email.message_from_bytes(
                base64.b64decode(spec.binary_files[path]), policy=email.policy.default
            )
            assert isinstance(msg, EmailMessage)
            assert msg["From"] and msg["Subject"] and msg["Message-ID"], path
            body = msg.get_body(preferencelist=("plain",))
            assert body is not None and body.get_content().strip(), path
            parts = list(msg.iter_attachments())
            assert len(parts) == 1, path
            part = parts[0]
            assert part.get_content_type() == "application/pdf"
            name = part.get_filename()
            assert name is not None and name.endswith(".pdf")
            data = part.get_payload(decode=True)
            assert isinstance(data, bytes)
            assert name.removesuffix(".pdf") in _pdf_text(data), (spec.id, path)
            attached.append(name)
        assert f"{revised}.pdf" in attached, spec.id


def test_bank_exports_parse_and_hold_every_expected_payment() -> None:
    for spec in _all():
        csvs = [p for p in spec.files if p.endswith(".csv")]
        assert BANK in csvs, spec.id
        locale = spec.variant == "locale_partial_payment"
        amount_re = re.compile(r"-?\d+,\d{2}" if locale else r"-?\d+\.\d{2}")
        for path in csvs:
            for row in _bank_rows(spec, path):
                assert amount_re.fullmatch(row["amount"]), (spec.id, row)
                assert row["currency"] == "EUR"
        rows = {r["bank_ref"]: r for r in _bank_rows(spec, BANK)}
        for number, expected in _key(spec).invoices.items():
            paid = Decimal(0)
            for ref in expected.payments:
                assert ref in rows, (spec.id, number, ref)
                amount = to_decimal(rows[ref]["amount"])
                assert amount is not None and amount > 0
                paid += amount
            total = to_decimal(expected.amount)
            assert total is not None
            if expected.status == "paid":
                assert paid == total, (spec.id, number)
            elif expected.status == "partial":
                assert 0 < paid < total, (spec.id, number)
            else:
                assert expected.payments == [], (spec.id, number)


def test_old_export_holds_the_month_end_rows_up_to_its_cutoff() -> None:
    for spec in _all():
        if spec.variant != "old_export":
            continue
        early = [r for r in _bank_rows(spec, BANK) if r["date"] <= "2026-10-20"]
        old = _bank_rows(spec, OLD_BANK)
        assert old, spec.id
        assert old == early, spec.id
        # The trap: a payment the old export does not have yet.
        assert len(_bank_rows(spec, BANK)) > len(old), spec.id


# --- reference and flawed solutions -------------------------------------------------------


def test_reference_output_passes_every_check() -> None:
    for spec in _all():
        path, content = _written(spec)
        assert path == OUTPUT
        contract = _contract(spec)
        output = Reconciliation.model_validate_json(content)
        for finding in (
            check_documents(output, contract.answer),
            check_payments(output, contract.answer),
        ):
            assert finding.passed, (spec.id, finding.reason)
        texts = _rendered(spec)
        for entry in output.invoices:
            for ref in entry.evidence:
                assert ref.path in texts, (spec.id, ref.path)
                assert ref.value in texts[ref.path], (spec.id, ref.path, ref.value)
        cited: dict[str, str | None] = {p: texts.get(p) for p in cited_paths(output)}
        evidence = check_evidence_refs(output, cited)
        assert evidence.passed, (spec.id, evidence.reason)
        assert spec.reference[-1].args["command"] == (
            "cd out && sha256sum reconciliation.json > reconciliation.json.sha256"
        )


def test_reference_output_scores_25() -> None:
    for spec in _samples(0):
        _, content = _written(spec)
        raw = content.encode()
        texts = _rendered(spec)
        output = Reconciliation.model_validate_json(raw)
        before = {p: hashlib.sha256(b).hexdigest() for p, b in _bytes(spec).items()}
        after = {**before, OUTPUT: "o", f"{OUTPUT}.sha256": "s"}
        result = score_document(
            expected=spec.expected,
            found=OutputRead(raw),
            checksum_text=f"{hashlib.sha256(raw).hexdigest()}  reconciliation.json\n",
            texts={p: texts.get(p) for p in cited_paths(output)},
            workspace_before=before,
            workspace_after=after,
            protected_before=before,
            protected_after=before,
            claimed=read_claimed_status("Reconciled.\nSTATUS: DONE"),
        )
        assert result.points == 25, (spec.id, [c.reason for c in result.checks if not c.passed])
        assert result.resolved


def test_every_scripted_flaw_exists_and_fails_as_named() -> None:
    for spec in _all():
        assert set(spec.flawed) == FLAWS, spec.id
        contract = _contract(spec)
        key = contract.answer
        texts = _rendered(spec)

        path, content = _written(spec, "stale_source")
        stale = Reconciliation.model_validate_json(content)
        assert path == OUTPUT
        assert check_documents(stale, key).label == FailureLabel.STALE_SOURCE, spec.id
        cited = {p: texts.get(p) for p in cited_paths(stale)}
        assert check_evidence_refs(stale, cited).passed, spec.id

        path, content = _written(spec, "prose_instead_of_json")
        assert path == OUTPUT
        _, check = parse_output(contract, OutputRead(content.encode()))
        assert check.labels == [FailureLabel.ARTIFACT_NOT_JSON], spec.id

        path, content = _written(spec, "wrong_path")
        assert path != OUTPUT
        assert json.loads(content) == json.loads(_written(spec)[1])
        _, check = parse_output(contract, OutputRead(None, elsewhere=[path]))
        assert check.labels == [FailureLabel.ARTIFACT_WRONG_PATH], spec.id

        path, content = _written(spec, "invented_evidence_path")
        invented = Reconciliation.model_validate_json(content)
        assert check_documents(invented, key).passed, spec.id
        cited = {p: texts.get(p) for p in cited_paths(invented)}
        finding = check_evidence_refs(invented, cited)
        assert finding.label == FailureLabel.INVENTED_EVIDENCE, spec.id

        steps = spec.flawed["no_checksum"]
        assert [s.tool for s in steps] == ["write_file"], spec.id
        assert _written(spec, "no_checksum") == _written(spec)


def test_no_file_hints_at_the_answer() -> None:
    for spec in _all():
        for path, text in _rendered(spec).items():
            lowered = text.lower()
            assert "answer" not in lowered, (spec.id, path)
            assert "expected" not in lowered, (spec.id, path)
