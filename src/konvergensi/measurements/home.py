"""The measurements' panel of the home page (registered in ``MeasurementsConfig.ready()``)."""

from __future__ import annotations

from konvergensi.accounts.home import HomeRequest

from . import selectors


def home_context(asked: HomeRequest) -> dict:
    """For a reader in a district: the newest round with data or published (never an empty draft
    just created), and for importing the newest draft (else the newest round: a published one still
    takes imports)."""
    if asked.kabkota is None:
        return {}
    kabkota = asked.kabkota.kode
    rounds = selectors.rounds_for(scope=asked.scope, kabkota=kabkota)
    return {
        "latest_round": selectors.round_for_home(scope=asked.scope, kabkota=kabkota),
        "import_round": rounds.filter(status="draf").first() or rounds.first(),
    }
