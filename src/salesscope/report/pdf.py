"""The report as an A4 PDF: the HTML report printed by headless Chromium."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from salesscope.errors import SalesScopeError
from salesscope.locale import Text

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-dev-shm-usage"]
ENV_CHROMIUM = "SALESSCOPE_CHROMIUM"
# A4 is 210 mm wide; less 2 x 12 mm margins that is 186 mm, about 703 CSS pixels.
PRINT_WIDTH_PX = 703


def chromium_path() -> str:
    """The Chromium binary: ``$SALESSCOPE_CHROMIUM``, else Debian's ``chromium`` on the PATH."""
    found = os.environ.get(ENV_CHROMIUM) or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise SalesScopeError(Text("error.report.no_chromium", variable=ENV_CHROMIUM))
    return found


_active: list[Any] = []  # the browser already open in this thread, reused by nested calls


@contextmanager
def browser() -> Iterator[Any]:
    """A headless Chromium driven through Playwright, closed on exit (reused when already open)."""
    if _active:
        yield _active[-1]
        return
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        try:
            b = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        except PlaywrightError as e:
            raise SalesScopeError(Text("error.report.chromium_failed", detail=str(e).splitlines()[0])) from None
        _active.append(b)
        try:
            yield b
        finally:
            _active.remove(b)
            b.close()


def wait_for_charts(page: Any) -> None:
    """Wait until every plotly chart on the page has drawn, and fonts are loaded."""
    page.wait_for_function(
        "() => document.fonts.status === 'loaded' && Array.from(document.querySelectorAll('.plotly-graph-div'))"
        ".every(d => d.querySelector('.main-svg'))", timeout=60_000)


def html_to_pdf(html: str | Path, out: Path) -> Path:
    """Print an HTML document (text or a file) to an A4 PDF at ``out``."""
    out = Path(out)
    with browser() as b:
        page = b.new_page(viewport={"width": PRINT_WIDTH_PX, "height": 1000})
        if isinstance(html, Path):
            page.goto(html.resolve().as_uri(), wait_until="load")
        else:
            page.set_content(html, wait_until="load")
        page.emulate_media(media="print")
        wait_for_charts(page)
        page.pdf(path=str(out), format="A4", print_background=True,
                 margin={"top": "12mm", "bottom": "12mm", "left": "12mm", "right": "12mm"},
                 prefer_css_page_size=True)
        page.close()
    return out
