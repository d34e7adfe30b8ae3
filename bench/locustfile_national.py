"""Locust users of the national page benchmark (run by ``bench/national.py``, never alone).

Runs inside ``bench/.venv-locust`` (locust only; the app is not importable here). Everything it
needs comes from the plan file ``bench/national.py`` writes (``KONVERGENSI_BENCH_PLAN``): the pages,
each with its persona (``pusat``, ``provinsi``, ``operator``, ``publik``, ``api``), the accounts'
names, their password and the API token. One user class per persona; each user logs in once with the
login form and its CSRF token (the API user sends its token), then visits its persona's pages, each
chosen at random, with ``between(1, 3)`` seconds between them. The random generator is seeded
(``seed`` in the plan). Every request is named after its page; each one's time and outcome is kept
and written to ``samples`` of the plan when locust stops (exact percentiles, where locust's own
tables round to two significant digits).
"""

from __future__ import annotations

import json
import os
import random
import re
import time

from locust import HttpUser, between, events

PLAN = json.loads(open(os.environ["KONVERGENSI_BENCH_PLAN"], encoding="utf-8").read())  # noqa: SIM115
random.seed(PLAN["seed"])  # task choice and waits: locust draws both from the module's generator

SAMPLES: list[tuple[str, float, int, int]] = []  # (name, ms, response bytes, failed)
TIMES = {"steady": time.time()}
LOGINS: list[tuple[str, float, int, int]] = []  # the logins and what was measured while users started
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


@events.request.add_listener
def _keep(name, response_time, response_length, exception, **_kw) -> None:
    SAMPLES.append((name, float(response_time), int(response_length or 0), int(exception is not None)))


@events.spawning_complete.add_listener
def _started(**_kw) -> None:
    """Every user has started (and logged in: a password hash costs a worker ~0.3 s of CPU): the
    measurement starts now, the requests of the ramp-up are set aside."""
    LOGINS.extend(SAMPLES)
    SAMPLES.clear()
    TIMES["steady"] = time.time()


@events.quitting.add_listener
def _write(**_kw) -> None:
    with open(PLAN["samples"], "w", encoding="utf-8") as fh:
        json.dump({"steady": SAMPLES, "ramp_up": LOGINS, "seconds": time.time() - TIMES["steady"]}, fh)


def _visit(page: dict):
    def visit(user: HttpUser) -> None:
        with user.client.get(page["path"], name=page["name"], catch_response=True) as response:
            if response.status_code != 200:
                response.failure(f"HTTP {response.status_code}")
            elif response.url and "/masuk/" in response.url and "/masuk/" not in page["path"]:
                response.failure("redirected to the login page")  # the session was lost

    visit.__name__ = "visit_" + re.sub(r"\W+", "_", page["name"])
    return visit


class _Persona(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    persona = ""

    def on_start(self) -> None:
        account = PLAN["accounts"].get(self.persona)
        if account is None:
            return
        page = self.client.get("/masuk/", name="login form")
        found = CSRF_INPUT.search(page.text)
        response = self.client.post(
            "/masuk/",
            {
                "username": account,
                "password": PLAN["password"],
                "csrfmiddlewaretoken": found.group(1) if found else "",
            },
            name="login",
            allow_redirects=False,
        )
        if response.status_code != 302:  # a failed login answers 200 with the form again
            raise RuntimeError(f"login of {account} failed: HTTP {response.status_code}")


def _persona(persona: str, weight: int) -> type[HttpUser]:
    pages = [p for p in PLAN["pages"] if p["persona"] == persona]
    attrs: dict = {"persona": persona, "weight": weight, "tasks": [_visit(p) for p in pages]}
    if persona == "api":
        attrs["on_start"] = lambda self: self.client.headers.update(
            {"Authorization": f"Bearer {PLAN['token']}", "Accept": "application/json"}
        )
    return type(f"{persona.capitalize()}User", (_Persona,), attrs)


for _name, _weight in PLAN["personas"].items():
    globals()[f"{_name.capitalize()}User"] = _persona(_name, _weight)
