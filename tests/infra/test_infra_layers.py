"""The dependency layers: pinned like the project, built for Lambda, rebuilt only on change."""

from __future__ import annotations

import subprocess
import tomllib

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from recruiting import wiring
from recruiting_infra import layers, packages
from recruiting_infra.paths import REPO_ROOT

pytestmark = pytest.mark.infra


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


@pytest.fixture(scope="module")
def deployed(synthesized):
    """Each function's code and layers, as the synthesized assembly ships them."""
    found = packages.packages(synthesized.template.to_json(), synthesized.outdir)
    return {p.function: p for p in found}


def test_every_function_ships_under_the_50_mb_budget(deployed):
    # Given every function with its code and layers, unzipped, as synthesized
    assert set(deployed) == {f.name for f in wiring.FUNCTIONS}
    sizes = {name: package.total for name, package in deployed.items()}
    # Then the largest stays under our 50 MB budget (Lambda allows 250 MB)
    assert max(sizes.values()) < packages.BUDGET < packages.LAMBDA_UNZIPPED_LIMIT, sizes
    # And each function's own asset is its folder only: the largest is the recruiter API
    assert all(p.parts[0].size < 1024 * 1024 for p in deployed.values())


def test_no_function_ships_what_the_runtime_has_or_what_it_never_imports(deployed):
    # Given what each function's code and layers hold at their top level
    for name, package in deployed.items():
        shipped = package.shipped()
        # Then no boto3, botocore or s3transfer (the runtime's are used), no Pillow
        assert not shipped & {*packages.RUNTIME_PROVIDED, "PIL", "pillow"}, name
    # And only the report exports ship fpdf2 and fontTools, only the parser pdfium
    assert {n for n, p in deployed.items() if "fpdf" in p.shipped()} == {"report_exports"}
    assert {n for n, p in deployed.items() if "pypdfium2" in p.shipped()} == {"resume_parser"}


def test_the_reports_layer_keeps_fonttools_source_without_its_accelerators():
    # Given the built reports layer (its requirements leave Pillow out, fontTools pure)
    site = layers.build_layer("reports") / "python"
    # Then fontTools has no compiled modules, but the Python source of each is there
    assert not list((site / "fontTools").rglob("*.so"))
    assert (site / "fontTools" / "misc" / "bezierTools.py").is_file()
    assert not (site / "PIL").exists()
    assert not list(site.glob("pillow*"))


def test_a_left_out_distribution_goes_with_every_file_its_record_lists(tmp_path):
    # Given an installed distribution with a package, a data folder and its RECORD
    site = tmp_path / "python"
    for relative in ("big/__init__.py", "big/codec.so", "big.libs/libz.so", "keep/__init__.py"):
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text("x")
    info = site / "Big_Dist-1.0.dist-info"
    info.mkdir()
    (info / "RECORD").write_text(
        "big/__init__.py,sha256=a,1\nbig/codec.so,,\nbig.libs/libz.so,,\n"
        "Big_Dist-1.0.dist-info/RECORD,,\n"
    )
    # When it is removed by its (un-normalised) name
    layers.remove_distribution(site, "big-dist")
    # Then its files and folders are gone and the other package stays
    assert sorted(p.name for p in site.iterdir()) == ["keep"]


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
