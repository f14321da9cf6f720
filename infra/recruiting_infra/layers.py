"""Builds the dependency layers for arm64 / CPython 3.12, without Docker.

Each folder ``layers/deps/<name>/`` holds a pinned ``requirements.txt``. Its
layer is installed from wheels for the Lambda platform into
``build/layers/<name>/python`` and then trimmed of what the Lambda runtime
already provides. A stamp beside the layer records the hash of its
requirements and of this recipe, so an unchanged layer is not rebuilt.

A requirements file may also say what its layer does without, in comments:

- ``# leave-out: <distribution>`` removes an installed distribution (every file its
  ``RECORD`` lists) that the layer's code never imports, such as Pillow for fpdf2,
  which draws our reports without images;
- ``# pure-python: <distribution>`` removes the compiled accelerators of a
  distribution that ships the Python source of each beside it (fontTools' Cython
  modules fall back to their ``.py``), where the speed-up is never used.

Run it as ``python -m recruiting_infra.layers [NAME ...] [--force]``.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from recruiting_infra.paths import BUILT_LAYERS_DIR, DEPENDENCY_LAYERS_DIR, REPO_ROOT

# The Lambda platform the layers are built for: Graviton, CPython 3.12.
PIP_PLATFORM_ARGS = (
    "--platform",
    "manylinux2014_aarch64",
    "--implementation",
    "cp",
    "--python-version",
    "3.12",
    "--only-binary=:all:",
)
UV_PLATFORM_ARGS = (
    "--python-platform",
    "aarch64-manylinux2014",
    "--python-version",
    "3.12",
    "--only-binary",
    ":all:",
)
# Already in the Lambda Python runtime; PynamoDB and the X-Ray SDK pull them in
# (botocore alone is about 30 MB unzipped).
RUNTIME_PROVIDED = ("boto3", "botocore", "s3transfer")
# Bump when the way a layer is built changes, so existing stamps go stale.
RECIPE_VERSION = "2"
DIRECTIVE = re.compile(r"^#\s*(leave-out|pure-python):\s*([A-Za-z0-9._-]+)", re.MULTILINE)


def requirements_file(name: str) -> Path:
    """The pinned requirements of dependency layer ``name``."""
    return DEPENDENCY_LAYERS_DIR / name / "requirements.txt"


def layer_dir(name: str) -> Path:
    """The asset folder of dependency layer ``name`` (its ``python/`` is the layer)."""
    return BUILT_LAYERS_DIR / name


def layer_names() -> list[str]:
    """Every dependency layer declared under ``layers/deps``."""
    return sorted(p.parent.name for p in DEPENDENCY_LAYERS_DIR.glob("*/requirements.txt"))


def directives(name: str, kind: str) -> list[str]:
    """The distributions a layer's requirements mark ``leave-out`` or ``pure-python``."""
    text = requirements_file(name).read_text()
    return [dist for found, dist in DIRECTIVE.findall(text) if found == kind]


def fingerprint(name: str) -> str:
    """Hash of what a layer is built from: its requirements and this recipe."""
    digest = hashlib.sha256()
    digest.update(requirements_file(name).read_bytes())
    digest.update("\0".join((RECIPE_VERSION, *PIP_PLATFORM_ARGS, *RUNTIME_PROVIDED)).encode())
    return digest.hexdigest()


def _stamp(name: str) -> Path:
    # Beside the asset folder, not in it, so it does not change the asset hash.
    return BUILT_LAYERS_DIR / f"{name}.stamp"


def is_current(name: str) -> bool:
    """Whether the built layer matches its requirements (no rebuild needed)."""
    stamp = _stamp(name)
    return (
        (layer_dir(name) / "python").is_dir()
        and stamp.is_file()
        and stamp.read_text().strip() == fingerprint(name)
    )


def _find_uv() -> str | None:
    candidates = [
        shutil.which("uv"),
        str(Path(sys.executable).parent / "uv"),
        str(REPO_ROOT / ".tools" / "bin" / "uv"),
    ]
    return next((c for c in candidates if c and os.access(c, os.X_OK)), None)


def install_command(requirements: Path, target: Path) -> list[str]:
    """The command that installs ``requirements`` for the Lambda platform into ``target``.

    pip from this interpreter is preferred; a uv-made venv has none, so uv
    (on PATH, beside the interpreter, or in ``.tools/bin``) comes next, then
    any ``pip3`` on PATH. ``LAYER_INSTALLER=pip|uv`` forces a choice.
    """
    forced = os.environ.get("LAYER_INSTALLER", "")
    common = ["-r", str(requirements), "--target", str(target)]
    if forced in ("", "pip") and importlib.util.find_spec("pip") is not None:
        return [sys.executable, "-m", "pip", "install", *PIP_PLATFORM_ARGS, "--no-compile", *common]
    uv = _find_uv()
    if forced in ("", "uv") and uv:
        return [uv, "pip", "install", *UV_PLATFORM_ARGS, *common]
    pip = shutil.which("pip3") or shutil.which("pip")
    if forced in ("", "pip") and pip:
        return [pip, "install", *PIP_PLATFORM_ARGS, "--no-compile", *common]
    raise RuntimeError(
        "No installer for the dependency layer: install pip or uv (LAYER_INSTALLER="
        f"{forced or 'unset'})"
    )


def _normalise(distribution: str) -> str:
    return re.sub(r"[-_.]+", "_", distribution).lower()


def installed_files(site: Path, distribution: str) -> list[Path]:
    """Every file of an installed distribution, as its ``RECORD`` lists them
    (none if it is not installed)."""
    wanted = _normalise(distribution)
    for info in site.glob("*.dist-info"):
        if _normalise(info.name.removesuffix(".dist-info").rsplit("-", 1)[0]) != wanted:
            continue
        with (info / "RECORD").open(newline="") as record:
            return [site / row[0] for row in csv.reader(record) if row]
    return []


def remove_distribution(site: Path, distribution: str) -> None:
    """Delete an installed distribution's files, then the folders they leave empty."""
    files = installed_files(site, distribution)
    for path in files:
        path.unlink(missing_ok=True)
    folders = {p.parent for path in files for p in (path, *path.parents) if site in p.parents}
    for folder in sorted(folders, key=lambda p: len(p.parts), reverse=True):
        if folder.is_dir() and not any(folder.iterdir()):
            folder.rmdir()


def drop_accelerators(site: Path, distribution: str) -> None:
    """Delete a distribution's compiled modules that have their Python source beside them."""
    for path in installed_files(site, distribution):
        if path.suffix == ".so" and path.with_name(path.name.split(".", 1)[0] + ".py").is_file():
            path.unlink()


def prune(site: Path, name: str) -> None:
    """Remove what the Lambda runtime already has, what layer ``name`` marks as left
    out, unused accelerators, console scripts and byte code."""
    shutil.rmtree(site / "bin", ignore_errors=True)
    for distribution in (*RUNTIME_PROVIDED, *directives(name, "leave-out")):
        remove_distribution(site, distribution)
    for distribution in directives(name, "pure-python"):
        drop_accelerators(site, distribution)
    for cache in list(site.rglob("__pycache__")):
        shutil.rmtree(cache, ignore_errors=True)


def build_layer(name: str, *, force: bool = False) -> Path:
    """Build dependency layer ``name`` unless it is current; return its asset folder."""
    requirements = requirements_file(name)
    if not requirements.is_file():
        raise FileNotFoundError(f"no dependency layer {name!r}: {requirements} is missing")
    final = layer_dir(name)
    if not force and is_current(name):
        return final
    partial = BUILT_LAYERS_DIR / f".{name}.partial"
    shutil.rmtree(partial, ignore_errors=True)
    site = partial / "python"
    site.mkdir(parents=True)
    subprocess.run(install_command(requirements, site), check=True, cwd=REPO_ROOT)  # noqa: S603
    prune(site, name)
    shutil.rmtree(final, ignore_errors=True)
    partial.rename(final)
    _stamp(name).write_text(fingerprint(name) + "\n")
    return final


def build_layers(names: Iterable[str] | None = None, *, force: bool = False) -> dict[str, Path]:
    """Build every named dependency layer (all of them by default)."""
    return {name: build_layer(name, force=force) for name in (names or layer_names())}


def size_bytes(path: Path) -> int:
    """Unzipped size of a folder, as Lambda counts it against its 250 MB limit."""
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m recruiting_infra.layers", description=__doc__)
    parser.add_argument("names", nargs="*", help="layers to build (default: all)")
    parser.add_argument("--force", action="store_true", help="rebuild even if current")
    args = parser.parse_args(argv)
    for name, path in build_layers(args.names or None, force=args.force).items():
        print(f"layer {name}: {path} ({size_bytes(path) / 1_000_000:.1f} MB unzipped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
