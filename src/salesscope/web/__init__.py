"""The web dashboard and REST API (``salesscope serve``)."""

from salesscope.web.app import create_app

__all__ = ["create_app"]
