"""Configuration of the bwrap sandbox: resource limits, hidden paths, environment."""

from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, Field

DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
_MIB = 1024 * 1024


class BwrapConfig(BaseModel):
    """Settings of the `bwrap` sandbox (`sandbox=SandboxEnvironmentSpec("bwrap", BwrapConfig())`).

    Also read from a YAML or JSON file: `--sandbox bwrap:bwrap.yaml`. Limits apply to every
    command run in the sandbox (soft and hard, so a command cannot raise them); 0 or a
    negative number means "no limit".
    """

    model_config = ConfigDict(extra="forbid")

    max_processes: int = Field(default=512, description="RLIMIT_NPROC: processes and threads.")
    max_memory_mb: int = Field(
        default=4096, description="RLIMIT_AS: address space of each process, MiB."
    )
    max_file_size_mb: int = Field(
        default=1024, description="RLIMIT_FSIZE: largest file a process may write, MiB."
    )
    max_cpu_seconds: int = Field(default=600, description="RLIMIT_CPU: CPU seconds per process.")
    max_open_files: int = Field(default=4096, description="RLIMIT_NOFILE per process.")
    tmp_size_mb: int = Field(default=512, description="Size of the private /tmp (tmpfs), MiB.")
    workspace_size_mb: int = Field(
        default=1024,
        description=(
            "Size of the workspace, MiB: a tmpfs of its own, so a command filling it gets "
            "ENOSPC and the host's disk is untouched. 0 or less: a folder on the host's "
            "disk (visible to the host while the sample runs), with no limit but "
            "`max_file_size_mb` per file."
        ),
    )
    expose: list[str] = Field(
        default_factory=list,
        description=(
            "More host folders the sandbox sees, read-only. It sees only /usr, /etc, "
            "/bin, /sbin, /lib* and its python's prefix otherwise."
        ),
    )
    hide: list[str] = Field(
        default_factory=list,
        description="More host paths to hide (empty tmpfs over a folder, /dev/null over a file).",
    )
    hide_cwd: bool = Field(
        default=True,
        description="Hide the eval's working directory (the project: .env files, logs, datasets).",
    )
    env: dict[str, str] = Field(
        default_factory=dict, description="Environment variables of every command."
    )
    path: str = Field(default=DEFAULT_PATH, description="PATH inside the sandbox.")
    sandbox_uid: int = Field(default=1000, description="User id the commands see inside.")
    host_uid: int | None = Field(
        default=None,
        description=(
            "Host user id the sandbox runs as when the eval runs as root "
            "(None: a fresh unused id per sample)."
        ),
    )

    def rlimits(self) -> dict[str, int]:
        """The limits as the exec server applies them (`-1`: unlimited)."""

        def scaled(value: int, unit: int) -> int:
            return value * unit if value > 0 else -1

        return {
            "nproc": scaled(self.max_processes, 1),
            "as": scaled(self.max_memory_mb, _MIB),
            "fsize": scaled(self.max_file_size_mb, _MIB),
            "cpu": scaled(self.max_cpu_seconds, 1),
            "nofile": scaled(self.max_open_files, 1),
            "core": 0,
        }


def load_config(config: BaseModel | str | None) -> BwrapConfig:
    """The sandbox settings from Inspect's `config` (a model, a file name or nothing).

    Raises:
        ValueError: for a file that is not a YAML/JSON mapping of `BwrapConfig` fields.
    """
    if config is None:
        return BwrapConfig()
    if isinstance(config, BwrapConfig):
        return config
    if isinstance(config, BaseModel):
        return BwrapConfig.model_validate(config.model_dump())
    data = yaml.safe_load(Path(config).read_text(encoding="utf-8")) or {}
    if not isinstance(data, dict):
        raise ValueError(f"bwrap sandbox config {config}: expected a mapping of settings")
    return BwrapConfig.model_validate(data)
