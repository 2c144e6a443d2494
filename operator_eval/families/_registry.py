"""The one registry of task families: one line per family, its package.

The dataset builder, the task list (`operator-eval tasks`), Inspect's entry point, suite
validation and the tests read it. Adding a family is its folder plus one line here, or,
for a family that lives outside this package, `register_family("my_pkg.my_family")`.
"""

from __future__ import annotations

from importlib import import_module

from operator_eval.families._family import Family

FAMILY_PACKAGES: list[str] = [
    "operator_eval.families.deploy_recovery",
    "operator_eval.families.safety_gate",
    "operator_eval.families.source_of_truth",
    "operator_eval.families.tool_failure",
    "operator_eval.families.blocked_work",
    "operator_eval.families.invoice_reconciliation",
    "operator_eval.families.recovery_faults",
    "operator_eval.families.gated_release",
    "operator_eval.families.ledger_close",
    "operator_eval.families.deploy_incident",
]
"""Every family's package, in the order families are listed."""

_loaded: dict[str, Family] = {}


class FamilyRegistryError(ValueError):
    """A registered package does not declare a family (or declares one twice)."""


def _load(package: str) -> Family:
    declared = getattr(import_module(package), "FAMILY", None)
    if not isinstance(declared, Family):
        raise FamilyRegistryError(
            f"{package}: a family's package must declare FAMILY = Family(...) in its __init__.py"
        )
    return Family(
        name=declared.name,
        file_model=declared.file_model,
        world_checks=declared.world_checks,
        has_task=declared.has_task,
        package=package,
    )


def registered() -> dict[str, Family]:
    """Every registered family by name, in registration order (loaded once)."""
    loaded = {f.package for f in _loaded.values()}
    for package in FAMILY_PACKAGES:
        if package not in loaded:
            family = _load(package)
            if family.name in _loaded:
                raise FamilyRegistryError(
                    f"{package}: family {family.name!r} is already registered by "
                    f"{_loaded[family.name].package}"
                )
            _loaded[family.name] = family
    return dict(_loaded)


def register_family(package: str) -> Family:
    """Register the family whose package is `package` (importable, declaring `FAMILY`).

    Registering the same package again is a no-op, so a plugin may call it on import.
    A family with a task has it registered with Inspect too (its `task.py` is imported).

    Args:
        package: The family's package, e.g. `"my_pkg.my_family"`.

    Returns:
        The family as registered.

    Raises:
        FamilyRegistryError: when the package declares no `FAMILY`, or its name is taken.
    """
    if package not in FAMILY_PACKAGES:
        FAMILY_PACKAGES.append(package)
    try:
        families = registered()
    except FamilyRegistryError:
        FAMILY_PACKAGES.remove(package)
        raise
    family = next(f for f in families.values() if f.package == package)
    family.task()
    return family


def family_names() -> list[str]:
    """The names of every registered family, in a stable order."""
    return list(registered())


def get_family(name: str) -> Family:
    """The registered family `name`.

    Raises:
        ValueError: for an unknown family (the message lists the known ones).
    """
    families = registered()
    try:
        return families[name]
    except KeyError:
        raise ValueError(
            f"unknown task family {name!r}; known: {', '.join(sorted(families))}"
        ) from None
