"""What each function ships, measured from a synthesized cloud assembly.

Every ``AWS::Lambda::Function`` of the template names its code asset and its
layers; each asset is a folder ``asset.<hash>`` in the assembly. The sizes are
unzipped, as Lambda counts them against its 250 MB limit for a function and its
layers together. Run it as ``python -m recruiting_infra.packages [CDK_OUT]``
after ``make synth``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from recruiting_infra.layers import RUNTIME_PROVIDED, size_bytes

# Lambda's limit on a function and its layers, unzipped.
LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024
# Ours: far below it, so cold starts stay short and deployments small.
BUDGET = 50 * 1024 * 1024
__all__ = ["BUDGET", "LAMBDA_UNZIPPED_LIMIT", "RUNTIME_PROVIDED", "Package", "Part", "packages"]


@dataclass(frozen=True)
class Part:
    """One asset of a function: its own code, or a layer."""

    name: str
    folder: Path

    @property
    def size(self) -> int:
        return size_bytes(self.folder)

    def top_level(self) -> set[str]:
        """The importable names at the top of the asset (a layer's are under python/)."""
        root = self.folder / "python" if (self.folder / "python").is_dir() else self.folder
        return {p.name.split(".", 1)[0] for p in root.iterdir()}


@dataclass(frozen=True)
class Package:
    """A function as deployed: its code and its layers."""

    function: str
    memory_mb: int
    parts: tuple[Part, ...]

    @property
    def total(self) -> int:
        return sum(part.size for part in self.parts)

    def shipped(self) -> set[str]:
        return set().union(*(part.top_level() for part in self.parts))


def _asset(outdir: Path, code: dict[str, Any]) -> Path:
    key = code["S3Key"]
    folder = outdir / f"asset.{key.removesuffix('.zip')}"
    if not folder.is_dir():
        raise FileNotFoundError(f"asset {key} is not in {outdir}")
    return folder


def _layer_name(resource: dict[str, Any]) -> str:
    description = str(resource["Properties"].get("Description", ""))
    if "layers/deps/" in description:
        return "layer " + description.rsplit("/", 1)[1]
    return "layer shared"


def packages(template: dict[str, Any], outdir: Path) -> list[Package]:
    """Every function of the project in the template, with what it ships."""
    resources = template["Resources"]
    found = []
    for resource in resources.values():
        if resource["Type"] != "AWS::Lambda::Function":
            continue
        properties = resource["Properties"]
        variables = properties.get("Environment", {}).get("Variables", {})
        service = variables.get("POWERTOOLS_SERVICE_NAME")
        if not service or "S3Key" not in properties.get("Code", {}):
            continue  # the CDK's own inline handlers
        parts = [Part("code", _asset(outdir, properties["Code"]))]
        for ref in properties.get("Layers", []):
            layer = resources[ref["Ref"]]
            parts.append(Part(_layer_name(layer), _asset(outdir, layer["Properties"]["Content"])))
        found.append(Package(str(service), int(properties.get("MemorySize", 128)), tuple(parts)))
    return sorted(found, key=lambda p: p.function)


def read(outdir: Path) -> list[Package]:
    """The packages of the one stack in a synthesized assembly folder."""
    templates = sorted(outdir.glob("*.template.json"))
    if len(templates) != 1:
        raise FileNotFoundError(f"expected one stack template in {outdir}, found {len(templates)}")
    return packages(json.loads(templates[0].read_text()), outdir)


def megabytes(size: int) -> str:
    """A size for people: MB to one decimal, or KB below one MB."""
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / 1024 / 1024:.1f} MB"


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    outdir = Path(args[0] if args else "cdk.out")
    for package in read(outdir):
        parts = ", ".join(f"{p.name} {megabytes(p.size)}" for p in package.parts)
        print(f"{package.function}: {megabytes(package.total)} ({parts})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
