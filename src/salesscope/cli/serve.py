"""``salesscope serve``: the dashboard and REST API on one local port."""

from __future__ import annotations

from typing import Annotated

import typer

from salesscope.cli.common import DEFAULT_WORKSPACE, WorkspaceOpt, console, open_workspace


def register(app: typer.Typer) -> None:
    @app.command()
    def serve(
        host: Annotated[str, typer.Option(help="Address to bind; keep 127.0.0.1 unless behind a proxy.")] = "127.0.0.1",
        port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
        workspace: WorkspaceOpt = DEFAULT_WORKSPACE,
    ) -> None:
        """Serve the web dashboard and the REST API (/api/v1, /openapi.json); logins required."""
        import uvicorn

        from salesscope.web import create_app

        ws = open_workspace(workspace)
        web = create_app(ws, announce=lambda msg: console.print(f"[bold yellow]{msg}[/]", highlight=False))
        console.print(f"SalesScope on http://{host}:{port}/  (API: /api/v1, OpenAPI: /openapi.json)")
        uvicorn.run(web, host=host, port=port, log_level="warning")
