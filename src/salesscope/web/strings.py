"""The dashboard's view of the locale catalogue: one flat mapping its templates and scripts read.

A catalogue key is written with underscores for dots (``dim.team`` is ``dim_team``,
``reason.no_actions`` is ``reason_no_actions``) and the ``web`` section's own keys lose their prefix
(``web.nav_overview`` is ``nav_overview``).
"""

from __future__ import annotations

from salesscope import locale


def catalogue(lang: str) -> dict[str, str]:
    """All strings in one language (English where a translation is missing)."""
    out: dict[str, str] = {}
    for key, value in locale.catalogue(lang).items():
        out[key.removeprefix("web.").replace(".", "_")] = value
    return out
