"""`assistant serve`: open the app in a browser tab (loopback only unless told)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console


def register(app: typer.Typer) -> None:
    @app.command("serve")
    def serve(
        ctx: typer.Context,
        host: Annotated[
            str | None,
            typer.Option(
                help="Interface to bind (default: serve.host, 127.0.0.1). 0.0.0.0 exposes the "
                "archive to the network: set serve.password first."
            ),
        ] = None,
        port: Annotated[int | None, typer.Option(help="Port (default: serve.port).")] = None,
    ) -> None:
        """Open the chat, search, archive and metadata-review app."""
        from assistant.archive import Archive
        from assistant.ui.app import create_app
        from assistant.ui.server import launch_app

        settings = ctx.obj.settings()
        serve_settings = settings.serve.model_copy(
            update={
                key: value
                for key, value in {"host": host, "port": port}.items()
                if value is not None
            }
        )
        settings = settings.model_copy(update={"serve": serve_settings})
        console = Console(stderr=True)
        if (
            serve_settings.host not in ("127.0.0.1", "localhost", "::1")
            and not serve_settings.password
        ):
            console.print(
                "[yellow]warning:[/] serving beyond this machine without a password; "
                "set ASSISTANT_SERVE__PASSWORD."
            )
        if serve_settings.host in ("0.0.0.0", "::") and not serve_settings.allowed_hosts:
            console.print(
                "[yellow]warning:[/] only loopback names are answered; list the name or "
                "address colleagues open in serve.allowed_hosts "
                "(ASSISTANT_SERVE__ALLOWED_HOSTS='[\"archive.desk\"]')."
            )
        with Archive.open(settings) as archive:
            launch_app(create_app(archive), settings, block=True)
