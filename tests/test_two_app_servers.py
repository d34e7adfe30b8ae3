"""Two app servers, one database: the app tier keeps no state of its own (issue 20, "Beyond one machine").

Two gunicorn processes, each with its OWN var folder (so a file cache or a local key could not be
shared), the same database, the same media folder, ``KONVERGENSI_CACHE=database``: a login made on the
first server is a session on the second, and the API throttle counts one token's requests across both
(the cache is the database's table, created by ``migrate``).
"""

from __future__ import annotations

import http.cookiejar
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

# Every URL opened here is http://127.0.0.1:<port> of a server this test started.
# ruff: noqa: S310

BIN = Path(sys.executable).parent
PASSWORD = "dua-server-uji-123"  # noqa: S105 (a throwaway account of this test's own database)

SETUP = f"""
from django.contrib.auth import get_user_model
from konvergensi.accounts.models import Membership, Role
from konvergensi.accounts.scope import scope_for_user
from konvergensi.api import tokens
user = get_user_model().objects.create_user("bangda", password="{PASSWORD}")
Membership.objects.create(user=user, role=Role.PUSAT, region=None)
print("TOKEN=" + tokens.create(user=user, scope=scope_for_user(user), name="uji", days=5).secret)
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(tmp_path: Path, name: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("KONVERGENSI_", "DJANGO_", "PYTEST"))}
    env.update(
        DATABASE_URL=f"sqlite:///{tmp_path / 'shared.sqlite3'}",
        KONVERGENSI_VAR_DIR=str(tmp_path / f"var-{name}"),  # each server its own: nothing shared there
        KONVERGENSI_MEDIA_ROOT=str(tmp_path / "media"),  # shared storage (NFS or a mounted volume)
        KONVERGENSI_SECRET_KEY="two-servers-test-key-" + "x" * 40,
        KONVERGENSI_CACHE="database",
        KONVERGENSI_API_RATE="3/min",
        KONVERGENSI_TASKS_BACKEND="django_tasks_db.DatabaseBackend",
    )
    return env


def wait_up(base: str, proc: subprocess.Popen) -> None:
    for _ in range(150):
        if proc.poll() is not None:
            raise AssertionError(f"server {base} stopped: {proc.stdout.read() if proc.stdout else ''}")
        try:
            urllib.request.urlopen(base + "/masuk/", timeout=20)
            return
        except OSError:  # refused while starting, or a first answer slower than the timeout
            time.sleep(0.2)
    raise AssertionError(f"server {base} did not answer")


@pytest.fixture(scope="module")
def two_servers(tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("two-servers")
    setup_env = server_env(tmp_path, "setup")
    k = str(BIN / "konvergensi")
    subprocess.run([k, "manage", "migrate", "-v0"], env=setup_env, check=True, timeout=300)
    out = subprocess.run([k, "manage", "shell", "-c", SETUP], env=setup_env, check=True, timeout=120,
                         capture_output=True, text=True).stdout  # fmt: skip
    token = re.search(r"TOKEN=(\S+)", out).group(1)
    procs, bases = [], []
    # Each machine has the collected static files of the release in its own var folder.
    subprocess.run([k, "manage", "collectstatic", "--noinput", "-v0"], env=server_env(tmp_path, "a"),
                   check=True, timeout=300)  # fmt: skip
    shutil.copytree(tmp_path / "var-a" / "static", tmp_path / "var-b" / "static")
    for name in ("a", "b"):
        port = free_port()
        proc = subprocess.Popen(
            [str(BIN / "gunicorn"), "konvergensi.wsgi:application", "--workers", "1", "--bind",
             f"127.0.0.1:{port}", "--timeout", "60"],
            env=server_env(tmp_path, name), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )  # fmt: skip
        procs.append(proc)
        bases.append(f"http://127.0.0.1:{port}")
    try:
        for base, proc in zip(bases, procs, strict=True):
            wait_up(base, proc)
        yield bases, token
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=20)


def test_a_login_on_one_server_is_a_session_on_the_other(two_servers):
    (a, b), _token = two_servers
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(a + "/masuk/", timeout=60).read().decode()
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": csrf, "username": "bangda", "password": PASSWORD})
    opener.open(
        urllib.request.Request(a + "/masuk/", data=data.encode(), headers={"Referer": a + "/masuk/"}),
        timeout=60,
    )
    assert any(c.name == "sessionid" for c in jar), "no session after the login on server A"
    page = opener.open(b + "/keamanan/token-api/", timeout=60)  # server B, the cookie of server A
    assert page.status == 200 and page.url.endswith("/keamanan/token-api/"), page.url
    assert "bangda" in page.read().decode().lower()


def test_the_api_throttle_counts_across_both_servers(two_servers):
    (a, b), token = two_servers

    def status(base: str) -> int:
        request = urllib.request.Request(
            base + "/api/v1/indikator/", headers={"Authorization": f"Bearer {token}"}
        )
        try:
            return urllib.request.urlopen(request, timeout=60).status
        except urllib.error.HTTPError as exc:
            return exc.code

    # 3 requests a minute for this token: a, b, a pass; the fourth, on b, is refused because b sees a's count.
    assert [status(a), status(b), status(a), status(b)] == [200, 200, 200, 429]
