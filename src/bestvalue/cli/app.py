"""The ``bestvalue`` command: one thin function per command over the library."""

from __future__ import annotations

import typer

from bestvalue.cli import classify, contracts, insight, report, suppliers, web
from bestvalue.cli.demo import demo
from bestvalue.cli.ingest import ingest
from bestvalue.cli.update import update

app = typer.Typer(
    name="bestvalue",
    help="Evidence of value for money in UK councils' IT and digital spend.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
app.command()(ingest)
app.command()(update)
app.command()(demo)
for module in (suppliers, classify, contracts, insight, web, report):
    module.register(app)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
