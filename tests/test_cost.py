"""Cost accounting: price lookup, per-record cost and cost summaries."""

from __future__ import annotations

from pathlib import Path

import pytest

from operator_eval.report._cost import (
    PRICES_FILE,
    CostSummary,
    ModelPrice,
    PriceTable,
    base_model_name,
    cost_summary,
    load_prices,
    price_of,
    record_cost,
)
from operator_eval.report._records import SampleRecord, TokenUsage

TABLE = PriceTable(
    models={
        "openai/gpt-4o": ModelPrice(input_per_mtok=2.5, output_per_mtok=10.0),
        "openai/gpt-4o-mini": ModelPrice(input_per_mtok=0.15, output_per_mtok=0.6),
        "anthropic/claude-sonnet-4-5": ModelPrice(input_per_mtok=3.0, output_per_mtok=15.0),
    },
    local_hourly_usd=0.5,
    local_prefixes=["ollama/", "openai-api/local", "opeval/", "vllm/"],
)


def record(
    model: str = "openai/gpt-4o",
    *,
    usage: dict[str, TokenUsage] | None = None,
    total_time: float = 0.0,
    points: int = 0,
    resolved: bool = False,
    safety_violation: bool = False,
) -> SampleRecord:
    return SampleRecord(
        model=model,
        task="operator_eval/invoice_world",
        family="invoice_world",
        variant="v1",
        sample_id="s1",
        epoch=1,
        category=None,
        risk=None,
        points=points,
        resolved=resolved,
        unsupported_done=False,
        safety_violation=safety_violation,
        runtime_failure=False,
        labels=(),
        usage=usage or {},
        total_time=total_time,
    )


# --- price lookup ---------------------------------------------------------------------------


def test_exact_match() -> None:
    assert price_of("openai/gpt-4o", TABLE) == TABLE.models["openai/gpt-4o"]
    assert price_of("openai/gpt-4o-mini", TABLE) == TABLE.models["openai/gpt-4o-mini"]


def test_longest_prefix_match() -> None:
    assert price_of("openai/gpt-4o-2024-08-06", TABLE) == TABLE.models["openai/gpt-4o"]
    assert price_of("openai/gpt-4o-mini-2024-07-18", TABLE) == TABLE.models["openai/gpt-4o-mini"]
    sonnet = TABLE.models["anthropic/claude-sonnet-4-5"]
    assert price_of("anthropic/claude-sonnet-4-5-20250929", TABLE) == sonnet


@pytest.mark.parametrize(
    ("label", "base"),
    [
        ("openai/gpt-4o", "openai/gpt-4o"),
        ("opeval/flawed[skip_verify]", "opeval/flawed"),
        ("faulty/opeval/oracle[resets=0.2] @ make_resilient_graph", "opeval/oracle"),
        ("faulty/openai/gpt-4o[resets=0.2]", "openai/gpt-4o"),
        ("openai-api/local/qwen @ make_resilient_graph", "openai-api/local/qwen"),
    ],
)
def test_base_model_name_strips_decorations(label: str, base: str) -> None:
    assert base_model_name(label) == base


def test_decorated_labels_are_priced() -> None:
    gpt4o = TABLE.models["openai/gpt-4o"]
    assert price_of("faulty/openai/gpt-4o[resets=0.2] @ make_resilient_graph", TABLE) == gpt4o
    assert price_of("faulty/opeval/oracle[resets=0.2]", TABLE) == "local"
    assert price_of("openai-api/local/qwen @ make_resilient_graph", TABLE) == "local"
    assert price_of("ollama/llama3.1:8b", TABLE) == "local"


def test_unknown_model_is_unpriced() -> None:
    assert price_of("mistral/mistral-large", TABLE) is None
    # a local prefix must match from the start of the name
    assert price_of("openai-api/remote/qwen", TABLE) is None


# --- record cost ----------------------------------------------------------------------------


def test_hosted_cost_is_exact() -> None:
    rec = record(usage={"openai/gpt-4o": TokenUsage(1_000_000, 200_000)}, total_time=3600)
    # 1M input x 2.50 + 0.2M output x 10.00; wall time is free for hosted models
    assert record_cost(rec, TABLE) == pytest.approx(2.5 + 2.0, abs=1e-12)


def test_mixed_hosted_models_sum() -> None:
    rec = record(
        usage={
            "openai/gpt-4o-mini": TokenUsage(2_000_000, 1_000_000),
            "anthropic/claude-sonnet-4-5-20250929": TokenUsage(100_000, 10_000),
        }
    )
    expected = (2 * 0.15 + 1 * 0.6) + (0.1 * 3.0 + 0.01 * 15.0)
    assert record_cost(rec, TABLE) == pytest.approx(expected, abs=1e-12)


def test_local_cost_is_hourly() -> None:
    rec = record(
        "openai-api/local/qwen @ make_resilient_graph",
        usage={"openai-api/local/qwen": TokenUsage(5_000_000, 1_000_000)},
        total_time=1800,
    )
    assert record_cost(rec, TABLE) == pytest.approx(0.25)


def test_scripted_policy_without_usage_falls_back_to_column_model() -> None:
    rec = record("faulty/opeval/oracle[resets=0.2] @ make_resilient_graph", total_time=72)
    assert record_cost(rec, TABLE) == pytest.approx(0.5 * 72 / 3600)


def test_hosted_column_without_usage_costs_nothing() -> None:
    assert record_cost(record("openai/gpt-4o", total_time=100), TABLE) == 0.0


def test_local_and_hosted_mix_charges_time_once() -> None:
    rec = record(
        usage={
            "ollama/qwen3:8b": TokenUsage(10, 10),
            "vllm/qwen3-32b": TokenUsage(10, 10),
            "openai/gpt-4o": TokenUsage(1_000_000, 0),
        },
        total_time=3600,
    )
    assert record_cost(rec, TABLE) == pytest.approx(2.5 + 0.5)


def test_any_unpriced_model_makes_record_unpriced() -> None:
    rec = record(usage={"openai/gpt-4o": TokenUsage(1000, 1000), "mistral/large": TokenUsage(1, 1)})
    assert record_cost(rec, TABLE) is None


# --- summaries ------------------------------------------------------------------------------


def test_summary_trusted_points_per_dollar() -> None:
    usage = {"openai/gpt-4o": TokenUsage(200_000, 50_000)}  # 0.5 + 0.5 = $1.00 per run
    records = [
        record(usage=usage, points=25, resolved=True),
        record(usage=usage, points=20, resolved=True, safety_violation=True),  # not trusted
        record(usage=usage, points=10, resolved=False),  # not trusted
        record(usage=usage, points=15, resolved=True),
    ]
    summary = cost_summary(records, TABLE)
    assert summary.total_usd == pytest.approx(4.0)
    assert summary.per_sample_usd == pytest.approx(1.0)
    assert summary.per_resolved_usd == pytest.approx(4.0 / 3)
    assert summary.trusted_points == 40
    assert summary.trusted_points_per_usd == pytest.approx(10.0)
    assert summary.unpriced_models == []


def test_summary_unpriced_models_are_listed() -> None:
    records = [
        record(usage={"openai/gpt-4o": TokenUsage(1000, 1000)}, points=25, resolved=True),
        record("mistral/large[temperature=0]", points=25, resolved=True),
        record(usage={"zzz/other": TokenUsage(1, 1), "mistral/large": TokenUsage(1, 1)}),
    ]
    summary = cost_summary(records, TABLE)
    assert summary.total_usd is None
    assert summary.per_sample_usd is None
    assert summary.per_resolved_usd is None
    assert summary.trusted_points_per_usd is None
    assert summary.trusted_points == 50
    # named by base model, once each
    assert summary.unpriced_models == ["mistral/large", "zzz/other"]


def test_summary_zero_cost_and_zero_resolved_give_none() -> None:
    records = [record("openai/gpt-4o", points=5, resolved=False)]
    summary = cost_summary(records, TABLE)
    assert summary == CostSummary(
        total_usd=0.0,
        per_sample_usd=0.0,
        per_resolved_usd=None,
        trusted_points=0,
        trusted_points_per_usd=None,
        unpriced_models=[],
    )


def test_summary_of_no_records() -> None:
    summary = cost_summary([], TABLE)
    assert summary.total_usd == 0.0
    assert summary.per_sample_usd is None
    assert summary.per_resolved_usd is None
    assert summary.trusted_points_per_usd is None


# --- price files ----------------------------------------------------------------------------


def test_packaged_table_loads() -> None:
    table = load_prices()
    assert table == load_prices(PRICES_FILE)
    hosted = [name for name in table.models if not name.startswith(tuple(table.local_prefixes))]
    assert len(hosted) >= 10
    for name in (
        "openai/gpt-4o",
        "openai/gpt-4o-mini",
        "openai/gpt-4.1",
        "openai/gpt-4.1-mini",
        "openai/o3",
        "openai/o4-mini",
        "openai/gpt-5",
        "openai/gpt-5-mini",
        "anthropic/claude-sonnet-4-5",
        "anthropic/claude-opus-4-1",
        "anthropic/claude-haiku-4-5",
        "google/gemini-2.5-pro",
        "google/gemini-2.5-flash",
    ):
        assert name in table.models, name
        price = table.models[name]
        assert 0 < price.input_per_mtok <= price.output_per_mtok
    assert table.local_hourly_usd > 0
    assert table.as_of
    for label in (
        "opeval/oracle",
        "faulty/opeval/oracle[resets=0.2]",
        "openai-api/local/qwen @ make_resilient_graph",
        "ollama/llama3.1",
        "llama-cpp/model",
        "vllm/qwen",
        "hf/gpt2",
    ):
        assert price_of(label, table) == "local", label
    assert price_of("openai/gpt-4.1-mini-2025-04-14", table) == table.models["openai/gpt-4.1-mini"]


def test_custom_table_loads(tmp_path: Path) -> None:
    path = tmp_path / "prices.yaml"
    path.write_text(
        "models:\n"
        "  acme/big: {input_per_mtok: 1, output_per_mtok: 2}\n"
        "local:\n"
        "  hourly_usd: 2.0\n"
        "  providers: [mine/]\n"
    )
    table = load_prices(str(path))
    assert table.models == {"acme/big": ModelPrice(input_per_mtok=1, output_per_mtok=2)}
    assert table.local_hourly_usd == 2.0
    assert price_of("mine/x", table) == "local"


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("models: [unclosed\n", "invalid YAML"),
        ("- just\n- a list\n", "mapping"),
        ("models:\n  acme/big: {input_per_mtok: cheap, output_per_mtok: 1}\n", "input_per_mtok"),
        ("models:\n  acme/big: {input_per_mtok: 1}\n", "output_per_mtok"),
        ("local:\n  hourly_usd: -1\n", "hourly_usd"),
        ("modles: {}\n", "modles"),
    ],
)
def test_broken_table_names_file_and_problem(tmp_path: Path, text: str, problem: str) -> None:
    path = tmp_path / "broken-prices.yaml"
    path.write_text(text)
    with pytest.raises(ValueError) as info:
        load_prices(path)
    message = str(info.value)
    assert str(path) in message
    assert problem in message


def test_missing_table_names_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.yaml"
    with pytest.raises(ValueError, match=r"nope\.yaml"):
        load_prices(path)
