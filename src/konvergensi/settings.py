"""Konvergensi settings: one file, every knob an environment variable (see docs/configuration.md)."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from konvergensi import local_config

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env_str(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in ("1", "true", "yes", "on", "ya"):
        return True
    if value.lower() in ("0", "false", "no", "off", "tidak"):
        return False
    raise ValueError(f"{name} harus true/false, bukan {value!r}")


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError as exc:
        raise ValueError(f"{name} harus bilangan bulat, bukan {value!r}") from exc


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env_str(name, default).split(",") if item.strip()]


TESTING = env_bool("KONVERGENSI_TESTING", False) or "pytest" in sys.modules
DEBUG = env_bool("KONVERGENSI_DEBUG", False)
DEMO_MODE = env_bool("KONVERGENSI_DEMO", False)
# The secret key (docs/configuration.md): KONVERGENSI_SECRET_KEY; else, on the embedded SQLite
# database only, the local key that `konvergensi manage migrate` (`make db`) generates in
# <var>/secret_key; else a built-in key in debug, demo or test mode. Tests never read the local key.
# Otherwise (e.g. on PostgreSQL) the app refuses to start.
SECRET_KEY = env_str("KONVERGENSI_SECRET_KEY")
if not SECRET_KEY and not TESTING and local_config.embedded_database():
    try:
        SECRET_KEY = local_config.read_secret_key(local_config.var_dir())
    except local_config.LocalKeyError as exc:
        raise ImproperlyConfigured(str(exc)) from exc
if not SECRET_KEY:
    if DEBUG or DEMO_MODE or TESTING:
        SECRET_KEY = "insecure-development-key-never-use-in-production"  # noqa: S105
    elif local_config.embedded_database():
        raise ImproperlyConfigured(
            "KONVERGENSI_SECRET_KEY belum diisi. Isi variabel lingkungan ini, atau buat kunci lokal "
            f"{local_config.var_dir() / local_config.KEY_FILE} dengan `make db` atau "
            "`konvergensi manage migrate` (lihat docs/configuration.md)."
        )
    else:
        raise ImproperlyConfigured(
            "KONVERGENSI_SECRET_KEY belum diisi. Di produksi variabel lingkungan ini wajib "
            "(lihat docs/configuration.md)."
        )

# Children's NIK are never stored: only an HMAC-SHA256 under this key, to recognise a child across
# imports and rounds. Keep it apart from SECRET_KEY (rotating that must not break the matching) and
# never change it once children are stored. Without it, one is derived from SECRET_KEY.
KONVERGENSI_NIK_KEY = (
    env_str("KONVERGENSI_NIK_KEY") or hashlib.sha256(f"nik:{SECRET_KEY}".encode()).hexdigest()
)

VAR_DIR = Path(env_str("KONVERGENSI_VAR_DIR", str(PROJECT_DIR / "var")))
ALLOWED_HOSTS = env_list("KONVERGENSI_ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("KONVERGENSI_CSRF_TRUSTED_ORIGINS")

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'konvergensi.sqlite3'}"),
        conn_max_age=env_int("KONVERGENSI_DB_CONN_MAX_AGE", 60),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    if not os.environ.get("DATABASE_URL"):
        VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded database's folder, on first run
    # WAL lets the web process read while the task worker writes.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_htmx",
    "django_tasks_db",
    "konvergensi.wilayah",
    "konvergensi.accounts",
    "konvergensi.aksi",
    "konvergensi.jobs",
    "konvergensi.imports",
    "konvergensi.reports",
    "konvergensi.indicators",
    "konvergensi.measurements",
    "konvergensi.publication",
    "konvergensi.ansit",
    "konvergensi.plans",
    "konvergensi.budget",
    "konvergensi.regulations",
    "konvergensi.rembuk",
    "konvergensi.datasystem",
    "konvergensi.reviews",
    "konvergensi.kpm",
    "konvergensi.knowledge",
    "konvergensi.assessment",
    "konvergensi.picture",
    "konvergensi.api",
    "ninja",  # the API docs page uses the assets bundled in the wheel, not a CDN
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "konvergensi.accounts.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise (static files are served compressed already and never reach it), before every
    # middleware that writes the body: HTML, CSV and SVG gzip-compressed when asked for
    # (konvergensi/compression.py, with why BREACH does not apply).
    "konvergensi.compression.TextGZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "konvergensi.accounts.middleware.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "konvergensi.accounts.middleware.ScopeMiddleware",
    # After the scope: times in the zone of the region a page is about, or of the user's region.
    "konvergensi.accounts.middleware.RegionTimeZoneMiddleware",
    # After the scope: until the second factor is given (or, when required, enrolled) only the
    # second-factor pages and logout answer.
    "konvergensi.accounts.middleware.TwoFactorMiddleware",
    # Then a password an administrator reset must be replaced by its owner's own.
    "konvergensi.accounts.password_required.PasswordChangeRequiredMiddleware",
    # Last, so it sees the result of authentication (django-axes requirement).
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "konvergensi.urls"
WSGI_APPLICATION = "konvergensi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "konvergensi.accounts.context_processors.scope",
            ],
        },
    }
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Indonesian first; English through Django i18n.
LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("KONVERGENSI_TIME_ZONE", "Asia/Jakarta")
USE_I18N = True
USE_TZ = True
# One date format, named (DATE_FORMAT, DATETIME_FORMAT), per language: konvergensi/formats/.
FORMAT_MODULE_PATH = "konvergensi.formats"

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# Front-end packages are fetched from the npm registry by `make assets` into this git-ignored
# folder (see frontend/package.json and its lock file); never committed, never from a CDN.
STATICFILES_DIRS = [BASE_DIR / "static", ("vendor", PROJECT_DIR / "frontend" / "vendor")]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG or TESTING
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = DEBUG or DEMO_MODE

# Uploaded evidence is private: stored outside any URL, served only through scoped views.
MEDIA_ROOT = Path(env_str("KONVERGENSI_MEDIA_ROOT", str(VAR_DIR / "media")))

# Figures computed from every child of a round (analyses, the data-quality panel, the public page)
# are kept until the round's data change. On disk, so the web processes and the worker share them
# (the worker warms them after an import); in memory under test.
# KONVERGENSI_CACHE=database keeps them in a table of the database instead (created by `migrate`), so
# that several app servers behind a load balancer and the worker on another machine share one cache
# (the API throttle, the worker's heartbeat, the warmed panels); sessions are in the database anyway
# (docs/scale.md, "Several app servers").
CACHE_KIND = env_str("KONVERGENSI_CACHE", "file")
if CACHE_KIND not in ("file", "database"):
    raise ImproperlyConfigured(f"KONVERGENSI_CACHE harus file atau database, bukan {CACHE_KIND!r}")
CACHE_TABLE = "konvergensi_cache"
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
        if TESTING and CACHE_KIND != "database"
        else {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 200000},
        }
        if CACHE_KIND == "database"
        else {
            "BACKEND": "konvergensi.filecache.FileCache",  # culls once a minute, not on every set
            "LOCATION": str(VAR_DIR / "cache"),
            "OPTIONS": {"MAX_ENTRIES": 20000},  # a commit warms ~230 panel entries per district
        }
    )
}
EVIDENCE_MAX_MB = env_int("KONVERGENSI_EVIDENCE_MAX_MB", 20)
# Uploaded import files (personal data) not committed within this many days are deleted; a
# district may keep at most this many MB of such files at once (issue 12).
KONVERGENSI_STAGED_DAYS = env_int("KONVERGENSI_STAGED_DAYS", 7)
KONVERGENSI_STAGED_MB_PER_KABKOTA = env_int("KONVERGENSI_STAGED_MB_PER_KABKOTA", 1000)
# Aksi 6: a village figure is on time when first entered within this many days after its period ends.
KONVERGENSI_DATA_TEPAT_WAKTU_HARI = env_int("KONVERGENSI_DATA_TEPAT_WAKTU_HARI", 30)
# Aksi 5: a lokus desa whose latest Skor Konvergensi Desa is below this (0–100) is flagged to the district.
KONVERGENSI_SKOR_DESA_RENDAH = env_int("KONVERGENSI_SKOR_DESA_RENDAH", 60)
# REST API (/api/v1/): requests per personal token, "N/s", "N/min", "N/h" or "N/day" (docs/api.md).
KONVERGENSI_API_RATE = os.environ.get("KONVERGENSI_API_RATE", "600/min")
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_PERMISSIONS = 0o640

# Security. Behind a TLS-terminating proxy set KONVERGENSI_HTTPS=true.
HTTPS = env_bool("KONVERGENSI_HTTPS", False)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_SSL_REDIRECT = HTTPS and env_bool("KONVERGENSI_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env_int("KONVERGENSI_SESSION_HOURS", 12) * 3600
CSRF_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "connect-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Brute-force protection (django-axes): lock a username+address pair after 5 failures for 30 min.
AXES_FAILURE_LIMIT = env_int("KONVERGENSI_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = env_int("KONVERGENSI_LOGIN_COOLOFF_MINUTES", 30) / 60
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("KONVERGENSI_PROXY_COUNT", 0) or None
AXES_VERBOSE = False

# Two-factor login (TOTP, django-otp; see docs/two-factor.md). Optional for everyone; with
# KONVERGENSI_REQUIRE_2FA=true province and national accounts and everyone who creates accounts
# (the district operator) must enrol before using any other page.
KONVERGENSI_REQUIRE_2FA = env_bool("KONVERGENSI_REQUIRE_2FA", False)
OTP_TOTP_ISSUER = "Konvergensi"

# Background work: the django.tasks API with the database backend; `konvergensi worker` runs it.
TASKS = {
    "default": {
        "BACKEND": env_str("KONVERGENSI_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("KONVERGENSI_LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        "django.request": {"level": "ERROR"},
        # Third-party chatter (a PDF logs every layout step and font subset): warnings and errors only.
        **{name: {"level": "WARNING"} for name in ("weasyprint", "fontTools", "matplotlib", "PIL", "pypdf")},
    },
}

if TESTING:
    # Hashing 1,000,000 PBKDF2 rounds per test user would dominate the suite's run time.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
