"""Signing in through the login page and waiting for a dashboard page to finish drawing (browser tests)."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote


def settled(page) -> None:
    """Wait until the page has drawn what it asked the server for."""
    page.wait_for_selector("main[aria-busy=false]")
    page.wait_for_load_state("networkidle")


def open_page(page, username: str, password: str, target: str, *, wait: Callable = settled) -> None:
    """Sign in as ``username`` and land on ``target``, drawn."""
    page.goto(f"/login?next={quote(target)}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_url(lambda url: "/login" not in url)
    wait(page)
