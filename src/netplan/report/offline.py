"""Static check that an HTML page loads nothing from outside itself.

A published map or report must be one self-contained file: every resource the browser would
fetch while rendering it (scripts, stylesheets, images, frames, fonts, CSS imports) has to be
inline or a ``data:`` URI. This module finds the references that would make the browser
fetch something: the attributes and CSS constructs that load, not every string that happens
to look like a URL. Leaflet's source mentions ``http://www.w3.org/2000/svg`` (an XML
namespace) and SVG figures carry ``xmlns`` attributes; neither loads anything, so neither is
reported. What inline scripts do at run time is checked by the browser tests, which open the
page with the network blocked.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from html.parser import HTMLParser

__all__ = ["NetworkReference", "assert_self_contained", "network_references"]

#: (element, attribute) pairs whose value the browser fetches while rendering the page.
_LOADING_ATTRIBUTES: frozenset[tuple[str, str]] = frozenset(
    {
        ("script", "src"),
        ("link", "href"),
        ("img", "src"),
        ("img", "srcset"),
        ("source", "src"),
        ("source", "srcset"),
        ("iframe", "src"),
        ("frame", "src"),
        ("embed", "src"),
        ("object", "data"),
        ("video", "src"),
        ("video", "poster"),
        ("audio", "src"),
        ("track", "src"),
        ("input", "src"),
        ("body", "background"),
        ("table", "background"),
        ("td", "background"),
        ("base", "href"),
        # SVG elements that fetch their target (``use`` fetches when it points outside).
        ("image", "href"),
        ("image", "xlink:href"),
        ("use", "href"),
        ("use", "xlink:href"),
        ("feimage", "href"),
        ("feimage", "xlink:href"),
        ("script", "xlink:href"),
        ("script", "href"),
    }
)

_CSS_URL = re.compile(r"""url\(\s*(?P<q>['"]?)(?P<url>.*?)(?P=q)\s*\)""", re.IGNORECASE | re.DOTALL)
_CSS_IMPORT = re.compile(
    r"""@import\s+(?:url\(\s*)?(?P<q>['"]?)(?P<url>[^'")\s;]+)""", re.IGNORECASE
)
_REFRESH_URL = re.compile(r"url\s*=\s*(?P<url>\S+)", re.IGNORECASE)


@dataclass(frozen=True)
class NetworkReference:
    """One reference that would make a browser fetch a resource.

    Parameters
    ----------
    line
        1-based line in the HTML source.
    context
        Where it is, e.g. ``<script src>`` or ``<style> url()``.
    url
        The referenced address as written.
    """

    line: int
    context: str
    url: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.context}: {self.url}"


def _is_inline(url: str, allowed_prefixes: tuple[str, ...]) -> bool:
    target = url.strip().strip("'\"")
    if not target or target.startswith("#"):
        return True
    lowered = target.lower()
    if lowered.startswith(("data:", "about:blank")):
        return True
    return any(target.startswith(p) for p in allowed_prefixes)


def _srcset_urls(value: str) -> list[str]:
    return [part.strip().split()[0] for part in value.split(",") if part.strip()]


class _Scanner(HTMLParser):
    def __init__(self, allowed_prefixes: tuple[str, ...]) -> None:
        super().__init__(convert_charrefs=True)
        self.allowed = allowed_prefixes
        self.found: list[NetworkReference] = []
        self._in_style = False

    def _flag(self, context: str, url: str, line: int | None = None) -> None:
        if not _is_inline(url, self.allowed):
            self.found.append(NetworkReference(line or self.getpos()[0], context, url.strip()))

    def _scan_css(self, css: str, context: str, first_line: int) -> None:
        for pattern, what in ((_CSS_URL, "url()"), (_CSS_IMPORT, "@import")):
            for m in pattern.finditer(css):
                line = first_line + css.count("\n", 0, m.start())
                self._flag(f"{context} {what}", m.group("url"), line)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        tag = tag.lower()
        line = self.getpos()[0]
        for name, value in attrs:
            if value is None:
                continue
            attr = name.lower()
            if (tag, attr) in _LOADING_ATTRIBUTES:
                urls = _srcset_urls(value) if attr == "srcset" else [value]
                for url in urls:
                    self._flag(f"<{tag} {attr}>", url, line)
            elif attr == "style":
                self._scan_css(value, f"<{tag} style>", line)
        meta = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta" and meta.get("http-equiv", "").lower() == "refresh":
            m = _REFRESH_URL.search(meta.get("content", ""))
            if m:
                self._flag("<meta refresh>", m.group("url"), line)
        if tag == "style":
            self._in_style = True

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag.lower() == "style":
            self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._scan_css(data, "<style>", self.getpos()[0])


def network_references(
    html: str, *, allowed_prefixes: Iterable[str] = ()
) -> list[NetworkReference]:
    """Find every reference in ``html`` that would load a resource from outside the page.

    Inline content and ``data:`` URIs pass; so do in-page fragments (``#id``). Anything else
    a loading attribute or CSS rule points at is reported, whether ``http(s)://``,
    protocol-relative (``//host``) or a relative path (which would be a second file and break
    the one-file promise).

    Parameters
    ----------
    html
        The page source.
    allowed_prefixes
        URL prefixes allowed anyway, e.g. the basemap tile server the user opted into.

    Returns
    -------
    list of NetworkReference
        Empty when the page is self-contained.
    """
    scanner = _Scanner(tuple(allowed_prefixes))
    scanner.feed(html)
    scanner.close()
    return scanner.found


def assert_self_contained(html: str, *, what: str, allowed_prefixes: Iterable[str] = ()) -> None:
    """Raise ``RuntimeError`` if ``html`` would load anything from outside itself.

    Writers call this before they save a page, so a page that breaks the offline promise is
    never written.

    Parameters
    ----------
    html
        The page source.
    what
        Name of the page for the message.
    allowed_prefixes
        See :func:`network_references`.
    """
    refs = network_references(html, allowed_prefixes=allowed_prefixes)
    if refs:
        listed = "; ".join(str(r) for r in refs[:5])
        more = f" (and {len(refs) - 5} more)" if len(refs) > 5 else ""
        raise RuntimeError(f"{what} would load external resources: {listed}{more}")
