"""Where the bundled demo data lives.

In a wheel the demo district and its map inputs ship inside the package
(``netplan/_bundled/``); in a source checkout they are the repository's top-level
``site_surveys/`` and ``maps/`` folders.
"""

from __future__ import annotations

from pathlib import Path

__all__ = ["DEMO_DISTRICT", "bundled", "demo_survey_dir"]

#: Folder name of the demo district under ``site_surveys/``.
DEMO_DISTRICT = "cedar_valley"


def bundled(name: str) -> Path:
    """Return the bundled folder ``name`` (``"site_surveys"`` or ``"maps"``).

    Parameters
    ----------
    name
        Top-level data folder.

    Returns
    -------
    Path
        The folder inside the installed package, or in the source checkout.

    Raises
    ------
    FileNotFoundError
        If neither exists (a broken install).
    """
    here = Path(__file__).resolve().parent
    for candidate in (here / "_bundled" / name, here.parents[1] / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled data folder {name!r} is missing from this installation")


def demo_survey_dir() -> Path:
    """The demo district's survey directory."""
    return bundled("site_surveys") / DEMO_DISTRICT
