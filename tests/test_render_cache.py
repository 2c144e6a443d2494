"""Rendered fixture PDFs come from a disk cache after the first render, byte for byte."""

from __future__ import annotations

import sys
from decimal import Decimal
from pathlib import Path

import pytest

from operator_eval.documents import (
    CACHE_ENV,
    InvoiceDoc,
    LineItem,
    _invoice,
    cache_dir,
    invoice_pdf,
)

DOC = InvoiceDoc(
    kind="invoice",
    number="INV-7",
    issuer="Acme",
    customer="Globex",
    issue_date="2024-03-01",
    due_date="2024-03-31",
    currency="EUR",
    items=(LineItem("Widgets", 3, Decimal("12.50")),),
)


def test_a_second_render_is_read_from_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path))
    first = invoice_pdf(DOC)
    assert first.startswith(b"%PDF") and len(list(tmp_path.glob("pdf/*.bin"))) == 1

    def no_render(doc: InvoiceDoc) -> bytes:
        raise AssertionError("rendered again")

    monkeypatch.setattr(_invoice, "_render_invoice_pdf", no_render)
    assert invoice_pdf(DOC) == first
    other = InvoiceDoc(**{**DOC.__dict__, "number": "INV-8"})
    with pytest.raises(AssertionError, match="rendered again"):
        invoice_pdf(other)  # another document is another entry


def test_an_unwritable_cache_only_costs_the_render(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    monkeypatch.setenv(CACHE_ENV, str(blocker))
    assert invoice_pdf(DOC) == invoice_pdf(DOC)
    assert invoice_pdf(DOC).startswith(b"%PDF")


def test_the_cache_folder_is_the_override_else_the_user_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CACHE_ENV, str(tmp_path / "mine"))
    assert cache_dir() == tmp_path / "mine"
    monkeypatch.delenv(CACHE_ENV)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if sys.platform.startswith("linux"):
        assert cache_dir() == tmp_path / "xdg" / "operator-eval"
        monkeypatch.delenv("XDG_CACHE_HOME")
        monkeypatch.setenv("HOME", str(tmp_path))
        assert cache_dir() == tmp_path / ".cache" / "operator-eval"
