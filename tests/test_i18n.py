"""The English translation stays complete: every Indonesian msgid is in the en catalogue, translated.

The msgids are the Indonesian texts of the templates and Python sources of the konvergensi
package. ``make messages-update`` refreshes ``locale/en/LC_MESSAGES/django.po`` from them; these
tests fail when a string was added or changed without refreshing and translating the catalogue,
when an entry is empty or fuzzy, or when switching the language no longer changes the page.
"""

from __future__ import annotations

import ast
import hashlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import konvergensi

PACKAGE_DIR = Path(konvergensi.__file__).resolve().parent
PO_PATH = PACKAGE_DIR / "locale" / "en" / "LC_MESSAGES" / "django.po"
# The same command as `make messages-update`, minus the settings (see _makemessages).
MAKEMESSAGES_ARGS = ["makemessages", "-l", "en", "--no-obsolete", "--no-location", "-i", "data/*"]
LOGIN_HEADING = "Masuk ke Konvergensi"

_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


def parse_po(text: str) -> list[dict]:
    """A small stdlib reader of a .po file: one dict per entry with its fields and flags.

    Obsolete entries (``#~``) are skipped; they must not exist with ``--no-obsolete`` anyway.
    """
    entries: list[dict] = []
    current: dict | None = None
    field = None
    for lineno, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            if current is not None:
                entries.append(current)
            current, field = None, None
            continue
        if current is None:
            current = {"flags": set(), "fields": {}, "line": lineno}
        if line.startswith("#,"):
            current["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif match := _FIELD.match(line):
            field = match.group(1)
            current["fields"][field] = ast.literal_eval(match.group(2))
        elif line.startswith('"') and field is not None:
            current["fields"][field] += ast.literal_eval(line)
        else:
            raise AssertionError(f"{PO_PATH.name}:{lineno}: unreadable line {line!r}")
    if current is not None:
        entries.append(current)
    return [e for e in entries if e["fields"]]


def msgid_keys(entries: list[dict]) -> set[tuple[str, str, str]]:
    """(context, msgid, plural msgid) of every message, without the header."""
    return {
        (e["fields"].get("msgctxt", ""), e["fields"]["msgid"], e["fields"].get("msgid_plural", ""))
        for e in entries
        if e["fields"].get("msgid")
    }


def _msgfmt() -> str:
    path = shutil.which("msgfmt")
    if path is None:
        pytest.fail("msgfmt (GNU gettext) is required for the translation tests: apt-get install gettext")
    return path


@pytest.fixture(scope="module")
def committed() -> list[dict]:
    assert PO_PATH.is_file(), f"{PO_PATH} is missing; run `make messages-update` and translate it"
    return parse_po(PO_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def compiled_locale(tmp_path_factory) -> Path:
    """The committed .po compiled afresh, so the tests never read a stale, git-ignored .mo."""
    locale = tmp_path_factory.mktemp("locale")
    mo = locale / "en" / "LC_MESSAGES" / "django.mo"
    mo.parent.mkdir(parents=True)
    subprocess.run([_msgfmt(), "--check", "-o", str(mo), str(PO_PATH)], check=True, timeout=60)
    return locale


def test_en_catalogue_header_declares_english_utf8_and_two_plural_forms(committed):
    header = next(e for e in committed if e["fields"]["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    lines = set(header["fields"]["msgstr"].splitlines())
    assert "Language: en" in lines
    assert "Content-Type: text/plain; charset=UTF-8" in lines
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in lines


def test_msgfmt_finds_every_entry_translated_and_none_fuzzy():
    result = subprocess.run(
        [_msgfmt(), "--check", "--statistics", "-o", os.devnull, str(PO_PATH)],
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LC_ALL": "C", "LANGUAGE": ""},
    )
    assert result.returncode == 0, result.stderr
    # All good reads "241 translated messages."; otherwise ", 2 fuzzy translations, 1 untranslated message."
    assert re.fullmatch(r"\d+ translated messages?\.", result.stderr.strip()), result.stderr


def test_every_entry_has_a_translation_keeping_its_placeholders(committed):
    problems = []
    messages = [e for e in committed if e["fields"]["msgid"]]
    assert len(messages) > 100  # the catalogue was not emptied
    for entry in messages:
        fields = entry["fields"]
        where = f"{PO_PATH.name}:{entry['line']} {fields['msgid']!r}"
        if "fuzzy" in entry["flags"]:
            problems.append(f"{where}: fuzzy")
        if "msgid_plural" in fields:
            translations = [fields.get("msgstr[0]", ""), fields.get("msgstr[1]", "")]
        else:
            translations = [fields.get("msgstr", "")]
        if not all(t.strip() for t in translations):
            problems.append(f"{where}: not translated")
            continue
        if "python-format" in entry["flags"]:
            wanted = set(re.findall(r"%\(\w+\)[sd]", fields["msgid"] + fields.get("msgid_plural", "")))
            for t in translations:
                if set(re.findall(r"%\(\w+\)[sd]", t)) != wanted:
                    problems.append(f"{where}: placeholders {sorted(wanted)} changed in {t!r}")
    assert not problems, "\n".join(problems)


def _makemessages(workdir: Path) -> Path:
    """Run makemessages in ``workdir`` without settings, so it writes only to ``workdir/locale``.

    With the settings module it would write to settings.LOCALE_PATHS, i.e. the committed file.
    The command scans the same files either way (STATIC_ROOT and MEDIA_ROOT lie outside the package).
    """
    (workdir / "locale").mkdir(exist_ok=True)
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    env.update(LC_ALL="C.UTF-8", PYTHONDONTWRITEBYTECODE="1")
    result = subprocess.run(
        [sys.executable, "-m", "django", *MAKEMESSAGES_ARGS],
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return workdir / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.mark.slow
def test_catalogue_holds_exactly_the_msgids_of_the_current_source(committed, tmp_path):
    before = hashlib.sha256(PO_PATH.read_bytes()).hexdigest()
    copy = tmp_path / "konvergensi"
    shutil.copytree(
        PACKAGE_DIR,
        copy,
        ignore=shutil.ignore_patterns("data", "locale", "__pycache__", "*.pyc", "*.mo"),
    )
    fresh = parse_po(_makemessages(copy).read_text(encoding="utf-8"))
    assert hashlib.sha256(PO_PATH.read_bytes()).hexdigest() == before, "the committed .po was touched"

    in_source, in_catalogue = msgid_keys(fresh), msgid_keys(committed)
    assert len(in_source) > 100, "makemessages found (almost) no strings; is it scanning the package?"
    new = sorted(in_source - in_catalogue)
    gone = sorted(in_catalogue - in_source)
    assert not new and not gone, (
        "The en catalogue is out of date: run `make messages-update`, translate, `make messages`.\n"
        f"Not yet in the catalogue ({len(new)}): {new}\nNo longer in the source ({len(gone)}): {gone}"
    )


@pytest.mark.django_db
def test_language_switch_turns_the_login_page_into_english(client, settings, compiled_locale, committed):
    english = next(e["fields"]["msgstr"] for e in committed if e["fields"]["msgid"] == LOGIN_HEADING)
    assert english and english != LOGIN_HEADING
    settings.LOCALE_PATHS = [compiled_locale]  # resets Django's translation caches

    response = client.get("/masuk/")
    assert response.status_code == 200
    html = response.content.decode()
    assert LOGIN_HEADING in html
    assert english not in html

    response = client.post("/i18n/setlang/", {"language": "en", "next": "/masuk/"}, follow=True)
    assert response.redirect_chain and response.redirect_chain[-1][0] == "/masuk/"
    assert response.status_code == 200
    html = response.content.decode()
    assert english in html
    assert LOGIN_HEADING not in html
    assert '<html lang="en">' in html


def test_translatable_text_is_marked_with_names_makemessages_knows():
    """``gettext_lazy as _lazy`` hid the indicator labels from makemessages: English pages showed
    Indonesian. Only ``_`` may be an alias (makemessages knows it); every other name is the real one."""
    import re
    from pathlib import Path

    import konvergensi

    alias = re.compile(r"import\s+(?:\w+\s+as\s+\w+\s*,\s*)*(n?p?gettext\w*)\s+as\s+(\w+)")
    offenders = []
    for path in Path(konvergensi.__file__).parent.rglob("*.py"):
        for func, name in alias.findall(path.read_text(encoding="utf-8")):
            if name != "_":
                offenders.append(f"{path.name}: {func} as {name}")
    assert offenders == []
