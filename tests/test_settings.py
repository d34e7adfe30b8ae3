import pytest

from konvergensi import settings as s


def test_env_bool_reads_yes_and_no_in_both_languages(monkeypatch):
    for value, expected in [
        ("1", True),
        ("true", True),
        ("ya", True),
        ("0", False),
        ("tidak", False),
        ("off", False),
    ]:
        monkeypatch.setenv("X_FLAG", value)
        assert s.env_bool("X_FLAG") is expected
    monkeypatch.setenv("X_FLAG", "")
    assert s.env_bool("X_FLAG", True) is True
    monkeypatch.setenv("X_FLAG", "mungkin")
    with pytest.raises(ValueError, match="X_FLAG"):
        s.env_bool("X_FLAG")


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("X_INT", "42")
    assert s.env_int("X_INT", 1) == 42
    monkeypatch.setenv("X_INT", "empat")
    with pytest.raises(ValueError, match="bilangan bulat"):
        s.env_int("X_INT", 1)
    monkeypatch.setenv("X_LIST", " a.go.id, ,b.go.id ")
    assert s.env_list("X_LIST") == ["a.go.id", "b.go.id"]


def test_database_url_chooses_postgresql(monkeypatch):
    import dj_database_url

    cfg = dj_database_url.parse("postgres://konvergensi:rahasia@db.local:5432/konvergensi")
    assert cfg["ENGINE"] == "django.db.backends.postgresql" and cfg["NAME"] == "konvergensi"


def test_default_database_is_embedded_sqlite_in_var(monkeypatch, tmp_path):
    import importlib

    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("KONVERGENSI_VAR_DIR", str(tmp_path))
    try:
        reloaded = importlib.reload(s)
        db = reloaded.DATABASES["default"]
        assert db["ENGINE"] == "django.db.backends.sqlite3" and str(db["NAME"]).startswith(str(tmp_path))
        assert "journal_mode=WAL" in db["OPTIONS"]["init_command"]
    finally:
        monkeypatch.undo()
        importlib.reload(s)
