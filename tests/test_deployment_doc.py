"""docs/deployment.md works: its `deploy-check` steps run on this machine (scripts/check-deployment, on
the PostgreSQL run), and what cannot run here is checked against the code: the settings template, the
service user, the upload limit, the encoded database password, the backups."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import dj_database_url
import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
DOC = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
SCRIPT = ROOT / "scripts" / "check-deployment"


def blocks(tag: str) -> list[str]:
    return re.findall(rf"^```{re.escape(tag)}\n(.*?)^```$", DOC, flags=re.S | re.M)


def checked() -> str:
    return "\n".join(blocks("sh deploy-check"))


def test_the_checked_steps_cover_the_install_settings_database_static_health_and_backup():
    steps = checked()
    for needed in (
        "make install-prod",
        "KONVERGENSI_NIK_KEY=$(python3",
        "konvergensi manage migrate",
        "konvergensi wilayah load",
        "konvergensi manage collectstatic --noinput",
        "/healthz",
        "pg_dump",
        "KONVERGENSI_NIK_KEY=' /etc/konvergensi.env >",
    ):
        assert needed in steps, f"docs/deployment.md: no deploy-check step runs {needed!r}"


def test_the_script_runs_the_docs_blocks_and_only_moves_their_places():
    """The script has no deployment commands of its own: it reads the tagged blocks and the ExecStart=
    lines of the doc; its substitutions are places (paths, user, database, port)."""
    script = SCRIPT.read_text(encoding="utf-8")
    assert "```sh deploy-check" in script and "grep '^ExecStart=' \"$DOC\"" in script
    for command in ("migrate", "collectstatic", "pg_dump", "make install-prod", "wilayah load"):
        assert command not in script, f"scripts/check-deployment runs {command} itself, not from the doc"
    for path in ("/srv/konvergensi", "/etc/konvergensi.env", "/usr/local/bin/konvergensi",
                 "/var/backups/konvergensi", "/root/konvergensi-nik-key.txt"):  # fmt: skip
        assert f"s#{path}#" in script, f"the script does not move {path}"
    places = set(re.findall(r"(?<![\w.$])(/(?:srv|etc|usr|var|root)/[\w./-]+)", checked()))
    moved = {"/srv/konvergensi", "/etc/konvergensi.env", "/usr/local/bin/konvergensi",
             "/var/backups/konvergensi", "/root/konvergensi-nik-key.txt"}  # fmt: skip
    assert {p for p in places if not any(p.startswith(m) for m in moved)} == set(), (
        "a path the check would touch"
    )


def test_the_services_run_as_the_service_user_never_root():
    units = blocks("ini")
    assert len(units) == 2
    for unit in units:
        assert "User=konvergensi\n" in unit and "Group=konvergensi\n" in unit and "User=root" not in unit
        assert "EnvironmentFile=/etc/konvergensi.env" in unit
    assert "--access-logfile -" in units[0]  # the access log goes to the journal
    # No step runs the app's command as root: only the wrapper (which becomes the service user) does.
    for line in (ROOT / "docs" / "deployment.md").read_text().splitlines():
        if ".venv/bin/konvergensi" in line and not line.startswith(
            ("cd /srv/konvergensi/app && exec", "ExecStart=")
        ):
            pytest.fail(f"runs the app outside the wrapper: {line}")
    assert 'exec runuser -u konvergensi -- "$0" "$@"' in checked()
    assert (
        "install -d -m 750 -o konvergensi -g konvergensi /srv/konvergensi/var /srv/konvergensi/media"
        in checked()
    )


def test_the_settings_template_sets_every_production_variable_documented():
    (template,) = [b for b in blocks("sh deploy-check") if "cat > /etc/konvergensi.env" in b]
    names = re.findall(r"^(KONVERGENSI_\w+|DATABASE_URL)=", template, flags=re.M)
    assert {
        "KONVERGENSI_SECRET_KEY",
        "KONVERGENSI_NIK_KEY",
        "DATABASE_URL",
        "KONVERGENSI_ALLOWED_HOSTS",
    } <= set(names)
    configuration = (ROOT / "docs" / "configuration.md").read_text()
    for name in names:
        assert f"`{name}`" in configuration
    assert "umask 077" in template and "chmod 640 /etc/konvergensi.env" in template


def test_nginx_accepts_the_largest_upload():
    from konvergensi.measurements.imports import MAX_BYTES

    (nginx,) = blocks("nginx")
    limit = int(re.search(r"client_max_body_size (\d+)m;", nginx).group(1))
    assert limit * 1024 * 1024 > MAX_BYTES  # the file and its multipart envelope
    assert limit >= settings.EVIDENCE_MAX_MB
    assert "access_log /var/log/nginx/" in nginx


def test_the_docs_encoding_command_gives_a_url_the_settings_read_back():
    line = next(ln for ln in DOC.splitlines() if ln.startswith("python3 -c 'import sys, urllib.parse"))
    argv = shlex.split(line)
    argv[0] = sys.executable
    encoded = subprocess.run(argv, capture_output=True, text=True, check=True).stdout.strip()
    assert encoded == "pa%23ss%40w%2Frd" and f"# {encoded}   →" in DOC
    assert (
        dj_database_url.parse(f"postgres://konvergensi:{encoded}@127.0.0.1:5432/k")["PASSWORD"]
        == "pa#ss@w/rd"
    )


@pytest.mark.parametrize("password", ["pa#ss", "a@b:c/d?e%f&g+h=i j", "ÿ#ünï"])
def test_the_settings_read_an_encoded_password(password, tmp_path):
    """The real settings module, in its own process, with an encoded password in DATABASE_URL."""
    from urllib.parse import quote

    url = f"postgres://konvergensi:{quote(password, safe='')}@127.0.0.1:5432/konvergensi"
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "KONVERGENSI_SECRET_KEY": "x" * 50,
        "KONVERGENSI_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "konvergensi.settings",
    }
    env.pop("KONVERGENSI_TESTING", None)
    code = "from django.conf import settings as s; d = s.DATABASES['default']; print(d['PASSWORD']); print(d['NAME'], d['USER'], d['HOST'], d['PORT'])"
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert out.splitlines() == [password, "konvergensi konvergensi 127.0.0.1 5432"]


def test_backups_are_private_and_the_nik_key_kept_apart():
    (backup,) = [b for b in blocks("sh deploy-check") if "pg_dump" in b]
    assert "install -d -m 700" in backup and "umask 077" in backup
    assert "runuser -u postgres -- pg_dump" in backup
    assert "pg_restore" in DOC and "NIK key is not in the dumps" in DOC


def test_install_prod_leaves_out_the_development_group():
    makefile = (ROOT / "Makefile").read_text()
    assert "install-prod:" in makefile and "scripts/bootstrap --production" in makefile
    bootstrap = (ROOT / "scripts" / "bootstrap").read_text()
    assert "SYNC_ARGS+=(--no-dev)" in bootstrap and '"${SYNC_ARGS[@]}"' in bootstrap


@pytest.mark.slow
@pytest.mark.postgres
def test_the_docs_steps_run_on_this_machine():
    """scripts/check-deployment: about 2–3 minutes (the first run also downloads the runtime packages)."""
    if "postgresql" not in settings.DATABASES["default"]["ENGINE"]:
        pytest.skip("the PostgreSQL run only (DATABASE_URL=postgres://…): the check deploys on PostgreSQL")
    if os.geteuid() != 0:
        pytest.skip(
            "needs root: the check becomes the service user and postgres with runuser, as the doc does"
        )
    if (
        shutil.which("pg_isready") is None
        or subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode
    ):
        pytest.skip("PostgreSQL is not reachable at 127.0.0.1:5432")
    result = subprocess.run([str(SCRIPT)], capture_output=True, text=True, timeout=600)
    if result.returncode == 77:
        pytest.skip(result.stderr.strip())
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    assert '/healthz: {"status": "ok"}' in result.stdout
    assert '/healthz: {"status": "fails", "fails": ["media"]}' in result.stdout


@pytest.mark.slow
def test_on_debian_12_the_bootstrap_gets_python_through_uv_and_says_so_in_one_line_when_it_cannot(tmp_path):
    """Debian 12's own python3 is 3.11: the bootstrap installs uv with it and asks uv for a 3.12. The
    download is pointed at a closed port here, so the outcome is the same with or without GitHub: one
    Indonesian line naming the two ways out (PYTHON=, a mirror), exit 1, no traceback."""
    system = Path("/usr/bin/python3")
    probe = "import sys, venv, ensurepip; sys.exit(0 if sys.version_info < (3, 12) else 1)"
    if not system.exists() or subprocess.run([str(system), "-c", probe]).returncode:
        pytest.skip("needs a system python3 older than 3.12 with venv (Debian 12's 3.11)")
    checkout = tmp_path / "k"
    (checkout / "scripts").mkdir(parents=True)
    for name in ("scripts/bootstrap", "pyproject.toml", "uv.lock"):
        shutil.copy(ROOT / name, checkout / name)
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "UV_PYTHON_INSTALL_MIRROR": "http://127.0.0.1:9/"}
    result = subprocess.run(["bash", "scripts/bootstrap", "--production"], cwd=checkout, env=env,
                            capture_output=True, text=True, timeout=300)  # fmt: skip
    assert result.returncode == 1, result.stdout + result.stderr
    assert "Python 3.12 tidak ada di sistem: uv memasangnya" in result.stdout
    assert "PYTHON=/path/ke/python3.12" in result.stderr and "UV_PYTHON_INSTALL_MIRROR" in result.stderr
    assert "Traceback" not in result.stderr
    assert (checkout / ".uv" / "bin" / "uv").exists()  # uv came from PyPI with the system's 3.11
