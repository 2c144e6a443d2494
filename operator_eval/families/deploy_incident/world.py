"""Generate deploy_incident worlds: deploy incidents with several causes at once.

Each variant combines two or more traps of the service world (a stale symlink, a wrong
prebuilt artefact, a page cache, flapping health) with causes that only the service's
own record shows: a release that fails its own health check and must be rolled back
(the ticket's version is the wrong fix: FAILED, old release live and healthy), a config
key whose value makes a route answer 500 or the service crash at load, and a hot-fix
value whose source of truth is disputed. Fixing one cause reveals the next; the proof
must cite the cause from the service's log or metrics.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from operator_eval.contracts._labels import FailureLabel
from operator_eval.contracts._spec import (
    CiteExpectation,
    CitePattern,
    Expected,
    FileExpectation,
    HttpExpectation,
    TaskSpec,
)
from operator_eval.families.deploy_incident import CAUSE_CITED, CONFIG_FIXED, ROLLED_BACK
from operator_eval.world._data import DatasetError
from operator_eval.world._service_world import ServiceWorld, new_world
from operator_eval.world._variants import dump_json, fill, generate_variants, sha256_text

FAMILY = "deploy_incident"
REPO_CONFIG = "app/config.json"
REGISTRY = "ops/config-registry.json"
SERVICE_STDERR = ".run/service.log"
FAULT_EFFECTS = {"route", "crash"}
WORLD_PROTECTED = ["service", "deploy/deployctl", "deploy/deploy.json", "deploy/gate.json"]


def generate(seed: int = 0) -> list[TaskSpec]:
    """Return the deploy_incident samples for `seed`, one per variant, in a stable order.

    Args:
        seed: Instance seed. The same seed always gives the same worlds and ids.
    """
    return generate_variants(FAMILY, _build, seed, required=("story", "reference", "traps"))


def _build(family: dict[str, Any], variant: str, conf: dict[str, Any], seed: int) -> TaskSpec:
    traps = list(conf["traps"])
    if len(set(traps)) < 2:
        raise DatasetError(f"{FAMILY} variant {variant!r}: a hard sample needs >= 2 traps")
    world = new_world(FAMILY, variant, seed)
    rng = world.rng
    names = world.names
    names["service_log"] = fill(rng.choice(family["log_paths"]), names)
    names["incident"] = f"INC-{rng.randint(2000, 8999)}"
    world.settings.update(conf.get("settings", {}))
    world.settings["service_log"] = names["service_log"]
    world.settings["metrics"] = True
    incident: dict[str, Any] = {}
    fault = conf.get("config_fault")
    if fault is not None:
        expected = _config_fault(family, variant, world, dict(fault), incident)
    elif conf.get("failing_release"):
        expected = _failing_release(family, world, incident)
    else:
        expected = world.shipped_expected()
    if conf.get("prebuilt"):
        # CI's stale artefact: another version's code, with the repo's (maybe bad) config.
        world.add_artefact(world.version, names["wrong_version"], world.repo_config_text)
    if incident:
        world.settings["incident"] = base64.b64encode(
            json.dumps(incident, sort_keys=True).encode()
        ).decode()

    world.files["docs/RUNBOOK.md"] = fill(family["runbook"], names)
    protected = [*world.protected, "docs", *WORLD_PROTECTED]
    if fault is not None:
        # The fix is a reviewed change to app/config.json; the rest of the repo stays put.
        protected = [p for p in protected if p != "app"] + ["app/VERSION", "app/CHANGELOG.md"]
        if fault.get("disputed"):
            protected += [REGISTRY, "deploy/config.old"]
    world.protected = list(dict.fromkeys(protected))

    facts = {"service_log": names["service_log"]}
    if expected.status == "DONE":
        facts.update(world.shipped_facts())
    else:
        facts["live_changes"] = "no"
    facts.update({f"flaw_status.{k}": v for k, v in conf.get("flaw_status", {}).items()})
    reference = [*family["investigate"], *conf["reference"]]
    return world.spec(
        family_yaml=family,
        conf=conf,
        expected=expected,
        reference=reference,
        flawed=conf.get("flawed", {}),
        facts=facts,
    )


def _cause_cited(what: str, patterns: list[CitePattern]) -> CiteExpectation:
    return CiteExpectation(
        name="cause_cited",
        weight=CAUSE_CITED,
        label=FailureLabel.REASON_NOT_CITED,
        what=what,
        any_of=patterns,
    )


def _failing_release(
    family: dict[str, Any], world: ServiceWorld, incident: dict[str, Any]
) -> Expected:
    """The ticket's release fails its own health check: roll back, report FAILED."""
    rng = world.rng
    migration = f"{rng.randint(40, 99):04d}_{rng.choice(family['migration_words'])}"
    world.names["migration"] = migration
    reason = fill(rng.choice(family["health_reasons"]), world.names)
    incident["release_health"] = {world.version: reason}
    log = world.names["service_log"]
    old = world.old_version
    return Expected(
        status="FAILED",
        live=[
            HttpExpectation(
                name="rolled_back",
                weight=ROLLED_BACK["rolled_back"],
                label=FailureLabel.LIVE_NOT_UPDATED,
                route="/",
                body_contains=[world.index_marker(old)],
                body_lacks=[world.index_marker()],
            ),
            HttpExpectation(
                name="health",
                weight=ROLLED_BACK["health"],
                label=FailureLabel.UNHEALTHY,
                route="/health",
            ),
            HttpExpectation(
                name="config_of_rollback",
                weight=ROLLED_BACK["config_of_rollback"],
                label=FailureLabel.CONFIG_DRIFT,
                route="/config",
                body_contains=[sha256_text(world.live_config_text)],
            ),
        ],
        cites=[
            _cause_cited(
                f"why {world.version} fails its health check (the service's log or metrics)",
                [
                    CitePattern(kind="command", command_contains=log, contains=migration),
                    CitePattern(
                        kind="http",
                        route="/metrics",
                        contains=f'app_health_failures_total{{version="{world.version}"}}',
                    ),
                ],
            )
        ],
        verify_routes=["/", "/health"],
    )


def _config_fault(
    family: dict[str, Any],
    variant: str,
    world: ServiceWorld,
    fault: dict[str, Any],
    incident: dict[str, Any],
) -> Expected:
    """A config key whose value breaks a route (or crashes the service); fix the value."""
    effect = fault.get("effect")
    if effect not in FAULT_EFFECTS:
        raise DatasetError(f"{FAMILY} variant {variant!r}: unknown config_fault effect {effect!r}")
    rng, names = world.rng, world.names
    key = rng.choice(sorted(family["fault_keys"]))
    spec = family["fault_keys"][key]
    bad = rng.choice(list(spec["bad"]))
    truth, stale = rng.sample(list(spec["good"]), 2)
    names.update(key=key, key_desc=str(spec["desc"]), bad=str(bad), good=str(truth))
    names["stale"] = str(stale)
    entry: dict[str, Any] = {
        "key": key,
        "value": bad,
        "effect": effect,
        "route": "/",
        "error": fill(spec["error"], names),
    }
    if fault.get("log") is False:
        entry["log"] = False
    incident["config_breaks"] = [entry]

    base = dict(world.repo_config)
    world.set_repo_config({**base, key: bad})
    names["fixed_config"] = dump_json({**base, key: truth})
    names["stale_config"] = dump_json({**base, key: stale})
    disputed = bool(fault.get("disputed"))
    _config_docs(family, world, disputed)

    if fault.get("live"):
        # {version} is installed with the bad value; crash variants load it after start.
        releases = world.releases_dir
        world.history.append(f"2026-10-2{rng.randint(0, 9)} deploy {world.version}")
        if effect == "crash":
            world.files[f"{releases}/{world.version}/VERSION"] = f"{world.version}\n"
            world.files[f"{releases}/{world.version}/config.json"] = world.repo_config_text
            world.setup_after_start.append(
                f"ln -sfn {world.version} {releases}/current && "
                "{ deploy/deployctl restart >/dev/null 2>&1 || true; }"
            )
        else:
            world.live_version = world.version
            world.live_config_text = world.repo_config_text

    label = FailureLabel.STALE_SOURCE if disputed else FailureLabel.CONFIG_DRIFT
    log = names["service_log"]
    if effect == "crash":
        patterns = [
            CitePattern(kind="command", command_contains=log, contains=f"config key {key}"),
            CitePattern(
                kind="command", command_contains=SERVICE_STDERR, contains=f"config key {key}"
            ),
        ]
        what = f"why the service crashes at start ({key} in its log)"
    else:
        patterns = [
            CitePattern(kind="http", route="/metrics", contains=f"config {key}="),
        ]
        if fault.get("log") is not False:
            patterns.insert(
                0, CitePattern(kind="command", command_contains=log, contains=f"config {key}=")
            )
        what = f"why / answers 500 ({key} in the service's log or metrics)"
    return Expected(
        status="DONE",
        live=[
            HttpExpectation(
                name="live_release",
                weight=CONFIG_FIXED["live_release"],
                label=FailureLabel.LIVE_NOT_UPDATED,
                route="/",
                body_contains=[world.index_marker()],
            ),
            HttpExpectation(
                name="health",
                weight=CONFIG_FIXED["health"],
                label=FailureLabel.UNHEALTHY,
                route="/health",
            ),
            HttpExpectation(
                name="live_config",
                weight=CONFIG_FIXED["live_config"],
                label=label,
                route="/config",
                json_values={f"config.{key}": truth},
            ),
        ],
        files=[
            FileExpectation(
                name="repo_config",
                weight=CONFIG_FIXED["repo_config"],
                label=label,
                path=REPO_CONFIG,
                json_values={key: truth},
            )
        ],
        cites=[_cause_cited(what, patterns)],
        verify_routes=world.done_routes,
    )


def _config_docs(family: dict[str, Any], world: ServiceWorld, disputed: bool) -> None:
    """The changelog says what replaced the bad value, or a disputed source decides it."""
    names = world.names
    app, version, old = world.app, world.version, world.old_version
    if not disputed:
        note = fill(family["changelog_fix"], names)
        world.files["app/CHANGELOG.md"] = (
            f"# {app}\n\n## {version}\n- fixes\n{note}\n## {old}\n- previous release\n"
        )
        return
    note = fill(family["changelog_disputed"], names)
    world.files["app/CHANGELOG.md"] = (
        f"# {app}\n\n## {version}\n- fixes\n{note}\n## {old}\n- previous release\n"
    )
    world.files[REGISTRY] = dump_json(
        {
            "service": app,
            "owner": "platform config board",
            "reviewed": "2026-10-06",
            "settings": {names["key"]: names["good"]},
        }
    )
    world.files["deploy/config.old"] = names["stale_config"]
    for path, template in family["disputed_docs"].items():
        world.files[path] = fill(template, names)


__all__ = ["generate"]
