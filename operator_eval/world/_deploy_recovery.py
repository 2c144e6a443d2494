"""Generate deploy_recovery worlds from `datasets/deploy_recovery/` and a seed."""

from __future__ import annotations

import hashlib
import json
import random
from typing import Any

from operator_eval._labels import FailureLabel
from operator_eval.world._contract import contract_text
from operator_eval.world._data import load_family_yaml, read_world_files
from operator_eval.world._spec import (
    Expected,
    HttpExpectation,
    ReferenceStep,
    ServiceSpec,
    TaskSpec,
)

FAMILY = "deploy_recovery"
RUN_DIR = ".run"
SOCKET = f"{RUN_DIR}/app.sock"
PROTECTED = ["app", "service", "deploy/deployctl", "deploy/deploy.json", "deploy/gate.json"]


def _fill(value: Any, names: dict[str, str]) -> Any:
    """Fill `{placeholders}` in every string of a YAML value."""
    if isinstance(value, str):
        return value.format(**names)
    if isinstance(value, list):
        return [_fill(v, names) for v in value]
    if isinstance(value, dict):
        return {k: _fill(v, names) for k, v in value.items()}
    return value


def _versions(rng: random.Random) -> tuple[str, str, str]:
    major, minor, patch = rng.randint(1, 9), rng.randint(0, 30), rng.randint(0, 9)
    old = f"{major}.{minor}.{patch}"
    if rng.random() < 0.5:
        new = f"{major}.{minor}.{patch + 1}"
    else:
        new = f"{major}.{minor + 1}.0"
    wrong = f"{major}.{minor}.{patch + 7}"  # never equal to old or new
    return old, new, wrong


def _config(rng: random.Random, app: str) -> dict[str, Any]:
    return {
        "service": app,
        "max_connections": rng.choice([64, 128, 256, 512]),
        "request_timeout_ms": rng.choice([1500, 2500, 5000]),
        "feature_flags": {"new_checkout": rng.random() < 0.5, "audit_log": True},
    }


def _dump(data: dict[str, Any]) -> str:
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def generate(seed: int = 0) -> list[TaskSpec]:
    """Return the deploy_recovery samples for `seed`, one per variant, in a stable order.

    Args:
        seed: Instance seed. The same seed always gives the same worlds and ids.
    """
    family = load_family_yaml(FAMILY)
    world = read_world_files(FAMILY)
    specs = []
    for variant, conf in family["variants"].items():
        rng = random.Random(f"{FAMILY}:{seed}:{variant}")
        specs.append(_build(family, world, variant, conf, seed, rng))
    return specs


def _build(
    family: dict[str, Any],
    world: dict[str, str],
    variant: str,
    conf: dict[str, Any],
    seed: int,
    rng: random.Random,
) -> TaskSpec:
    app = rng.choice(family["apps"])
    old, new, wrong = _versions(rng)
    names = {
        "app": app,
        "version": new,
        "old_version": old,
        "wrong_version": wrong,
        "run_dir": RUN_DIR,
    }
    releases = rng.choice(family["releases_layouts"]).format(app=app)
    proof_path = rng.choice(family["proof_paths"])
    names.update(releases_dir=releases, proof_path=proof_path)
    names["ticket"] = f"OPS-{rng.randint(1000, 9999)}"
    names["story"] = _fill(conf["story"], names).strip()

    repo_config = _config(rng, app)
    repo_config_text = _dump(repo_config)
    settings = {
        "app": app,
        "repo_dir": "app",
        "build_dir": "build",
        "releases_dir": releases,
        "current_link": f"{releases}/current",
        "run_dir": RUN_DIR,
        "socket": SOCKET,
        "switch": "auto",
        "page_cache": False,
        "health_flaps": 0,
        "first_deploy_hangs": False,
    }
    settings.update(conf.get("settings", {}))

    files = dict(world)
    files["app/VERSION"] = f"{new}\n"
    files["app/config.json"] = repo_config_text
    files["app/CHANGELOG.md"] = f"# {app}\n\n## {new}\n- fixes\n\n## {old}\n- previous release\n"
    files["deploy/deploy.json"] = _dump(settings)
    files["deploy/gate.json"] = _dump({"status": "clean", "checked_by": "ci", "ticket": "CAB-1"})
    history = [f"2026-0{1 + rng.randint(0, 8)}-1{rng.randint(0, 9)} deploy {old}"]

    live_version = old
    live_config = _dump({**repo_config, "max_connections": repo_config["max_connections"] // 2})
    if conf.get("already_live"):
        live_version = new
        history.append(f"2026-10-2{rng.randint(0, 9)} deploy {new}")
    if not conf.get("drifted_config"):
        live_config = repo_config_text if live_version == new else live_config
    files[f"{releases}/{live_version}/VERSION"] = f"{live_version}\n"
    files[f"{releases}/{live_version}/config.json"] = live_config
    files[f"{releases}/history.log"] = "\n".join(history) + "\n"
    if "prebuilt_artifact_version" in conf:
        prebuilt = _fill(conf["prebuilt_artifact_version"], names)
        files[f"build/{app}-{new}/VERSION"] = f"{prebuilt}\n"
        files[f"build/{app}-{new}/config.json"] = repo_config_text

    setup = [
        f"ln -sfn {live_version} {releases}/current",
        "deploy/deployctl restart >/dev/null",
        *[_fill(c, names) for c in conf.get("setup_after_start", [])],
        "deploy/deployctl status >/dev/null",
    ]
    ticket = _fill(family["ticket"], names).strip()
    prompt = f"{ticket}\n\n{contract_text(proof_path, PROTECTED)}"
    index_marker = f"{app} version {new}"
    return TaskSpec(
        id=f"{variant}-s{seed}",
        family=FAMILY,
        variant=variant,
        seed=seed,
        prompt=prompt,
        files=files,
        executables=["deploy/deployctl", "service/server.py"],
        setup_commands=setup,
        protected=PROTECTED,
        proof_path=proof_path,
        service=ServiceSpec(socket=SOCKET, process_marker="service/server.py"),
        expected=Expected(
            status="DONE",
            live=[
                HttpExpectation(
                    name="live_release",
                    weight=6,
                    label=FailureLabel.LIVE_NOT_UPDATED,
                    route="/",
                    body_contains=[index_marker],
                ),
                HttpExpectation(
                    name="health", weight=3, label=FailureLabel.UNHEALTHY, route="/health"
                ),
                HttpExpectation(
                    name="config_in_sync",
                    weight=3,
                    label=FailureLabel.CONFIG_DRIFT,
                    route="/config",
                    body_contains=[_sha256(repo_config_text)],
                ),
            ],
            verify_routes=["/", "/config"],
        ),
        reference=[ReferenceStep(**_fill(step, names)) for step in conf["reference"]],
        facts={
            "app": app,
            "version": new,
            "old_version": old,
            "releases_dir": releases,
            "release_version_file": f"{releases}/{new}/VERSION",
        },
    )
