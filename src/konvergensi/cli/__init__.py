"""`konvergensi`: the command line. Pure commands run without Django; the others start it lazily.

One module per command group: ``kode`` and ``zscore`` (no database), ``ansit`` (no database),
``wilayah``, ``demo``, ``indicators``, ``data``, ``measurements``, ``report`` (documents) and
``serve`` (worker, serve, manage); what they share (the root command, the start of Django, the refusals) in ``common``. No
module here imports Django at import time: the commands that need it call ``setup_django()``.
The console script ``konvergensi`` runs ``app``.
"""

from __future__ import annotations

import typer

from konvergensi.cli.adapters import adapters_app
from konvergensi.cli.ansit import ansit_app
from konvergensi.cli.api import api_app
from konvergensi.cli.assessment import assessment_app
from konvergensi.cli.backup import backup, restore
from konvergensi.cli.budget import budget_app
from konvergensi.cli.common import RootApp
from konvergensi.cli.data import data_app
from konvergensi.cli.demo import demo_app
from konvergensi.cli.export import export_app
from konvergensi.cli.indicators import indicators_app
from konvergensi.cli.kode import kode
from konvergensi.cli.measurements import measurements_app
from konvergensi.cli.picture import picture_app
from konvergensi.cli.plan import plan_app
from konvergensi.cli.report import report
from konvergensi.cli.serve import manage, serve, worker
from konvergensi.cli.wilayah import wilayah_app
from konvergensi.cli.zscore import zscore

__all__ = ["app", "main"]

app = RootApp(help="Konvergensi — 8 Aksi Konvergensi percepatan penurunan stunting.", no_args_is_help=True)

# The order of registration is the order of `konvergensi --help` and of docs/cli.md.
PASS_THROUGH = {"allow_extra_args": True, "ignore_unknown_options": True}


@app.command()
def version() -> None:
    """Print the version."""
    from importlib.metadata import version as v

    typer.echo(v("konvergensi"))


app.command()(kode)
app.command()(zscore)
app.command(context_settings=PASS_THROUGH)(worker)
app.command()(serve)
app.command(context_settings=PASS_THROUGH)(manage)
app.add_typer(wilayah_app, name="wilayah")
app.add_typer(demo_app, name="demo")
app.add_typer(indicators_app, name="indicators")
app.add_typer(data_app, name="data")
app.add_typer(ansit_app, name="ansit")
app.add_typer(measurements_app, name="measurements")
app.add_typer(plan_app, name="plan")
app.add_typer(budget_app, name="budget")
app.add_typer(picture_app, name="picture")
app.add_typer(assessment_app, name="assessment")
app.add_typer(api_app, name="api")
app.command()(report)
app.command()(backup)
app.command()(restore)
app.add_typer(export_app, name="export")
app.add_typer(adapters_app, name="adapters")


def main() -> None:
    """The console script: run the command line (``python -m konvergensi`` does the same)."""
    app(prog_name="konvergensi")
