"""Progress for anything that takes more than a second, on stderr, so stdout stays the result.

On a terminal a stage is a spinner that disappears when it is done. Without a terminal (a pipe, a
log, a CI job) a stage still running after a second prints one line, and its end one more, so a
long command never looks stuck.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

from salesscope import locale
from salesscope.cli.common import err_console
from salesscope.formatting import number

# How long a stage runs before it is reported without a terminal (settable for scripts and tests).
AFTER_SECONDS = float(os.environ.get("SALESSCOPE_PROGRESS_AFTER", "1"))


@contextmanager
def stage(key: str, lang: str = "en", **fields: object) -> Iterator[None]:
    """Show that ``key``'s stage (``progress.<key>``) is running, if it runs for more than a second."""
    what = locale.text(f"progress.{key}", lang, **fields)
    if err_console.is_terminal:
        with err_console.status(what + "…"):
            yield
        return
    started = time.perf_counter()
    said = threading.Event()

    def say() -> None:
        said.set()
        err_console.print(what + "…", highlight=False, soft_wrap=True)

    timer = threading.Timer(AFTER_SECONDS, say)
    timer.daemon = True
    timer.start()
    try:
        yield
    except BaseException:
        timer.cancel()  # the error says what happened; the stage is not "done"
        raise
    else:
        timer.cancel()
        if said.is_set():
            seconds = number(time.perf_counter() - started, lang)
            err_console.print(locale.text("progress.done", lang, what=what, seconds=seconds),
                              highlight=False, soft_wrap=True)
