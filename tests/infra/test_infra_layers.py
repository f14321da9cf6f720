"""The dependency layers: pinned like the project, built for Lambda, rebuilt only on change."""

from __future__ import annotations

import subprocess
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from recruiting import wiring
from recruiting_infra import layers
from recruiting_infra.paths import FUNCTIONS_DIR, REPO_ROOT, SHARED_LAYER_DIR

pytestmark = pytest.mark.infra

LAMBDA_UNZIPPED_LIMIT = 250 * 1024 * 1024


@pytest.fixture(scope="module")
def core():
    return layers.build_layer("core") / "python"


def _pins(lines: list[str]) -> set[tuple[str, str]]:
    """(name, specifier) of each requirement; extras may differ (the layer adds [tracer])."""
    requirements = [Requirement(line) for line in lines]
    return {(canonicalize_name(r.name), str(r.specifier)) for r in requirements}


def _lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip() and line[0] != "#"]


def test_the_layers_together_pin_what_the_project_depends_on():
    # Given the project's runtime dependencies (boto3 is in the Lambda runtime)
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())["project"]
    expected = _pins([d for d in project["dependencies"] if not d.startswith("boto3")])
    # When every layer's requirements are read
    per_layer = [
        _pins(_lines(layers.requirements_file(name).read_text())) for name in layers.layer_names()
    ]
    # Then together they pin the same versions, each dependency in one layer only
    assert set().union(*per_layer) == expected
    assert sum(len(p) for p in per_layer) == len(expected)


def test_pdf_parsing_ships_only_with_the_parser():
    # Given the functions and their layers
    users = {f.name for f in wiring.FUNCTIONS if "parsing" in f.dependency_layers}
    # Then only the resume parser carries pdfium (9 MB) and defusedxml
    assert users == {"resume_parser"}
    assert "pypdfium2" in layers.requirements_file("parsing").read_text()


def test_core_layer_leaves_out_the_x_ray_sdk(core):
    # Given the built core layer (Lambda's active tracing needs no SDK in the package)
    names = {p.name for p in core.iterdir()}
    # Then the X-Ray SDK and its wrapt dependency are not shipped: ~160 ms of cold start
    assert not names & {"aws_xray_sdk", "wrapt"}


def test_layer_leaves_out_what_the_lambda_runtime_provides(core):
    # Given the built core layer
    names = {p.name for p in core.iterdir()}
    # Then boto3, botocore and s3transfer are not shipped twice, nor byte code
    assert not names & {"boto3", "botocore", "s3transfer", "bin"}
    assert not list(core.rglob("__pycache__"))


def test_layer_binaries_are_built_for_cpython_3_12_on_arm64(core):
    # Given the compiled modules of the layer
    extensions = [p.name for p in core.rglob("*.so")]
    # Then every one is for CPython 3.12 on aarch64
    assert extensions
    assert all("cpython-312-aarch64-linux-gnu" in name for name in extensions)


def test_functions_and_layers_fit_in_lambdas_unzipped_limit(core):
    # Given the largest function folder and every layer
    function = max(layers.size_bytes(p) for p in FUNCTIONS_DIR.iterdir() if p.is_dir())
    total = function + layers.size_bytes(core) + layers.size_bytes(SHARED_LAYER_DIR)
    # Then together they stay under Lambda's 250 MB
    assert total < LAMBDA_UNZIPPED_LIMIT


def test_current_layer_is_not_rebuilt(core, monkeypatch):
    # Given a built layer whose requirements have not changed
    def installer_must_not_run(*args, **kwargs):
        raise AssertionError("the installer ran for an up-to-date layer")

    monkeypatch.setattr(subprocess, "run", installer_must_not_run)
    # When the layer is built again
    path = layers.build_layer("core")
    # Then the stamp says it is current and nothing is installed
    assert path == layers.layer_dir("core")


def test_changed_requirements_make_a_layer_stale(tmp_path, monkeypatch):
    # Given a layer built from some requirements
    monkeypatch.setattr(layers, "DEPENDENCY_LAYERS_DIR", tmp_path / "deps")
    monkeypatch.setattr(layers, "BUILT_LAYERS_DIR", tmp_path / "build")
    requirements = tmp_path / "deps" / "extra" / "requirements.txt"
    requirements.parent.mkdir(parents=True)
    requirements.write_text("multipart==2.0.1\n")
    (tmp_path / "build" / "extra" / "python").mkdir(parents=True)
    (tmp_path / "build" / "extra.stamp").write_text(layers.fingerprint("extra"))
    assert layers.is_current("extra")
    # When a pin changes
    requirements.write_text("multipart==2.0.2\n")
    # Then the layer must be rebuilt
    assert not layers.is_current("extra")


def test_install_targets_the_lambda_platform(tmp_path):
    # Given the command that installs a layer
    command = " ".join(layers.install_command(tmp_path / "requirements.txt", tmp_path / "python"))
    # Then it takes only wheels for CPython 3.12 on manylinux aarch64
    assert "3.12" in command
    assert "manylinux2014_aarch64" in command or "aarch64-manylinux2014" in command
    assert ":all:" in command
