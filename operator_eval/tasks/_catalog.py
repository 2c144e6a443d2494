"""`operator-eval tasks`: what `inspect eval operator_eval/...` can run, read from the source.

Inspect's `inspect list tasks` lists tasks in `.py` files under a folder, so it shows
nothing for an installed package. This catalogue reads the registered `@task`
functions (their docstrings and signatures; every family of the family registry with a
task, and the suites) and the families' and suites' YAML, so it stays true as tasks,
variants or parameters change.
"""

from __future__ import annotations

import inspect
from typing import Any

import docstring_parser

PACKAGE = "operator_eval"
MODEL_PLACEHOLDER = "PROVIDER/MODEL"


def _first_sentence(text: str | None) -> str:
    """The first sentence of `text`, on one line."""
    flat = " ".join((text or "").split())
    head, dot, _ = flat.partition(". ")
    return head + ("." if dot else "")


def _variants(name: str) -> tuple[str, list[str]]:
    """What the task runs: ("family", its variants) or ("suite", family.variant members)."""
    from operator_eval.families import registered
    from operator_eval.world._data import load_family_yaml
    from operator_eval.world._suite import load_suite

    if name in registered():
        return "family", [str(v) for v in load_family_yaml(name, required=())["variants"]]
    suite = load_suite(name)
    return "suite", [f"{f}.{v}" for f, variants in suite.members.items() for v in variants]


def _registered_tasks() -> dict[str, Any]:
    """The package's `@task` functions by short name, as Inspect's registry holds them."""
    from inspect_ai._util.registry import registry_find, registry_info

    import operator_eval._registry  # noqa: F401  (registers the tasks, as Inspect does)

    found = registry_find(lambda info: info.type == "task")
    tasks = {}
    for function in found:
        name = registry_info(function).name
        if name.startswith(f"{PACKAGE}/"):
            tasks[name.split("/", 1)[1]] = function
    return dict(sorted(tasks.items()))


def task_catalog() -> list[dict[str, Any]]:
    """Each task: its name, kind, one-line doc, variants, parameters and the command.

    Returns:
        One entry per registered task, families first, then suites; parameters as
        `{"name", "default", "doc"}` from the signature and the docstring's Args.
    """
    entries = []
    for name, function in _registered_tasks().items():
        doc = docstring_parser.parse(inspect.getdoc(function) or "")
        arg_docs = {p.arg_name: _first_sentence(p.description) for p in doc.params}
        params = [
            {
                "name": p.name,
                "default": None if p.default is inspect.Parameter.empty else p.default,
                "doc": arg_docs.get(p.name, ""),
            }
            for p in inspect.signature(function).parameters.values()
        ]
        kind, variants = _variants(name)
        entries.append(
            {
                "name": name,
                "kind": kind,
                "doc": _first_sentence(doc.short_description),
                "variants": variants,
                "parameters": params,
                "command": f"inspect eval {PACKAGE}/{name} --model {MODEL_PLACEHOLDER}",
            }
        )
    return sorted(entries, key=lambda e: (e["kind"] != "family", e["name"]))


def reference_models() -> list[dict[str, str]]:
    """The scripted policies usable as `--model` (no API key), each with its one-line doc."""
    from operator_eval.policies._flaws import FLAWS
    from operator_eval.policies._policies import POLICIES

    models = [
        {"model": f"opeval/{n}", "doc": _first_sentence(p.__doc__)} for n, p in POLICIES.items()
    ]
    models.append(
        {
            "model": "opeval/flawed -M flaw=NAME",
            "doc": f"One scripted mistake; NAME is one of: {', '.join(FLAWS)}.",
        }
    )
    return models


def render_catalog(entries: list[dict[str, Any]]) -> str:
    """The catalogue as text: one block per task, then the reference models."""
    lines: list[str] = []
    for entry in entries:
        variants = entry["variants"]
        lines.append(f"{entry['name']} ({entry['kind']}): {entry['doc']}")
        lines.append(f"  variants ({len(variants)}): {', '.join(variants)}")
        lines.append("  parameters:")
        flags = [f"-T {p['name']}={p['default']}" for p in entry["parameters"]]
        width = max(map(len, flags))
        for flag, p in zip(flags, entry["parameters"], strict=True):
            lines.append(f"    {flag:<{width}}  {p['doc']}".rstrip())
        lines.append(f"  run: {entry['command']}")
        lines.append("")
    lines.append("reference models (scripted policies, no API key; --model NAME):")
    models = reference_models()
    width = max(len(m["model"]) for m in models)
    lines.extend(f"  {m['model']:<{width}}  {m['doc']}" for m in models)
    return "\n".join(lines)
