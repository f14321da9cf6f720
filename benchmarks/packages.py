"""What each function ships, unzipped, from a stack synthesized in this run.

The baseline is the AWS SDK (boto3, botocore, s3transfer) as installed here: what
bundling it would add to every function, which the Lambda runtime already has.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from recruiting_infra import packages
from recruiting_infra.layers import RUNTIME_PROVIDED, size_bytes
from recruiting_infra.paths import REPO_ROOT


def _sdk_size() -> int:
    total = 0
    for name in RUNTIME_PROVIDED:
        spec = importlib.util.find_spec(name)
        assert spec is not None, name
        assert spec.origin is not None, name
        total += size_bytes(Path(spec.origin).parent)
    return total


def _synthesize(outdir: Path) -> None:
    env = {
        **os.environ,
        "CDK_OUTDIR": str(outdir),
        "PYTHONPATH": "infra",
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
        "JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION": "1",
    }
    for command in (["-m", "recruiting_infra.layers"], ["infra/app.py"]):
        subprocess.run(
            [sys.executable, *command], check=True, cwd=REPO_ROOT, env=env, capture_output=True
        )


def run() -> list[tuple[str, str, str, str, str]]:
    with tempfile.TemporaryDirectory(prefix="assembly-") as folder:
        _synthesize(Path(folder))
        found = packages.read(Path(folder))
        sdk = _sdk_size()
        rows = []
        for package in sorted(found, key=lambda p: -p.total):
            shipped = package.shipped()
            bundled = sorted(shipped & set(RUNTIME_PROVIDED))
            ok = package.total < packages.BUDGET and not bundled
            parts = ", ".join(f"{p.name} {packages.megabytes(p.size)}" for p in package.parts)
            rows.append(
                (
                    f"package {package.function}: code and layers, unzipped",
                    packages.megabytes(package.total),
                    packages.megabytes(sdk) + " SDK",
                    f"{package.total / sdk:.2f}",
                    f"< 50 MB, no boto3 {'OK' if ok else 'OVER'} ({parts})",
                )
            )
    return rows


if __name__ == "__main__":
    for row in run():
        print(" | ".join(row))
