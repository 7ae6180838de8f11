"""Mapping Ekahau application profiles onto netplan's application catalogue.

Ekahau usage profiles (``usageProfiles.json``) list application profiles
(``applicationProfiles.json``), each a traffic rate. An application whose kind matches a
netplan catalogue application is mapped to it by its Ekahau ``key`` (stable across projects),
or for custom profiles without a key by words in its name; the others are reported, with their
Ekahau rate, and not carried over.

The catalogue is :mod:`netplan.demand`'s (:data:`DEFAULT_CATALOGUE` lists the names the
mapping targets).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "DEFAULT_CATALOGUE",
    "EKAHAU_KEY_MAP",
    "catalogue_names",
    "map_application",
]

#: netplan's built-in application names.
DEFAULT_CATALOGUE: tuple[str, ...] = (
    "video-720p",
    "video-1080p",
    "video-conference",
    "assessment",
    "web",
    "cloud-docs",
    "sync",
    "os-update",
)

#: Ekahau application-profile keys (``ApplicationProfile.<key>``) -> catalogue application.
EKAHAU_KEY_MAP: dict[str, str] = {
    "VideoYoutube720p": "video-720p",
    "VideoNetflix720p": "video-720p",
    "VideoAppletv720p": "video-720p",
    "VideoYoutube1080p": "video-1080p",
    "VideoNetflix1080p": "video-1080p",
    "VideoAppletv1080p": "video-1080p",
    "H2641080pRealtime": "video-conference",
    "SkypeH2641080pRealtime": "video-conference",
    "ConferencingGotomeetingVideo": "video-conference",
    "ConferencingWificallingVideo": "video-conference",
    "WebEmailNormal": "web",
    "WebEmailHeavy": "web",
    "FileSharingOnedriveUpload": "cloud-docs",
    "FileSharingOnedriveDownload": "cloud-docs",
    "FileSharingDropboxUpload": "cloud-docs",
    "FileSharingDropboxDownload": "cloud-docs",
    "BackgroundSla": "sync",
}

# For custom profiles (no key): (pattern on the lower-cased name, catalogue application).
_NAME_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\b(video conf|conferenc|webex|zoom|meet|teams)"), "video-conference"),
    (re.compile(r"\b(video|youtube|netflix|stream).*\b1080p?\b"), "video-1080p"),
    (re.compile(r"\b(video|youtube|netflix|stream).*\b720p?\b"), "video-720p"),
    (re.compile(r"\b(assessment|testing|exam|map growth|smarter balanced)\b"), "assessment"),
    (re.compile(r"\b(os update|software update|chromeos update|windows update)\b"), "os-update"),
    (re.compile(r"\b(onedrive|dropbox|google drive|cloud docs?)\b"), "cloud-docs"),
    (re.compile(r"\b(background sync|sync)\b"), "sync"),
    (re.compile(r"\b(web|email|lms|browsing)\b"), "web"),
)


def catalogue_names() -> tuple[str, ...]:
    """Application ids of netplan's catalogue (:func:`netplan.demand.app_ids`)."""
    try:
        from netplan.demand import app_ids
    except ImportError:  # pragma: no cover - the demand model is part of the package
        return DEFAULT_CATALOGUE
    return tuple(app_ids()) or DEFAULT_CATALOGUE


def map_application(
    key: str | None, name: str, catalogue: Iterable[str] = DEFAULT_CATALOGUE
) -> str | None:
    """The catalogue application an Ekahau application profile matches, or ``None``.

    Parameters
    ----------
    key
        The profile's ``key`` (``"ApplicationProfile.VideoYoutube720p"``), if any.
    name
        The profile's display name.
    catalogue
        Names the result must be one of.
    """
    names = set(catalogue)
    if key:
        short = key.removeprefix("ApplicationProfile.")
        found = EKAHAU_KEY_MAP.get(short)
        return found if found in names else None
    low = name.lower()
    for pattern, app in _NAME_RULES:
        if pattern.search(low) and app in names:
            return app
    return None
