"""``salesscope serve``: the dashboard and REST API on one local port."""

from __future__ import annotations

from typing import Annotated

import typer

from salesscope.cli.common import DEFAULT_WORKSPACE, WorkspaceOpt, console, open_workspace
from salesscope.errors import SalesScopeError, UsageError
from salesscope.locale import Text


def check_port(host: str, port: int) -> None:
    """Refuse, before anything is announced, a port another program already listens on."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror:
        raise UsageError(Text("error.cli.bad_host", host=host)) from None
    family, _, _, _, address = infos[0]
    with socket.socket(family, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            s.bind(address)
        except OSError as e:
            raise SalesScopeError(Text("error.cli.port_taken", host=host, port=port, detail=e.strerror)) from None


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="Address to bind; keep 127.0.0.1 unless behind a proxy.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
    ) -> None:
        """Serve the web dashboard and the REST API (/api/v1, /openapi.json); logins required."""
        import sys

        import uvicorn

        from salesscope.web import create_app
        from salesscope.web.app import SWITCH_INTERVAL

        check_port(host, port)
        ws = open_workspace(workspace)
        web = create_app(ws, announce=lambda msg: console.print(f"[bold yellow]{msg}[/]", highlight=False),
                         warm=True)
        console.print(f"SalesScope on http://{host}:{port}/  (API: /api/v1, OpenAPI: /openapi.json)")
        sys.setswitchinterval(SWITCH_INTERVAL)
        uvicorn.run(web, host=host, port=port, log_level="warning")
