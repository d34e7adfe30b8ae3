"""The file cache of a single server (``KONVERGENSI_CACHE=file``, the default).

Django's ``FileBasedCache`` lists every file of the cache on **every** ``set`` to decide whether to
cull. With the national data set the cache holds ~11,000 files (the publications' figures in two
languages, the warmed panels, the completeness counts), and that listing cost ~40 ms of CPU on every
request that sets anything — the API's throttle sets on each call (bench/README.md, "The whole
country at small"). This cache culls at most once a minute per process: between two culls it may
exceed ``MAX_ENTRIES`` by what one minute adds, and is brought back at the next.
"""

from __future__ import annotations

import time

from django.core.cache.backends.filebased import FileBasedCache

CULL_EVERY_SECONDS = 60.0


class FileCache(FileBasedCache):
    _last_cull: float | None = None

    def _cull(self) -> None:
        now = time.monotonic()
        if self._last_cull is not None and now - self._last_cull < CULL_EVERY_SECONDS:
            return
        self._last_cull = now
        super()._cull()
