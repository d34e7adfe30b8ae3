"""The file cache culls at most once a minute (Django's lists every file on every set)."""

from __future__ import annotations

from konvergensi import filecache


def test_the_file_cache_culls_once_a_minute_not_on_every_set(tmp_path, monkeypatch):
    clock = [1000.0]
    monkeypatch.setattr(filecache.time, "monotonic", lambda: clock[0])
    cache = filecache.FileCache(str(tmp_path), {"OPTIONS": {"MAX_ENTRIES": 10, "CULL_FREQUENCY": 2}})
    listed = []
    real = cache._list_cache_files
    monkeypatch.setattr(cache, "_list_cache_files", lambda: listed.append(1) or real())

    for i in range(30):  # the first set culls (nothing to cull yet); the next 29 within the minute do not
        cache.set(f"k{i}", i)
    assert len(listed) == 1
    assert len(list(tmp_path.glob("*.djcache"))) == 30  # over MAX_ENTRIES for now

    clock[0] += filecache.CULL_EVERY_SECONDS  # a minute later the next set culls: half of the files go
    cache.set("late", 1)
    assert len(listed) == 2
    assert len(list(tmp_path.glob("*.djcache"))) <= 16
    assert cache.get("late") == 1
