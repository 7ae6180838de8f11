"""A small builder for self-contained HTML reports: sections, key figures, tables and plots.

The page has its CSS inline, its plots as inline SVG, no scripts and no external resources,
and declares a Content-Security-Policy that forbids fetching anything. Each plot is also
written as a PNG beside the page (``figures/<name>.png``) for slides and documents.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from netplan.outputs import atomic_write_bytes, atomic_write_text
from netplan.report.figures import RenderedFigure
from netplan.report.offline import assert_self_contained

__all__ = ["Fact", "Formatter", "ReportDocument", "Section", "fixed", "percent", "table_html"]

_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'"

_CSS = """
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
  color: #222; margin: 0; background: #fff; }
main { max-width: 1100px; margin: 0 auto; padding: 24px 28px 60px; }
header h1 { font-size: 26px; margin: 0 0 4px; }
header .subtitle { color: #555; margin: 0 0 12px; }
nav.toc { font-size: 14px; margin: 0 0 18px; padding: 8px 12px; background: #f6f6f6;
  border-radius: 4px; }
nav.toc a { margin-right: 14px; color: #0b5394; text-decoration: none; }
section { margin: 28px 0; }
h2 { font-size: 20px; border-bottom: 2px solid #e3e3e3; padding-bottom: 4px; }
h3 { font-size: 16px; margin: 18px 0 6px; }
.facts { display: flex; flex-wrap: wrap; gap: 10px; margin: 10px 0; }
.fact { border: 1px solid #ddd; border-radius: 6px; padding: 8px 12px; min-width: 150px; }
.fact .value { font-size: 20px; font-weight: 600; }
.fact .label { font-size: 13px; color: #555; }
.fact.bad { border-color: #d55e00; background: #fff4ec; }
.fact.good { border-color: #009e73; background: #effaf6; }
table.data { border-collapse: collapse; font-size: 13px; margin: 8px 0; }
table.data th, table.data td { padding: 3px 8px; border-bottom: 1px solid #e5e5e5; }
table.data th { background: #f3f3f3; text-align: left; }
table.data td.num { text-align: right; font-variant-numeric: tabular-nums; }
table.data caption { caption-side: top; text-align: left; font-weight: 600; padding: 4px 0; }
figure { margin: 14px 0; }
figure svg { width: 100%; height: auto; }
figcaption { font-size: 13px; color: #444; }
.note { font-size: 13px; color: #555; }
footer { font-size: 12px; color: #666; margin-top: 40px; border-top: 1px solid #ddd;
  padding-top: 8px; }
@media print { nav.toc { display: none; } section { break-inside: avoid-page; } }
"""


@dataclass(frozen=True)
class Fact:
    """A headline number.

    Parameters
    ----------
    label
        What it is.
    value
        Formatted value.
    tone
        ``"good"``, ``"bad"`` or ``""`` (neutral) for the box colour.
    """

    label: str
    value: str
    tone: str = ""


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "section"


Formatter = Callable[[object], str]


def _as_float(value: object) -> float:
    try:
        return float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return math.nan


def percent(digits: int = 0) -> Formatter:
    """Formatter showing a fraction as a percentage (``0.123`` -> ``12.3%`` with 1 digit)."""

    def fmt(value: object) -> str:
        v = _as_float(value)
        return "–" if math.isnan(v) else f"{v:.{digits}%}"

    return fmt


def fixed(digits: int = 2) -> Formatter:
    """Formatter with a fixed number of decimals."""

    def fmt(value: object) -> str:
        v = _as_float(value)
        return "–" if math.isnan(v) else f"{v:,.{digits}f}"

    return fmt


def _default_format(value: object) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        return f"{value:,.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def table_html(
    frame: pd.DataFrame,
    *,
    caption: str = "",
    formats: Mapping[str, Formatter] | None = None,
    max_rows: int | None = None,
) -> str:
    """An HTML table of ``frame`` (index dropped), cells escaped, numbers right-aligned.

    Parameters
    ----------
    frame
        Data; column names are the headings.
    caption
        Table caption.
    formats
        Column -> function turning a cell into text.
    max_rows
        Show at most this many rows and say how many were left out.
    """
    formats = formats or {}
    shown = frame if max_rows is None else frame.head(max_rows)
    numeric = {c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c])}
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    body = []
    for row in shown.itertuples(index=False, name=None):
        cells = []
        for col, value in zip(frame.columns, row, strict=True):
            fmt = formats.get(col, _default_format)
            cls = ' class="num"' if col in numeric else ""
            cells.append(f"<td{cls}>{html.escape(fmt(value))}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    more = ""
    if max_rows is not None and len(frame) > max_rows:
        more = f'<p class="note">{len(frame) - max_rows:,} more rows in the data files.</p>'
    return (
        f'<table class="data">{cap}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>{more}"
    )


@dataclass
class Section:
    """One titled part of a report; add content in reading order."""

    title: str
    anchor: str
    parts: list[str] = field(default_factory=list)
    figures: list[RenderedFigure] = field(default_factory=list)

    def paragraph(self, text: str, *, note: bool = False) -> None:
        """A paragraph of plain text."""
        cls = ' class="note"' if note else ""
        self.parts.append(f"<p{cls}>{html.escape(text)}</p>")

    def heading(self, text: str) -> None:
        """A sub-heading."""
        self.parts.append(f"<h3>{html.escape(text)}</h3>")

    def facts(self, facts: Sequence[Fact]) -> None:
        """A row of headline numbers."""
        boxes = "".join(
            f'<div class="fact {html.escape(f.tone)}"><div class="value">'
            f'{html.escape(f.value)}</div><div class="label">{html.escape(f.label)}</div></div>'
            for f in facts
        )
        self.parts.append(f'<div class="facts">{boxes}</div>')

    def table(
        self,
        frame: pd.DataFrame,
        *,
        caption: str = "",
        formats: Mapping[str, Formatter] | None = None,
        max_rows: int | None = None,
    ) -> None:
        """A data table (see :func:`table_html`)."""
        self.parts.append(table_html(frame, caption=caption, formats=formats, max_rows=max_rows))

    def figure(self, fig: RenderedFigure) -> None:
        """A plot, inline as SVG; its PNG is written beside the report."""
        self.figures.append(fig)
        self.parts.append(
            f'<figure id="fig-{fig.name}" data-png="figures/{fig.name}.png">{fig.svg}'
            f"<figcaption>{html.escape(fig.caption)} "
            f"(PNG: figures/{html.escape(fig.name)}.png)</figcaption></figure>"
        )


class ReportDocument:
    """A report: title, sections, footer; rendered to one self-contained HTML page.

    Parameters
    ----------
    title
        Page title.
    subtitle
        Line under the title (what was run, when, with which seed).
    footer
        Small print (sources, version).
    """

    def __init__(self, title: str, *, subtitle: str = "", footer: str = "") -> None:
        self.title = title
        self.subtitle = subtitle
        self.footer = footer
        self.sections: list[Section] = []

    def section(self, title: str) -> Section:
        """Add and return a new section."""
        anchor = _slug(title)
        taken = {s.anchor for s in self.sections}
        n = 2
        base = anchor
        while anchor in taken:
            anchor = f"{base}-{n}"
            n += 1
        sec = Section(title, anchor)
        self.sections.append(sec)
        return sec

    @property
    def figures(self) -> list[RenderedFigure]:
        """Every figure, in page order."""
        return [f for s in self.sections for f in s.figures]

    def render(self) -> str:
        """The HTML page."""
        toc = "".join(f'<a href="#{s.anchor}">{html.escape(s.title)}</a>' for s in self.sections)
        body = "\n".join(
            f'<section id="{s.anchor}"><h2>{html.escape(s.title)}</h2>\n'
            + "\n".join(s.parts)
            + "</section>"
            for s in self.sections
        )
        sub = f'<p class="subtitle">{html.escape(self.subtitle)}</p>' if self.subtitle else ""
        foot = f"<footer>{html.escape(self.footer)}</footer>" if self.footer else ""
        return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{html.escape(_CSP)}">
<meta name="generator" content="netplan">
<title>{html.escape(self.title)}</title>
<style>{_CSS}</style>
</head>
<body>
<main>
<header><h1>{html.escape(self.title)}</h1>{sub}</header>
<nav class="toc">{toc}</nav>
{body}
{foot}
</main>
</body>
</html>
"""

    def write(self, out_dir: str | Path, filename: str = "report.html") -> Path:
        """Write the page and its PNGs (``figures/``) into ``out_dir``.

        The page is checked to load nothing from outside itself before it is written.

        Returns
        -------
        Path
            The HTML file.
        """
        out = Path(out_dir)
        page = self.render()
        assert_self_contained(page, what=str(out / filename))
        for fig in self.figures:
            atomic_write_bytes(out / "figures" / f"{fig.name}.png", fig.png)
        target = out / filename
        atomic_write_text(target, page)
        return target
