"""The layer contracts of ``.importlinter`` (issue 12 §3), enforced by the test suite as well as by
``make lint``: the pure core imports neither Django nor the app, the base apps (accounts, wilayah,
jobs) import no domain app, and the modules of an app import each other one way only.

Each contract is also shown to catch a violation: the same configuration is run against a copy of
the packages with one forbidden import added. And the core and its tests are imported in a fresh
interpreter, which must end without Django or the app loaded."""

from __future__ import annotations

import ast
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
CONFIG = ROOT / ".importlinter"
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")

CORE = "konvergensi_core imports neither Django nor the app"
BASE = "Base apps (accounts, wilayah, jobs, imports, reports) import no domain app"
CYCLES = "No import cycles between the modules of an app or of the core"


def lint_imports(pythonpath: Path | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    if pythonpath is not None:  # analyse the packages found there instead of the installed ones
        env["PYTHONPATH"] = str(pythonpath)
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-logo", "--no-cache", str(CONFIG)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def copy_sources(target: Path) -> Path:
    """Both packages under ``target``: the core whole, the app's Python files only."""
    shutil.copytree(
        SRC / "konvergensi_core", target / "konvergensi_core", ignore=shutil.ignore_patterns("__pycache__")
    )
    for path in (SRC / "konvergensi").rglob("*.py"):
        dest = target / path.relative_to(SRC)
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(path, dest)
    return target


def test_the_code_keeps_every_layer_contract():
    result = lint_imports()
    assert result.returncode == 0, result.stdout + result.stderr
    for name in (CORE, BASE, CYCLES):
        assert f"{name} KEPT" in result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "added", "contract", "reported"),
    [
        ("konvergensi_core/kode.py", "import django.conf", CORE, "konvergensi_core.kode -> django (l."),
        (
            "konvergensi_core/ansit/units.py",
            "from konvergensi.wilayah import models",
            CORE,
            "konvergensi_core.ansit.units -> konvergensi.wilayah.models",
        ),
        (
            "konvergensi/jobs/services.py",
            "from konvergensi.aksi import selectors",
            BASE,
            "konvergensi.jobs.services -> konvergensi.aksi.selectors",
        ),
        (
            "konvergensi/wilayah/services.py",
            "from konvergensi.measurements import models",
            BASE,
            "konvergensi.wilayah.services -> konvergensi.measurements.models",
        ),
        # The two cycles that existed: a lazy import inside a function counts as well.
        (
            "konvergensi/jobs/models.py",
            "def _lazy():\n    from . import services",
            CYCLES,
            "No cycles are allowed in konvergensi.jobs.",
        ),
        # The command line, one module per command group: the shared helpers import no command.
        (
            "konvergensi/cli/common.py",
            "def _lazy():\n    from . import zscore",
            CYCLES,
            "No cycles are allowed in konvergensi.cli.",
        ),
        (
            "konvergensi/publication/services.py",
            "def _lazy():\n    from .tasks import publication_run",
            CYCLES,
            "No cycles are allowed in konvergensi.publication.",
        ),
    ],
)
def test_a_forbidden_import_breaks_its_contract(tmp_path, module, added, contract, reported):
    copy = copy_sources(tmp_path / "src")
    path = copy / module
    path.write_text(path.read_text() + f"\n\n{added}\n")

    result = lint_imports(pythonpath=copy)

    assert result.returncode == 1, result.stdout + result.stderr
    assert f"{contract} BROKEN" in result.stdout
    assert reported in result.stdout.split("Broken contracts", 1)[1]
    assert "1 broken" in result.stdout  # the other contracts still hold


PURITY_CHECK = """
import importlib, pkgutil, sys
import konvergensi_core, tests.core
names = []
for package in (konvergensi_core, tests.core):
    for info in pkgutil.walk_packages(package.__path__, package.__name__ + "."):
        importlib.import_module(info.name)
        names.append(info.name)
loaded = sorted({m.split(".")[0] for m in sys.modules} & {"django", "konvergensi"})
print(len(names), " ".join(loaded))
"""


def modules_loaded_with_the_core(pythonpath: Path | None = None) -> tuple[int, list[str]]:
    """Import every module of the core and every test under tests/core in a fresh interpreter;
    return how many were imported and which of Django and the app got loaded with them."""
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    if pythonpath is not None:
        env["PYTHONPATH"] = str(pythonpath)
    result = subprocess.run(
        [sys.executable, "-c", PURITY_CHECK], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode == 0, result.stderr
    count, *loaded = result.stdout.split()
    return int(count), loaded


def test_the_core_and_its_tests_load_without_django_or_the_app():
    count, loaded = modules_loaded_with_the_core()
    assert loaded == []
    assert count > 50  # every core module and every core test, not an empty walk


def test_the_purity_check_sees_django_imported_by_a_core_module(tmp_path):
    copy = copy_sources(tmp_path / "src")
    shutil.rmtree(copy / "konvergensi")  # the app is not even there: the core must not need it
    path = copy / "konvergensi_core" / "aggregates.py"
    path.write_text(path.read_text() + "\n\nimport django.utils.timezone\n")

    _count, loaded = modules_loaded_with_the_core(pythonpath=copy)

    assert loaded == ["django"]


# The core's tests without Django (issue 12 §3): `make test-core` runs them with pytest-django off and
# tests/core/conftest.py refusing any import of Django or the app. The options are read from the
# Makefile, so this is the command `make test-core` runs.
MAKEFILE = ROOT / "Makefile"
CORE_TESTS = ROOT / "tests" / "core"


def core_pytest_options() -> list[str]:
    for line in MAKEFILE.read_text().splitlines():
        if line.startswith("CORE_PYTEST :="):
            return shlex.split(line.split(":=", 1)[1])
    raise AssertionError("CORE_PYTEST is not defined in the Makefile")


def app_imports(source: str) -> list[str]:
    """Every import of Django or the app in ``source``, at the top or inside a function."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        else:
            continue
        found += [name for name in names if name.split(".")[0] in ("django", "konvergensi")]
    return found


def test_no_core_test_imports_django_or_the_app():
    assert app_imports("def f():\n    from django.conf import settings\n") == ["django.conf"]
    assert app_imports("import konvergensi.cli, konvergensi_core.kode\n") == ["konvergensi.cli"]
    files = sorted(CORE_TESTS.rglob("*.py"))
    assert len(files) > 30
    found = {str(path.relative_to(ROOT)): app_imports(path.read_text()) for path in files}
    assert {path: names for path, names in found.items() if names} == {}


def run_core_pytest(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    env = dict(os.environ)
    env.pop("DJANGO_SETTINGS_MODULE", None)
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_the_core_tests_run_with_django_unimportable():
    options = core_pytest_options()
    assert "no:django" in options
    result = run_core_pytest(ROOT, *options, "tests/core/test_kode.py", "tests/core/test_numbers.py")
    assert result.returncode == 0, result.stdout + result.stderr
    assert " passed" in result.stdout and "failed" not in result.stdout


def test_the_core_conftest_refuses_django_and_the_app(tmp_path):
    """Under `make test-core` a test (or a core module it calls) that imports Django or the app, even
    lazily, fails; the core itself still imports."""
    core = tmp_path / "core"
    core.mkdir()
    shutil.copyfile(CORE_TESTS / "conftest.py", core / "conftest.py")
    (core / "test_imports.py").write_text(
        "def test_django():\n    import django  # noqa\n\n"
        "def test_the_app():\n    from konvergensi import cli  # noqa\n\n"
        "def test_the_core():\n    from konvergensi_core import kode\n    assert kode.level_of('32.11') == 'kabkota'\n"
    )
    result = run_core_pytest(tmp_path, "-p", "no:django", f"--confcutdir={core}", "-rf", str(core))
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 failed, 1 passed" in result.stdout
    assert "test_imports.py::test_django - ModuleNotFoundError: django" in result.stdout
    assert "test_imports.py::test_the_app - ModuleNotFoundError: konvergensi" in result.stdout
