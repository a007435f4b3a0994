"""Reports a manager opens, prints and sends: one self-contained HTML file, a PDF, a workbook.

>>> from salesscope.report import write_report
>>> write_report(ws, "report.html", fmt="html", lang="fa")   # doctest: +SKIP
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

from salesscope.errors import QueryError
from salesscope.locale import Text
from salesscope.report.builder import ReportData, build

FORMATS = ("html", "pdf", "xlsx")
MIME = {"html": ("text", "html"), "pdf": ("application", "pdf"),
        "xlsx": ("application", "vnd.openxmlformats-officedocument.spreadsheetml.sheet")}

__all__ = ["FORMATS", "ReportData", "build", "render", "render_bytes", "write_report"]


def render(data: ReportData, fmt: str, out: Path) -> Path:
    """Write ``data`` as ``fmt`` (html, pdf or xlsx) to ``out``."""
    out = Path(out)
    if fmt == "html":
        from salesscope.report.html import render_html

        out.write_text(render_html(data), encoding="utf-8")
    elif fmt == "pdf":
        from salesscope.report.html import render_html
        from salesscope.report.pdf import html_to_pdf

        with tempfile.TemporaryDirectory(prefix="salesscope-") as tmp:
            page = Path(tmp) / "report.html"
            page.write_text(render_html(data), encoding="utf-8")
            html_to_pdf(page, out)
    elif fmt == "xlsx":
        from salesscope.report.xlsx import write_xlsx

        write_xlsx(data, out)
    else:
        raise QueryError(Text("error.report.bad_format", format=fmt, options=", ".join(FORMATS)))
    return out


def render_bytes(data: ReportData, fmt: str) -> tuple[bytes, tuple[str, str]]:
    """The report as bytes with its MIME type, for an email attachment."""
    with tempfile.TemporaryDirectory(prefix="salesscope-") as tmp:
        path = render(data, fmt, Path(tmp) / f"report.{fmt}")
        return path.read_bytes(), MIME[fmt]


def write_report(ws: Any, out: str | Path, *, fmt: str | None = None, **build_kw: Any) -> Path:
    """Build and write a report; the format defaults to the file's extension."""
    out = Path(out)
    fmt = fmt or out.suffix.lstrip(".").lower()
    if fmt not in FORMATS:
        raise QueryError(Text("error.report.bad_format", format=fmt, options=", ".join(FORMATS)))
    return render(build(ws, **build_kw), fmt, out)
