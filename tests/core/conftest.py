"""The core's tests run without Django (issue 12 §3).

In the whole suite pytest-django has set Django up before this file is read, and nothing here
changes. Run on their own without it (`make test-core`: ``pytest -p no:django --confcutdir=tests/core
tests/core``), Django has not been imported, and from then on neither Django nor the app can be: a
core test, or a core module that imports either (even lazily, inside a function), fails with
:class:`ImportError` instead of passing with the app quietly loaded.
"""

from __future__ import annotations

import sys
from importlib.abc import MetaPathFinder

FORBIDDEN = ("django", "konvergensi")  # konvergensi_core is another top-level name, not refused


class RefuseApp(MetaPathFinder):
    """An import hook that refuses Django and the app (``konvergensi``, not ``konvergensi_core``)."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname.split(".", 1)[0] in FORBIDDEN:
            raise ModuleNotFoundError(
                f"{fullname}: the core's tests run without Django and the app (tests/core/conftest.py)",
                name=fullname,
            )
        return None


def pytest_configure(config) -> None:
    if "django" in sys.modules:  # the whole suite: pytest-django is on, Django is there for the app
        return
    if not any(isinstance(finder, RefuseApp) for finder in sys.meta_path):
        sys.meta_path.insert(0, RefuseApp())
