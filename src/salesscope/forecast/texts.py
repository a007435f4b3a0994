"""Everything the forecast and the plan say to a user: ``forecast.<key>`` in the locale catalogue."""

from __future__ import annotations

from salesscope import locale
from salesscope.formatting import Num, digits, number


def _show(value: object, lang: str) -> str:
    """A value as the reader's language writes it: digits, separators, or the text in that language."""
    if isinstance(value, dict):
        return str(value.get(lang) or value.get(locale.DEFAULT))
    if isinstance(value, Num):
        return value.text(lang)
    if isinstance(value, bool) or value is None:
        return "—" if value is None else str(value)
    if isinstance(value, (int, float)):
        return number(value, lang, "count" if isinstance(value, int) else "")
    return digits(value, lang)  # a period label keeps its hyphen: 2026-12, not 2026−12


def text(key: str, lang: str = "en", **values: object) -> str:
    """The text for ``key`` in ``lang`` with the values filled in."""
    return locale.text(f"forecast.{key}", lang, **{k: _show(v, lang) for k, v in values.items()})


def both(key: str, **values: object) -> dict[str, str]:
    """The text in every language, for JSON outputs."""
    return {lang: text(key, lang, **values) for lang in locale.languages()}


def track_text(track: dict | None, lang: str = "en") -> str:
    """How the forecast did on past periods, in one sentence (or that there was nothing to test it on)."""
    if not track or not track.get("n"):
        return text("track_none", lang)
    return text("track_line", lang, n_origins=len(track["origins"]), n=track["n"],
                **{k: Num(track[k], "percent") for k in ("mape", "wape", "bias")},
                c80=Num(track["coverage_80"], "percent"), c95=Num(track["coverage_95"], "percent"))


def unvalued_note(ids: list[str], lang: str = "en", shown: int = 5) -> str:
    """The open deals the forecast left out for want of an amount, named (the first few), or ""."""
    if not ids:
        return ""
    names = ", ".join(ids[:shown]) + (f", … (+{len(ids) - shown})" if len(ids) > shown else "")
    # record ids stay as the CRM writes them (no Persian digits): they are looked up, not read
    return locale.text("forecast.note_unvalued", lang, n=_show(len(ids), lang), ids=names)


def stratum(value: str) -> dict[str, str]:
    """What the win chances were learned by (``product``, ``all``), in every language."""
    return {lang: locale.word("stratum", value, lang) for lang in locale.languages()}


def method_text(attrs: dict, lang: str = "en") -> str:
    """How the open deals' chances were learned, and why stage was not used where it was not."""
    method = attrs["method"]
    if method == "stage_and_age" and attrs.get("n_staged") == attrs.get("n_open"):
        method = "stage_and_age_all"  # no deal is left to its age alone
    out = text(f"method_{method}", lang, n_closed=attrs["n_closed"], stratum=stratum(attrs["stratum"]),
               n_staged=attrs.get("n_staged", 0), n_open=attrs.get("n_open", 0),
               n_stage_closed=attrs.get("n_stage_closed", 0))
    notes = attrs.get("notes") or []
    if "no_stage_history" in notes:
        out += " " + text("stage_none", lang)
    elif "stage_history_thin" in notes:
        out += " " + text("stage_thin", lang, n=attrs.get("n_stage_closed", 0))
    return out


def compared_text(attrs: dict, lang: str = "en") -> str:
    """The stage-less method's track record on the same origins, beside the stage method's, or ""."""
    other = (attrs.get("compared") or {}).get("track_record")
    if not other or not other.get("n"):
        return ""
    used = attrs.get("track_record") or {}
    return text("compared_line", lang, **{k: Num(other[k], "percent") for k in ("mape", "wape", "bias")},
                c80=Num(other["coverage_80"], "percent"), c95=Num(other["coverage_95"], "percent"),
                brier_used=Num(used.get("brier")), brier_other=Num(other.get("brier")))


def bands_note(attrs: dict, lang: str = "en") -> str:
    """How the bands were drawn: checked against past forecasts (and the expected value corrected), or not."""
    cal = attrs.get("calibration")
    if not cal:
        return text("bands_unchecked", lang)
    out = text("bands_checked", lang, n=cal["n"])
    if cal.get("cycle_name") or cal.get("bias_percent"):
        where = (text("bands_moved_cycle", lang, cycle=locale.text(f"advice.cycle.{cal['cycle_name']}", lang))
                 if cal.get("cycle_name") else "")
        out += text("bands_moved", lang, where=where)
    return out
