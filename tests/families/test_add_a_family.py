"""Adding a family is its folder plus one registry line (README, "Adding a family").

A toy family is written into a temp dir as a package of its own (family.yaml, its file
model and world checks in `__init__.py`, `world.py`, `task.py`), registered with one
call, and then behaves like a shipped family: its dataset builds, `operator-eval tasks`
lists it, suites may name it, and the scripted oracle scores full points on it through
a real `inspect_ai.eval` (the toy is built on the service world, so the oracle applies).
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
from _evals import eval_in_tmp

from operator_eval.contracts._vocabulary import MAX_POINTS
from operator_eval.families import FamilyRegistryError, _registry, register_family
from operator_eval.tasks._catalog import task_catalog
from operator_eval.world import build_dataset, generate_specs
from operator_eval.world._data import DatasetError

FILES = {
    "__init__.py": '''
        """toy: ship a release on the service world (a family of a test's own)."""

        from pydantic import Field

        from operator_eval.families import Family, FamilyFile, ServiceVariant
        from operator_eval.world import SHIPPED


        class ToyVariant(ServiceVariant):
            settings: dict[str, object] | None = None


        class ToyFile(FamilyFile):
            variants: dict[str, ToyVariant] = Field(min_length=1)


        FAMILY = Family(
            name="toy", file_model=ToyFile, world_checks={"shipped": SHIPPED}, has_task=True
        )
    ''',
    "world.py": '''
        from operator_eval.world import generate_variants, new_world


        def generate(seed=0):
            return generate_variants("toy", _build, seed)


        def _build(family, variant, conf, seed):
            world = new_world("toy", variant, seed)
            world.settings.update(conf.get("settings") or {})
            return world.spec(
                family_yaml=family,
                conf=conf,
                expected=world.shipped_expected(),
                reference=conf["reference"],
                facts=world.shipped_facts(),
            )
    ''',
    "task.py": '''
        from operator_eval.tasks import family_task_function

        toy = family_task_function(
            "toy",
            """A toy family: ship a release on the service world.

            One clean deploy, for the test that adds a family.
            """,
        )
    ''',
    "family.yaml": """
        family: toy
        version: "1"
        category: deploy
        risk: critical
        description: A toy family.
        ticket: |
          Ticket {ticket}: {app} {version} must be live.
          {story}
          Definition of done: the live service answers `/` with "{app} version {version}",
          `/health` answers 200, and it runs the config committed in `app/config.json`.
        variants:
          clean:
            story: Release {version} was approved this morning; ship it.
            settings: {}
            reference:
              - {tool: deploy, args: {version: "{version}"}}
    """,
}


@pytest.fixture
def toy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The toy family's package, written in a temp dir and registered (for this test only)."""
    root = tmp_path / "plugins"
    package = root / "toy_pkg" / "toy"
    package.mkdir(parents=True)
    (root / "toy_pkg" / "__init__.py").write_text("")
    for name, text in FILES.items():
        (package / name).write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")
    monkeypatch.syspath_prepend(str(root))
    # the registry is process-wide: this test's registration goes with it
    monkeypatch.setattr(_registry, "FAMILY_PACKAGES", list(_registry.FAMILY_PACKAGES))
    monkeypatch.setattr(_registry, "_loaded", dict(_registry._loaded))
    register_family("toy_pkg.toy")
    yield "toy"
    for module in [m for m in sys.modules if m.split(".")[0] == "toy_pkg"]:
        del sys.modules[module]  # the next test's toy lives in another temp dir


def test_a_registered_family_builds_its_dataset_and_is_listed(toy: str) -> None:
    dataset = build_dataset(toy, 0)
    assert [sample.id for sample in dataset] == ["clean-s0"]
    (spec,) = generate_specs(toy, 0)
    assert spec.family == "toy" and spec.expected.status == "DONE"
    entry = next(e for e in task_catalog() if e["name"] == "toy")
    assert entry["kind"] == "family" and entry["variants"] == ["clean"]
    assert entry["doc"] == "A toy family: ship a release on the service world."
    assert [p["name"] for p in entry["parameters"]] == ["seed", "graph", "max_steps", "sandbox"]


def test_its_file_is_checked_like_a_shipped_one(toy: str, tmp_path: Path) -> None:
    path = tmp_path / "plugins" / "toy_pkg" / "toy" / "family.yaml"
    path.write_text(path.read_text().replace("settings: {}", "setings: {}"))
    with pytest.raises(DatasetError, match=r"variants\.clean: unknown key 'setings'"):
        generate_specs(toy, 0)


def test_a_package_without_a_family_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "not_a_family.py").write_text("X = 1\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(_registry, "FAMILY_PACKAGES", list(_registry.FAMILY_PACKAGES))
    with pytest.raises(FamilyRegistryError, match="must declare FAMILY"):
        register_family("not_a_family")
    assert "not_a_family" not in _registry.FAMILY_PACKAGES


@pytest.mark.slow
def test_the_oracle_scores_full_points_on_the_new_family(
    toy: str, tmp_path_factory: pytest.TempPathFactory
) -> None:
    from operator_eval.tasks import toy as toy_task  # type: ignore[attr-defined]

    log = eval_in_tmp(toy_task(), "opeval/oracle", tmp_path_factory, max_samples=1)
    (sample,) = log.samples or []
    assert sample.scores is not None
    assert sample.scores["operator_score"].value["points"] == MAX_POINTS
