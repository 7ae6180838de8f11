"""One-file interactive maps that work offline: Leaflet inlined, data embedded as GeoJSON.

folium loads Leaflet from a CDN, so its pages are blank without a network and tell third
parties who opened them. These pages inline the vendored Leaflet 1.9.4 (npm ``leaflet``,
BSD-2; see ``netplan/_vendor/leaflet``), embed every feature as GeoJSON, and declare a
Content-Security-Policy that lets the browser fetch nothing. Basemap tiles are added only
when the caller passes a :class:`Basemap`, and then only from that server.
"""

from __future__ import annotations

import base64
import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import numpy as np

from netplan.errors import InputError
from netplan.maps.layers import MapLayer, geojson_features
from netplan.maps.style import LegendEntry
from netplan.outputs import atomic_write_text
from netplan.report.offline import assert_self_contained

__all__ = [
    "Basemap",
    "PanelTable",
    "leaflet_assets",
    "render_map_html",
    "write_map_html",
]

LEAFLET_VERSION = "1.9.4"


@dataclass(frozen=True)
class Basemap:
    """An opt-in tile basemap.

    Parameters
    ----------
    url
        Tile URL template with ``{z}``, ``{x}`` and ``{y}`` (and optionally ``{s}``), https.
    attribution
        Credit line the tile provider requires (plain text).
    max_zoom
        Highest zoom the server offers.
    """

    url: str
    attribution: str = ""
    max_zoom: int = 19

    @classmethod
    def parse(cls, url: str, attribution: str = "", *, source: str = "--basemap") -> Basemap:
        """Validate a tile URL given by the user.

        Raises
        ------
        InputError
            Not an https URL template with ``{z}``, ``{x}`` and ``{y}``.
        """
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.netloc:
            raise InputError.at(source, "url", f"basemap must be an https:// URL, got {url!r}")
        missing = [k for k in ("{z}", "{x}", "{y}") if k not in url]
        if missing:
            raise InputError.at(
                source, "url", f"basemap URL template lacks {', '.join(missing)}: {url!r}"
            )
        return cls(url=url, attribution=attribution)

    @property
    def origin(self) -> str:
        """Scheme and host the tiles come from (``{s}`` becomes a ``*`` wildcard)."""
        parts = urlsplit(self.url)
        return f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}"

    @property
    def prefix(self) -> str:
        """The fixed start of the template, for the static self-containment check."""
        return self.url.split("{", 1)[0]


@dataclass(frozen=True)
class PanelTable:
    """A small table in the map's summary panel.

    Parameters
    ----------
    title
        Heading above the table.
    columns
        Column headings.
    rows
        Cells as text (already formatted).
    note
        Optional sentence under the table.
    """

    title: str
    columns: Sequence[str]
    rows: Sequence[Sequence[str]]
    note: str = ""


def _read_vendor(name: str) -> bytes:
    return resources.files("netplan").joinpath("_vendor", "leaflet", name).read_bytes()


@cache
def leaflet_assets() -> tuple[str, str]:
    """Leaflet's JS and CSS ready to inline.

    The CSS's ``url(images/...)`` references become ``data:`` URIs of the vendored images and
    the JS's ``sourceMappingURL`` comment is dropped, so neither makes the browser fetch a
    second file.

    Returns
    -------
    (str, str)
        JavaScript and CSS source.
    """
    js = _read_vendor("leaflet.js").decode("utf-8")
    js = re.sub(r"\n//# sourceMappingURL=\S+\s*$", "\n", js)
    css = _read_vendor("leaflet.css").decode("utf-8")

    def inline(match: re.Match[str]) -> str:
        data = base64.b64encode(_read_vendor(f"images/{match.group(1)}")).decode("ascii")
        return f"url(data:image/png;base64,{data})"

    css = re.sub(r"url\(images/([A-Za-z0-9_.-]+\.png)\)", inline, css)
    if "</script" in js.lower() or "</style" in css.lower():
        raise RuntimeError("vendored Leaflet would close its inline element early")
    return js, css


_PAGE_CSS = """
html, body { height: 100%; margin: 0; }
body { display: flex; font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, Arial,
  sans-serif; color: #222; }
#panel { width: 330px; flex: none; overflow-y: auto; padding: 12px 14px; box-sizing: border-box;
  border-right: 1px solid #ccc; background: #fafafa; }
#map { flex: 1; min-width: 0; background: #f2f2ee; }
h1 { font-size: 18px; margin: 0 0 4px; }
.subtitle { color: #555; margin: 0 0 10px; }
h2 { font-size: 14px; margin: 14px 0 4px; border-bottom: 1px solid #ddd; }
table.summary { border-collapse: collapse; width: 100%; font-size: 13px; }
table.summary th, table.summary td { padding: 2px 4px; text-align: right; }
table.summary th:first-child, table.summary td:first-child { text-align: left; }
table.summary tbody tr:nth-child(odd) { background: #f0f0f0; }
.note { color: #555; font-size: 12px; margin: 4px 0; }
.legend-layer { margin: 6px 0 8px; }
.legend-layer.off { opacity: 0.35; }
.legend-title { font-weight: 600; }
.legend-item { display: flex; align-items: center; gap: 6px; font-size: 13px; }
.swatch { width: 16px; height: 12px; flex: none; box-sizing: border-box; }
.swatch.line { height: 0; border-top-width: 3px; border-top-style: solid; }
.swatch.circle { width: 12px; border-radius: 50%; }
.swatch.hatch { background-image: repeating-linear-gradient(45deg, currentColor 0 2px,
  transparent 2px 5px); }
.np-tip td { padding: 0 4px; }
.np-tip td:last-child { text-align: right; font-weight: 600; }
@media print { #panel { width: 260px; } .leaflet-control-layers { display: none; } }
"""

_PAGE_JS = r"""
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("netplan-map-data").textContent);
  var map = L.map("map", {zoomSnap: 0.25, preferCanvas: false});
  map.attributionControl.setPrefix("Leaflet");
  if (data.basemap) {
    L.tileLayer(data.basemap.url, {
      attribution: data.basemap.attribution, maxZoom: data.basemap.maxZoom
    }).addTo(map);
  }
  function esc(s) {
    return String(s).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }
  var overlays = {};
  var onTop = [];
  data.layers.forEach(function (spec) {
    var cls = "np-layer np-layer-" + spec.id;
    var layer = L.geoJSON(spec.geojson, {
      className: cls,
      style: function (f) {
        var fill = spec.hatch ? "url(#np-hatch-" + spec.id + ")" : f.properties.f;
        return {
          color: spec.stroke, weight: spec.weight, opacity: 1,
          fill: fill !== null, fillColor: fill || "#000", fillOpacity: spec.fillOpacity
        };
      },
      pointToLayer: function (f, latlng) {
        return L.circleMarker(latlng, {radius: spec.radius, className: cls});
      },
      onEachFeature: function (f, lyr) {
        if (!spec.tooltip.length) { return; }
        var rows = spec.tooltip.map(function (label, i) {
          return "<tr><td>" + esc(label) + "</td><td>" + esc(f.properties.t[i]) + "</td></tr>";
        });
        lyr.bindTooltip("<b>" + esc(spec.title) + "</b><table class=\"np-tip\">" +
          rows.join("") + "</table>", {sticky: true});
      }
    });
    layer.npId = spec.id;
    overlays[spec.label] = layer;
    if (spec.kind === "context") { onTop.push(layer); }
    if (spec.visible) { layer.addTo(map); }
  });
  function raiseContext() {
    onTop.forEach(function (l) { if (map.hasLayer(l)) { l.bringToFront(); } });
  }
  function legendState(layer, on) {
    var el = document.querySelector('.legend-layer[data-layer="' + layer.npId + '"]');
    if (el) { el.classList.toggle("off", !on); }
  }
  map.on("overlayadd", function (e) { legendState(e.layer, true); raiseContext(); });
  map.on("overlayremove", function (e) { legendState(e.layer, false); });
  raiseContext();
  L.control.layers(null, overlays, {collapsed: false}).addTo(map);
  L.control.scale({metric: true, imperial: true}).addTo(map);
  var b = data.bounds;
  map.fitBounds([[b[1], b[0]], [b[3], b[2]]], {padding: [12, 12]});
  window.netplanMap = {map: map, overlays: overlays};
  document.body.setAttribute("data-map-ready", "1");
})();
"""


def _swatch(entry: LegendEntry) -> str:
    styles = []
    if entry.shape == "line":
        styles.append(f"border-top-color: {entry.stroke or entry.fill or '#333'}")
    elif entry.shape == "hatch":
        styles.append(f"color: {entry.fill or '#333'}")
        styles.append(f"border: 1px solid {entry.stroke or entry.fill or '#333'}")
    else:
        styles.append(f"background: {entry.fill or 'transparent'}")
        styles.append(f"border: 1px solid {entry.stroke or '#555'}")
    return f'<span class="swatch {entry.shape}" style="{html.escape("; ".join(styles))}"></span>'


def _legend_html(layers: Sequence[MapLayer]) -> str:
    parts = ['<div id="legend">']
    for layer in layers:
        state = "" if layer.visible else " off"
        parts.append(f'<div class="legend-layer{state}" data-layer="{html.escape(layer.id)}">')
        parts.append(f'<div class="legend-title">{html.escape(layer.title)}</div>')
        for entry in layer.legend_entries():
            parts.append(
                f'<div class="legend-item">{_swatch(entry)}'
                f"<span>{html.escape(entry.label)}</span></div>"
            )
        if layer.description:
            parts.append(f'<div class="note">{html.escape(layer.description)}</div>')
        parts.append("</div>")
    parts.append("</div>")
    return "\n".join(parts)


def _table_html(table: PanelTable) -> str:
    head = "".join(f"<th>{html.escape(c)}</th>" for c in table.columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(v))}</td>" for v in row) + "</tr>"
        for row in table.rows
    )
    note = f'<p class="note">{html.escape(table.note)}</p>' if table.note else ""
    return (
        f"<h2>{html.escape(table.title)}</h2>"
        f'<table class="summary"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        f"{note}"
    )


def _hatch_defs(layers: Sequence[MapLayer]) -> str:
    """SVG patterns for hatched layers, referenced as ``fill="url(#np-hatch-<id>)"``."""
    patterns = []
    for layer in layers:
        if not layer.hatch:
            continue
        colours = [c for c in layer.style.colours(layer.frame.head(1)) if c] or [layer.stroke]
        colour = html.escape(colours[0])
        patterns.append(
            f'<pattern id="np-hatch-{layer.id}" width="8" height="8" '
            'patternUnits="userSpaceOnUse" patternTransform="rotate(45)">'
            f'<rect width="8" height="8" fill="{colour}" fill-opacity="0.12"></rect>'
            f'<line x1="0" y1="0" x2="0" y2="8" stroke="{colour}" stroke-width="3"></line>'
            "</pattern>"
        )
    if not patterns:
        return ""
    return (
        '<svg width="0" height="0" style="position:absolute" aria-hidden="true"><defs>'
        + "".join(patterns)
        + "</defs></svg>"
    )


def _script_json(value: Any) -> str:
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
    return text.replace("</", "<\\/").replace("<!--", "<\\!--")


def _bounds(layers: Sequence[MapLayer]) -> list[float]:
    boxes = [
        layer.frame.to_crs("EPSG:4326").total_bounds for layer in layers if len(layer.frame) > 0
    ]
    if not boxes:
        raise ValueError("a map needs at least one feature")
    arr = np.asarray(boxes, dtype=float)
    arr = arr[np.isfinite(arr).all(axis=1)]
    return [
        float(arr[:, 0].min()),
        float(arr[:, 1].min()),
        float(arr[:, 2].max()),
        float(arr[:, 3].max()),
    ]


def _csp(basemap: Basemap | None) -> str:
    img = "data:" + (f" {basemap.origin}" if basemap else "")
    return (
        "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
        f"img-src {img}; base-uri 'none'; form-action 'none'"
    )


def render_map_html(
    layers: Sequence[MapLayer],
    *,
    title: str,
    subtitle: str = "",
    panel: Sequence[PanelTable] = (),
    notes: Sequence[str] = (),
    basemap: Basemap | None = None,
    tolerance_m: float = 10.0,
) -> str:
    """Build a self-contained interactive map page.

    Parameters
    ----------
    layers
        Layers bottom to top. ``kind="context"`` layers are kept on top when others are
        switched on.
    title, subtitle
        Page heading.
    panel
        Summary tables for the side panel.
    notes
        Sentences under the legend (sources, suppression rule).
    basemap
        Opt-in tile basemap; without it the page loads nothing at all.
    tolerance_m
        Simplification tolerance for polygons, metres.

    Returns
    -------
    str
        The HTML page.
    """
    js, css = leaflet_assets()
    payload = {
        "layers": [
            {
                "id": layer.id,
                "title": layer.title,
                "label": html.escape(layer.title),
                "kind": layer.kind,
                "visible": layer.visible,
                "stroke": layer.stroke,
                "weight": layer.weight,
                "fillOpacity": layer.fill_opacity,
                "radius": layer.point_radius,
                "tooltip": [label for _, label in layer.tooltip],
                "hatch": bool(layer.hatch),
                "geojson": geojson_features(layer, tolerance_m=tolerance_m),
            }
            for layer in layers
        ],
        "bounds": _bounds(layers),
        "basemap": (
            {"url": basemap.url, "attribution": basemap.attribution, "maxZoom": basemap.max_zoom}
            if basemap
            else None
        ),
    }
    notes_html = "".join(f'<p class="note">{html.escape(n)}</p>' for n in notes)
    sub = f'<p class="subtitle">{html.escape(subtitle)}</p>' if subtitle else ""
    page = f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="{html.escape(_csp(basemap))}">
<meta name="generator" content="netplan (Leaflet {LEAFLET_VERSION}, BSD-2-Clause, inlined)">
<title>{html.escape(title)}</title>
<style>
{css}
</style>
<style>{_PAGE_CSS}</style>
</head>
<body>
<div id="panel">
<h1>{html.escape(title)}</h1>
{sub}
{"".join(_table_html(t) for t in panel)}
<h2>Legend</h2>
{_legend_html(layers)}
{notes_html}
</div>
<div id="map" role="region" aria-label="{html.escape(title)} map"></div>
{_hatch_defs(layers)}
<script>
{js}
</script>
<script type="application/json" id="netplan-map-data">{_script_json(payload)}</script>
<script>{_PAGE_JS}</script>
</body>
</html>
"""
    return page


def write_map_html(path: str | Path, layers: Sequence[MapLayer], **kwargs: Any) -> Path:
    """Render with :func:`render_map_html` and write atomically, after checking it is offline.

    Parameters
    ----------
    path
        Output ``.html`` file.
    layers
        Layers bottom to top.
    **kwargs
        Passed to :func:`render_map_html`.

    Returns
    -------
    Path
        The written file.
    """
    page = render_map_html(layers, **kwargs)
    basemap: Basemap | None = kwargs.get("basemap")
    assert_self_contained(
        page, what=str(path), allowed_prefixes=(basemap.prefix,) if basemap else ()
    )
    target = Path(path)
    atomic_write_text(target, page)
    return target
