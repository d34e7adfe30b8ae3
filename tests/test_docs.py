"""The docs stay true: CLI reference, configuration variables, README commands."""

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_cli_reference_matches_the_cli(tmp_path):
    out = tmp_path / "cli.md"
    typer = Path(sys.executable).parent / "typer"
    subprocess.run(
        [str(typer), "konvergensi.cli", "utils", "docs", "--name", "konvergensi", "--output", str(out)],
        check=True,
        capture_output=True,
    )
    assert (ROOT / "docs" / "cli.md").read_text() == out.read_text(), "run `make docs-cli`"


def test_every_environment_variable_is_documented():
    source = (ROOT / "src" / "konvergensi" / "settings.py").read_text()
    names = set(re.findall(r'env_(?:str|bool|int|list)\(\s*"([A-Z_]+)"', source))
    assert "DATABASE_URL" in names and "KONVERGENSI_SECRET_KEY" in names
    documented = (ROOT / "docs" / "configuration.md").read_text()
    missing = sorted(n for n in names if f"`{n}`" not in documented)
    assert not missing, f"document these in docs/configuration.md: {missing}"


def test_make_targets_named_in_the_readme_exist():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    targets = set(re.findall(r"^([a-z][a-z-]*):", makefile, re.M))
    named = set(re.findall(r"`make ([a-z-]+)", readme)) | set(re.findall(r"^make ([a-z-]+)", readme, re.M))
    assert {"demo", "test"} <= named
    assert named <= targets, f"README names missing targets: {named - targets}"
