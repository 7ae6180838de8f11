"""The ``netplan`` command.

Each capability registers its commands in a module of this package; :func:`main` runs the
app and turns bad input into exit code 2 with one ``FILE: FIELD: message`` line per problem
and no traceback.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import typer
from rich.console import Console

from netplan.errors import InputError

__all__ = ["app", "main", "make_console"]

app = typer.Typer(
    name="netplan",
    help="Network and home-connectivity planning for 1:1 school device programmes.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def _root() -> None:
    """Network and home-connectivity planning for 1:1 school device programmes."""
    # A callback keeps ``netplan`` a command group even when a call imports one command.


def make_console(*, stderr: bool = False) -> Console:
    """A console for command output: the terminal's width, or 120 columns when piped."""
    stream = sys.stderr if stderr else sys.stdout
    width = None if stream.isatty() else 120
    return Console(stderr=stderr, highlight=False, width=width)


err_console = Console(stderr=True, highlight=False, soft_wrap=True)


#: The module that defines each command; only the one a call needs is imported, so a quick
#: command (``netplan wifi capacity``) does not pay for geopandas or pandas.
COMMAND_MODULES: dict[str, str] = {
    "check": "survey_cmds",
    "schema": "survey_cmds",
    "demo": "survey_cmds",
    "wifi": "wifi",
    "simulate": "simulate",
    "compare": "scenarios",
    "batch": "scenarios",
    "runway": "scenarios",
    "equity": "equity",
    "import-ekahau": "ekahau",
}


def _register(args: Sequence[str] = ()) -> None:
    """Import the command modules (for their side effect of adding commands to ``app``).

    Parameters
    ----------
    args
        The command line; when its first word names a command, only that command's module
        is imported. Otherwise (help, an unknown word) every module is.
    """
    first = next((a for a in args if not a.startswith("-")), None)
    wanted = {COMMAND_MODULES[first]} if first in COMMAND_MODULES else set(COMMAND_MODULES.values())
    for module in sorted(wanted):
        importlib.import_module(f"netplan.cli.{module}")


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line and exit with its code.

    Exit codes: 0 ok, 1 a gate or threshold failed, 2 bad input or usage.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    _register(args)
    command = typer.main.get_command(app)
    try:
        # Standalone mode: click reports usage errors itself (exit 2) and exits.
        command.main(args=args, prog_name="netplan", standalone_mode=True)
    except InputError as exc:
        for problem in exc.problems:
            err_console.print(str(problem), markup=False)
        n = len(exc.problems)
        err_console.print(f"{n} problem{'s' if n != 1 else ''} found.", markup=False)
        sys.exit(2)
