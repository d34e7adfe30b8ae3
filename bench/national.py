"""Fifty users on the national data set (issue 20): `make bench-national`.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/konvergensi_national \\
        .venv/bin/python bench/national.py [--users 50] [--duration 3m] [--workers 3]
        [--fill tiny|small [--provinsi NN ...]] [--import-json m.json] [--zscore-json g.json]

Takes a PostgreSQL database filled by `konvergensi demo national` (exit 2 when it holds no published
round; `--fill` fills it first through that command). Then, on loopback, behind nothing:

1. the accounts the users need, made idempotently through the app: a national (Bangda) account made
   as docs/deployment.md makes the first one, a province account and a district operator made by it
   with the accounts service (`user_create`, audited), all three given a fresh random password for
   this run only; an API token of the national account (`api.tokens.create`, one day, the previous
   run's revoked);
2. `ANALYZE` (the planner's statistics, stale right after a fill), `collectstatic` (WhiteNoise's
   compressed manifest: hashed names), then gunicorn with
   `--workers 3` as in docs/deployment.md's service unit (`--workers N` to change it), DEBUG off,
   not in demo mode;
3. each page once per persona to warm the caches (the first visit's time is printed, not counted),
   then the page's weight on a first load, measured with a plain HTTP client: the HTML as transferred
   with `Accept-Encoding: gzip, br`, plus every stylesheet, script, image and font it references
   (and those the stylesheets reference), each as served (compressed when the server compresses);
4. locust (`bench/.venv-locust`, `bench/locust.lock`) headless with `--users` users for `--duration`,
   `bench/locustfile_national.py`: one user class per persona, `between(1, 3)`, a fixed seed;
5. per page: p50/p95/p99 of every request's time (exact, from locust's request events), errors, bytes;
   written to `bench/results/national.json` with the schema of the issue. `import` and `zscore` are
   copied from `bench/measurements.py --json` and `bench/growth.py --json` outputs when given, else
   null (not measured by this script).

The district is the one with the most desa among those with a published round; the province its own.
"""

# Our own programs with fixed arguments; every URL is http://127.0.0.1 built here.
# ruff: noqa: S603, S310

from __future__ import annotations

import argparse
import gzip
import html.parser
import http.client
import http.cookiejar
import json
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LOCUST = ROOT / "bench" / ".venv-locust" / "bin" / "locust"
LOCUSTFILE = ROOT / "bench" / "locustfile_national.py"
RESULTS = ROOT / "bench" / "results" / "national.json"
SEED = 20
# A benchmark on generated data: without KONVERGENSI_SECRET_KEY this fixed key is used, so that the
# fill and the server agree (the children's keyed NIK hashes). Never a production key.
BENCH_SECRET = "bench-national-generated-data-only-not-a-secret"  # noqa: S105
USERS = {"pusat": "bench-pusat", "provinsi": "bench-prov-{prov}", "operator": "bench-op-{kab}"}
# Users per persona (locust's class weights): 50 users → 10 national, 10 province, 15 district,
# 10 public (anonymous), 5 API clients.
PERSONAS = {"pusat": 2, "provinsi": 2, "operator": 3, "publik": 2, "api": 1}


def _env(args) -> dict[str, str]:
    env = dict(os.environ)
    env["KONVERGENSI_VAR_DIR"] = str(Path(env.get("KONVERGENSI_VAR_DIR") or ROOT / "var" / "bench-national"))
    env.setdefault("KONVERGENSI_SECRET_KEY", BENCH_SECRET)
    env["KONVERGENSI_DEBUG"] = "false"
    env["KONVERGENSI_DEMO"] = "false"
    env.pop("KONVERGENSI_TESTING", None)
    env.setdefault("KONVERGENSI_ALLOWED_HOSTS", "127.0.0.1,localhost")
    env["DJANGO_SETTINGS_MODULE"] = "konvergensi.settings"
    return env


def _fill(args, env: dict[str, str]) -> None:
    k = str(BIN / "konvergensi")
    subprocess.run([k, "manage", "migrate", "--noinput", "-v0"], env=env, check=True)
    cmd = [k, "demo", "national", "--scale", args.fill]
    for p in args.provinsi or []:
        cmd += ["--provinsi", p]
    print("$", " ".join(cmd[1:]), flush=True)
    subprocess.run(cmd, env=env, check=True)


def _target() -> dict:
    """The district with the most desa among those with a published round, its province, its latest
    published round, the year of its cycle, and the data set's size."""
    from django.db.models import Count

    from konvergensi.aksi.models import Siklus
    from konvergensi.measurements.models import Measurement, MeasurementRound
    from konvergensi.wilayah.models import Region

    published = (
        MeasurementRound.objects.filter(publications__isnull=False)
        .values_list("kabkota_id", flat=True)
        .distinct()
    )
    kab = (
        Region.objects.filter(level="kabkota", kode__in=list(published))
        .annotate(n=Count("children__children"))
        .order_by("-n", "kode")
        .first()
    )
    if kab is None:
        return {}
    rnd = (
        MeasurementRound.objects.filter(kabkota=kab, publications__isnull=False)
        .order_by("-tanggal_mulai", "-pk")
        .first()
    )
    siklus = Siklus.objects.filter(kabkota=kab).order_by("-tahun").first()
    return {
        "kab": kab.kode,
        "kab_nama": kab.nama,
        "kab_desa": kab.n,
        "prov": kab.parent_id,
        "round": rnd.pk,
        "tahun": siklus.tahun if siklus else rnd.tanggal_mulai.year,
        "children": Measurement.objects.count(),
        "desa": Region.objects.filter(
            level="desa", parent__parent__in=Region.objects.filter(kode__in=list(published))
        ).count(),
        "districts": len(set(published)),
    }


def _accounts(t: dict) -> tuple[dict[str, str], str, str]:
    """The three accounts (made once, their password set anew each run) and a fresh API token."""
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from konvergensi.accounts import services
    from konvergensi.accounts.models import Membership, Role
    from konvergensi.accounts.scope import scope_for_user
    from konvergensi.api import tokens
    from konvergensi.api.models import ApiToken
    from konvergensi.wilayah.models import Region

    User = get_user_model()
    password = secrets.token_urlsafe(16)
    names = {p: u.format(prov=t["prov"], kab=t["kab"].replace(".", "")) for p, u in USERS.items()}
    with transaction.atomic():
        pusat = User.objects.filter(username=names["pusat"]).first()
        if pusat is None:  # the first national account, as docs/deployment.md §4 makes it
            pusat = User.objects.create_user(names["pusat"], password=password)
            Membership.objects.create(user=pusat, role=Role.PUSAT, region=None)
    scope = scope_for_user(pusat)
    for persona, role, region in (
        ("provinsi", Role.PROVINSI, t["prov"]),
        ("operator", Role.OPERATOR, t["kab"]),
    ):
        if not User.objects.filter(username=names[persona]).exists():
            services.user_create(scope=scope, username=names[persona], full_name=f"Uji beban {persona}",
                                 email="", password=password, role=role,
                                 region=Region.objects.get(kode=region), by=pusat)  # fmt: skip
    for user in User.objects.filter(username__in=names.values()):
        user.set_password(password)  # this run's password (a benchmark account, not an audited reset)
        user.save(update_fields=["password"])
    for old in ApiToken.objects.filter(user=pusat, name="bench-national", revoked_at__isnull=True):
        tokens.revoke(user=pusat, scope=scope, pk=old.pk)
    token = tokens.create(user=pusat, scope=scope, name="bench-national", days=1).secret
    return names, password, token


def _pages(t: dict) -> list[dict]:
    kab, prov, rnd, tahun = t["kab"], t["prov"], t["round"], t["tahun"]
    return [
        {"name": "pantau: nasional", "persona": "pusat", "path": f"/pantau/nasional/?tahun={tahun}"},
        {"name": "gambaran: nasional", "persona": "pusat", "path": "/gambaran/"},
        {"name": "gambaran: provinsi", "persona": "provinsi", "path": f"/gambaran/{prov}/"},
        {
            "name": "pantau: provinsi",
            "persona": "provinsi",
            "path": f"/pantau/provinsi/{prov}/?tahun={tahun}",
        },
        {"name": "beranda: kab/kota", "persona": "operator", "path": "/"},
        {"name": "pantau: kab/kota", "persona": "operator", "path": f"/pantau/kabkota/{kab}/?tahun={tahun}"},
        {"name": "data desa: isian", "persona": "operator", "path": f"/data/{kab}/isi/"},
        {"name": "data desa: kelengkapan", "persona": "operator", "path": f"/data/{kab}/"},
        {"name": "pengukuran: putaran", "persona": "operator", "path": f"/pengukuran/putaran/{rnd}/"},
        {"name": "publik: indeks", "persona": "publik", "path": "/publik/"},
        {"name": "publik: kab/kota", "persona": "publik", "path": f"/publik/{kab}/"},
        {"name": "publik: putaran", "persona": "publik", "path": f"/publik/{kab}/{rnd}/"},
        {"name": "api: wilayah", "persona": "api", "path": f"/api/v1/wilayah/?parent={kab}"},
        {"name": "api: aksi", "persona": "api", "path": f"/api/v1/aksi/?tahun={tahun}"},
        {"name": "api: pengukuran", "persona": "api", "path": f"/api/v1/pengukuran/?kode={prov}"},
        {"name": "api: cakupan", "persona": "api", "path": f"/api/v1/cakupan/?kode={kab}&tahun={tahun}"},
        {"name": "api: angka", "persona": "api", "path": f"/api/v1/angka/?parent={prov}"},
    ]


# --- A plain HTTP client: log in, fetch a page as transferred, its static assets -------------------


class _Assets(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs) -> None:
        a = dict(attrs)
        if tag == "link" and {"stylesheet", "icon", "preload", "modulepreload"} & set(
            (a.get("rel") or "").split()
        ):
            self.urls.append(a.get("href") or "")
        elif tag in ("script", "img", "source") and a.get("src"):
            self.urls.append(a["src"])


class _Client:
    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(_NoRedirect, urllib.request.HTTPCookieProcessor(self.jar))
        self.headers: dict[str, str] = {}

    def get(self, path: str, *, encoding: str = "gzip, br") -> tuple[int, bytes, dict[str, str]]:
        req = urllib.request.Request(self.base + path, headers={"Accept-Encoding": encoding, **self.headers})
        try:
            with self.opener.open(req, timeout=120) as r:
                return r.status, r.read(), {k.lower(): v for k, v in r.headers.items()}
        except urllib.error.HTTPError as e:
            return e.code, e.read(), {k.lower(): v for k, v in e.headers.items()}

    def login(self, username: str, password: str) -> None:
        _status, body, headers = self.get("/masuk/", encoding="identity")
        token = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', body)
        data = urllib.parse.urlencode(
            {"username": username, "password": password, "csrfmiddlewaretoken": token.group(1).decode()}
        ).encode()
        req = urllib.request.Request(self.base + "/masuk/", data=data)
        try:
            status = self.opener.open(req, timeout=60).status
        except urllib.error.HTTPError as e:
            status = e.code
        if status != 302:
            raise SystemExit(f"login of {username} failed (HTTP {status})")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *_a, **_kw):
        return None


def _text(body: bytes, headers: dict[str, str]) -> str:
    if headers.get("content-encoding") == "gzip":
        body = gzip.decompress(body)
    elif headers.get("content-encoding") == "br":
        import brotli  # not in the app's environment; WhiteNoise serves brotli only when it is

        body = brotli.decompress(body)
    return body.decode("utf-8", "replace")


def _weight(client: _Client, path: str) -> dict:
    """Bytes of a first load: the page as transferred, and each static asset it (or a stylesheet it
    loads) references, once, as served with ``Accept-Encoding: gzip, br``."""
    status, body, headers = client.get(path)
    out = {"status": status, "html": len(body), "encoding": headers.get("content-encoding", ""), "assets": {}}
    if "html" not in headers.get("content-type", ""):
        return out
    parser = _Assets()
    parser.feed(_text(body, headers))
    todo = [urllib.parse.urljoin(path, u) for u in parser.urls if u and not u.startswith(("data:", "http"))]
    while todo:
        url = todo.pop(0).split("#")[0]
        if url in out["assets"]:
            continue
        status, body, headers = client.get(url)
        out["assets"][url] = {
            "status": status,
            "bytes": len(body),
            "encoding": headers.get("content-encoding", ""),
        }
        if url.split("?")[0].endswith(".css") and status == 200:
            for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", _text(body, headers)):
                if not ref.startswith(("data:", "http", "#")):
                    todo.append(urllib.parse.urljoin(url, ref))
    return out


# --- The server -------------------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _serve(env: dict[str, str], workers: int, port: int, log: Path) -> subprocess.Popen:
    cmd = [str(BIN / "gunicorn"), "konvergensi.wsgi:application", "--workers", str(workers),
           "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--error-logfile", str(log)]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, cwd=ROOT, start_new_session=True)
    for _ in range(300):
        try:
            http.client.HTTPConnection("127.0.0.1", port, timeout=5).request("GET", "/masuk/")
            return proc
        except OSError:
            if proc.poll() is not None:
                raise SystemExit(f"gunicorn stopped (see {log})") from None
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer on port {port} (see {log})")


def _cpu_per_page(pages: list[dict], names: dict[str, str], token: str, repeat: int = 7) -> dict[str, float]:
    """CPU time of one request of each page in this process (Django's test client, the same settings,
    warm caches), median of ``repeat``: what a page costs the app server whatever the machine's load."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.test import Client

    settings.ALLOWED_HOSTS = ["*"]
    out = {}
    for page in pages:
        client = Client(HTTP_ACCEPT_ENCODING="gzip, br")
        if page["persona"] in names:
            client.force_login(get_user_model().objects.get(username=names[page["persona"]]))
        elif page["persona"] == "api":
            client.defaults["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        client.get(page["path"])
        times = []
        for _ in range(repeat):
            started = time.process_time()
            client.get(page["path"])
            times.append(time.process_time() - started)
        out[page["name"]] = 1000 * statistics.median(times)
    return out


def _proc_cpu(pids: list[int]) -> float:
    """User + system CPU seconds of these processes (Linux /proc)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except (OSError, IndexError, ValueError):
            continue
    return total / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[int]:
    found = [pid]
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(stat.parent.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def _pct(values: list[float], q: float) -> float:
    """The q-th percentile (0–100) by linear interpolation between the closest ranks."""
    s = sorted(values)
    if not s:
        return float("nan")
    k = (len(s) - 1) * q / 100
    lo = int(k)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (k - lo)


def _import_figures(path: str | None) -> dict | None:
    """``import`` from ``bench/measurements.py --json`` (its ``summary``), or None."""
    if not path:
        return None
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if "import" in data:
        return data["import"]
    s = data["summary"]
    return {"rows": s["rows_in_file"], "seconds": round(s["median_total_s"], 2), "copy_seconds": round(s["copy_s"], 2),
            "ratio": round(s["ratio_to_copy"], 2), "peak_mb": round(s["peak_rss_mb"])}  # fmt: skip


def _zscore_figures(path: str | None, rows: int) -> dict | None:
    """``zscore`` from ``bench/growth.py --json``; or measured here by growth.py's own function
    (``ours``: the engine's default threads, median of 7 passes) over ``rows`` generated rows; or None."""
    if path:
        z = json.loads(Path(path).read_text(encoding="utf-8"))["zscore"]
    elif rows:
        sys.path.insert(0, str(ROOT / "bench"))
        import growth

        z = growth.ours(growth.generate(rows), repeat=7)[0]
        print(f"z-scores: {z['records_per_s']:,.0f} records/s over {rows:,} rows, {z['threads']} threads")
    else:
        return None
    return {"records_per_s": round(z["records_per_s"]), "threads": z["threads"]}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--spawn-rate", type=float, default=5.0, help="users started per second")
    ap.add_argument("--duration", default="3m", help="locust's --run-time (e.g. 90s, 3m, 10m)")
    ap.add_argument("--workers", type=int, default=3, help="gunicorn workers (docs/deployment.md: 3)")
    ap.add_argument("--fill", choices=["tiny", "small"], help="fill the database first (demo national)")
    ap.add_argument("--provinsi", action="append", help="with --fill: only this province (repeatable)")
    ap.add_argument("--import-json", help="bench/measurements.py --json output, for the 'import' figures")
    ap.add_argument("--zscore-json", help="bench/growth.py --json output, for the 'zscore' figures")
    ap.add_argument(
        "--zscore-rows",
        type=int,
        default=0,
        help="measure 'zscore' here, after the pages, over N rows (1000000)",
    )
    ap.add_argument("--out", default=str(RESULTS))
    args = ap.parse_args()

    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        print("DATABASE_URL must name a PostgreSQL database filled by `konvergensi demo national`.")
        return 2
    if not LOCUST.exists():
        print(f"{LOCUST} is missing: `make bench-national` installs it from bench/locust.lock.")
        return 2
    env = _env(args)
    os.environ.update({k: env[k] for k in ("KONVERGENSI_VAR_DIR", "KONVERGENSI_SECRET_KEY", "KONVERGENSI_DEBUG",
                                          "KONVERGENSI_DEMO", "DJANGO_SETTINGS_MODULE")})  # fmt: skip
    os.environ.pop("KONVERGENSI_TESTING", None)
    if args.fill:
        _fill(args, env)
    import django

    django.setup()
    t = _target()
    if not t:
        print(
            "The database holds no published measurement round: fill it first with "
            "`konvergensi demo national --scale small` (or this script's --fill small --provinsi NN)."
        )
        return 2
    print(f"data set: {t['districts']} districts with published rounds, {t['desa']:,} desa, "
          f"{t['children']:,} children; the district: {t['kab']} {t['kab_nama']} ({t['kab_desa']} desa), "
          f"province {t['prov']}, round {t['round']}, year {t['tahun']}", flush=True)  # fmt: skip
    names, password, token = _accounts(t)
    from django.db import connection, connections

    # Fresh planner statistics: right after a fill autovacuum may not have analysed the bulk-loaded
    # tables yet, and stale estimates turn 5 ms queries into 500 ms ones (the API's coverage list).
    started = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    print(f"ANALYZE: {time.perf_counter() - started:.1f} s", flush=True)

    connections.close_all()
    subprocess.run(
        [str(BIN / "konvergensi"), "manage", "collectstatic", "--noinput", "-v0"], env=env, check=True
    )

    pages = _pages(t)
    work = Path(tempfile.mkdtemp(prefix="konvergensi-national-"))
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    server = _serve(env, args.workers, port, work / "gunicorn.log")
    try:
        clients: dict[str, _Client] = {}
        for persona in PERSONAS:
            c = clients[persona] = _Client(base)
            if persona in names:
                c.login(names[persona], password)
            elif persona == "api":
                c.headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        print("first visits (warming the caches; not counted):", flush=True)
        for page in pages:
            started = time.perf_counter()
            status, _body, _h = clients[page["persona"]].get(page["path"])
            print(
                f"  {page['name']:<24} {page['path']:<48} HTTP {status} {1000 * (time.perf_counter() - started):8.0f} ms"
            )
        weights = {}
        for page in pages:
            w = weights[page["name"]] = _weight(clients[page["persona"]], page["path"])
            w["bytes"] = w["html"] + sum(a["bytes"] for a in w["assets"].values())
            w["plain"] = len(clients[page["persona"]].get(page["path"], encoding="identity")[1])
        plan = {"seed": SEED, "pages": pages, "personas": PERSONAS, "password": password, "token": token,
                "accounts": {p: names[p] for p in names}, "samples": str(work / "samples.json")}  # fmt: skip
        (work / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
        workers = _children(server.pid)
        cpu_server = _proc_cpu(workers)
        cpu_locust = os.times().children_user + os.times().children_system
        load_before = os.getloadavg()
        cmd = [str(LOCUST), "-f", str(LOCUSTFILE), "--headless", "--users", str(args.users),
               "--spawn-rate", str(args.spawn_rate), "--run-time", args.duration, "--host", base,
               "--only-summary", "--csv", str(work / "locust"), "--loglevel", "WARNING"]  # fmt: skip
        print(
            f"$ locust … --users {args.users} --spawn-rate {args.spawn_rate} --run-time {args.duration}",
            flush=True,
        )
        started = time.time()
        lenv = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_URL", "KONVERGENSI_"))}
        subprocess.run(cmd, env={**lenv, "KONVERGENSI_BENCH_PLAN": str(work / "plan.json")}, check=False)
        seconds = time.time() - started
        load_after = os.getloadavg()
        cpu_server = _proc_cpu(workers) - cpu_server
        cpu_locust = os.times().children_user + os.times().children_system - cpu_locust
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=60)

    cpu_pages = _cpu_per_page(pages, names, token)
    recorded = json.loads((work / "samples.json").read_text(encoding="utf-8"))
    samples, ramp_up = recorded["steady"], recorded["ramp_up"]
    steady = recorded["seconds"]
    out_pages = []
    total = 0
    for page in pages:
        ms = [s[1] for s in samples if s[0] == page["name"]]
        errors = sum(s[3] for s in samples if s[0] == page["name"])
        total += len(ms)
        out_pages.append({
            "name": page["name"], "path": page["path"],
            "p50_ms": round(_pct(ms, 50), 1), "p95_ms": round(_pct(ms, 95), 1), "p99_ms": round(_pct(ms, 99), 1),
            "errors": errors, "bytes": weights[page["name"]]["bytes"],
            "requests": len(ms), "html_bytes": weights[page["name"]]["html"],
            "html_uncompressed_bytes": weights[page["name"]]["plain"],
            "assets": len(weights[page["name"]]["assets"]),
            "cpu_ms_one_request": round(cpu_pages[page["name"]], 1),
        })  # fmt: skip
    logins = [s for s in ramp_up + samples if s[0] in ("login", "login form")]
    result = {
        "database": "postgresql",
        "children": t["children"],
        "desa": t["desa"],
        "users": args.users,
        "pages": out_pages,
        "import": _import_figures(args.import_json),
        "zscore": _zscore_figures(args.zscore_json, args.zscore_rows),
        "run": {
            "districts": t["districts"],
            "district": f"{t['kab']} {t['kab_nama']}",
            "district_desa": t["kab_desa"],
            "gunicorn_workers": args.workers,
            "duration_s": round(seconds, 1),
            "requests": total,
            "measured_s": round(steady, 1),
            "requests_per_s": round(total / steady, 1) if steady else None,
            "login_errors": sum(s[3] for s in logins),
            "gunicorn_cpu_s": round(cpu_server, 1),
            "gunicorn_cpu_ms_per_request": round(1000 * cpu_server / max(1, total + len(ramp_up)), 1),
            "locust_cpu_s": round(cpu_locust, 1),
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in load_after],
            "cpus": os.cpu_count(),
            "median_ms_all_pages": round(
                statistics.median([s[1] for s in samples if s not in logins] or [0]), 1
            ),
        },
    }
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    Path(args.out).write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\n{total:,} requests in {steady:.0f} s after the ramp-up ({total / steady:.1f}/s), {args.users} users, "
          f"{args.workers} gunicorn workers; load average {load_before[0]:.1f} → {load_after[0]:.1f}")  # fmt: skip
    print(f"gunicorn CPU {cpu_server:.0f} s ({result['run']['gunicorn_cpu_ms_per_request']} ms a request), "
          f"locust CPU {cpu_locust:.0f} s")  # fmt: skip
    print(
        f"{'page':<24} {'n':>5} {'p50':>7} {'p95':>7} {'p99':>7} {'err':>4} {'KB':>7} {'cpu':>5}  html KB (plain)"
    )
    for p in out_pages:
        flag = "  ← p95 ≥ 200 ms" if p["p95_ms"] >= 200 else ""
        print(f"{p['name']:<24} {p['requests']:>5} {p['p50_ms']:>7.1f} {p['p95_ms']:>7.1f} {p['p99_ms']:>7.1f} "
              f"{p['errors']:>4} {p['bytes'] / 1024:>7.1f} {p['cpu_ms_one_request']:>5.0f}  {p['html_bytes'] / 1024:.1f} "
              f"({p['html_uncompressed_bytes'] / 1024:.1f}){flag}")  # fmt: skip
    print(f"written: {args.out}")
    for key, how in (("import", "--import-json"), ("zscore", "--zscore-json or --zscore-rows")):
        if result[key] is None:
            print(f"{key}: null (not measured; give {how}).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
