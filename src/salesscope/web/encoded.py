"""A JSON answer encoded once, and compressed once, for everyone who asks for it again.

The app's gzip middleware compresses every answer on every request (at level 9): for a cached
page that was most of the server's work. An :class:`Encoded` answer keeps its gzip beside its
JSON, and :class:`EncodedResponse` sends whichever the client accepts; the middleware leaves an
answer that already names its encoding alone.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import Headers
from starlette.responses import Response
from starlette.types import Receive, Scope, Send

MINIMUM_SIZE = 1024  # smaller answers are sent as they are (as the gzip middleware does)
LEVEL = 6  # zlib's default: within a few per cent of level 9's size, in about a third of its time


@dataclass(frozen=True)
class Encoded:
    """An answer's JSON and, when it is worth it, the same bytes gzipped."""

    body: bytes
    gzipped: bytes | None

    @classmethod
    def of(cls, value: Any) -> Encoded:
        """``value`` as the JSON FastAPI would send (Pydantic's encoder: undefined numbers as null)."""
        from pydantic import TypeAdapter

        body = TypeAdapter(Any).dump_json(value)
        return cls(body, gzip.compress(body, LEVEL, mtime=0) if len(body) >= MINIMUM_SIZE else None)

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"")

    def response(self) -> EncodedResponse:
        return EncodedResponse(self)


class EncodedResponse(Response):
    """An :class:`Encoded` answer: gzipped for a client that accepts gzip, plain otherwise."""

    media_type = "application/json"

    def __init__(self, encoded: Encoded) -> None:
        super().__init__(encoded.body)
        self.encoded = encoded

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        gzipped = self.encoded.gzipped
        if gzipped is not None:
            self.headers["Vary"] = "Accept-Encoding"
            if "gzip" in Headers(scope=scope).get("accept-encoding", ""):
                self.body = gzipped
                self.headers["Content-Encoding"] = "gzip"
                self.headers["Content-Length"] = str(len(gzipped))
        await super().__call__(scope, receive, send)
