"""`assistant index migrate --to qdrant|chroma-server|faiss [--url URL]`."""

from __future__ import annotations

from typing import Annotated, Literal

import typer
from rich.console import Console

from assistant.command_rooms import command_group
from assistant.config import Settings
from assistant.errors import AssistantError

index_app, register = command_group("index", "The vector index: move it between engines.")


@index_app.command("migrate")
def migrate_cmd(
    ctx: typer.Context,
    to: Annotated[str, typer.Option(help="qdrant, chroma-server or faiss.")],
    url: Annotated[
        str | None,
        typer.Option(
            help="The target server (required for chroma-server; for qdrant, without it the "
            "copy goes to Qdrant's local mode under the data dir)."
        ),
    ] = None,
) -> None:
    """Copy every vector to another engine, then verify counts and a sample of queries."""
    from assistant.store.vectors.base import ALL_SPACES
    from assistant.store.vectors.factory import open_index
    from assistant.store.vectors.migrate import migrate

    source_settings = ctx.obj.settings()
    target_settings = _target(source_settings, _engine(to), url)
    err = Console(stderr=True)
    source, target = open_index(source_settings), open_index(target_settings)
    try:
        report = migrate(
            source,
            target,
            ALL_SPACES,
            copied=lambda space, n: err.print(f"{space}: {n} vectors copied"),
        )
    finally:
        source.close()
        target.close()
    out = Console()
    for space in report.spaces:
        out.print(
            f"{space.space:8} {space.source} → {space.target} vectors; "
            f"top-{report.k} agreement on {space.sample_queries} queries: "
            f"{space.overlap_at_k if space.overlap_at_k is not None else '-'}"
        )
    if not report.ok:
        raise AssistantError(
            "The copy does not match the source (see the figures above).",
            hint="Run the migration again; upserts are idempotent.",
        )
    out.print(
        f"[green]verified[/] in {report.seconds} s. Switch with: "
        + _switch_hint(target_settings.store.vectors, url)
    )


Engine = Literal["qdrant", "chroma-server", "faiss"]


def _engine(to: str) -> Engine:
    if to not in ("qdrant", "chroma-server", "faiss"):
        raise AssistantError(
            f"Unknown target '{to}'.", hint="Use --to qdrant, --to chroma-server or --to faiss."
        )
    return to  # type: ignore[return-value]


def _target(settings: Settings, to: Engine, url: str | None) -> Settings:
    store = settings.store
    if to == "faiss":  # embedded under the data dir (data_dir/faiss)
        if store.vectors == "faiss":
            raise AssistantError("That is the index in use already.")
        store = store.model_copy(update={"vectors": "faiss"})
    elif to == "chroma-server":
        if not url:
            raise AssistantError(
                "--to chroma-server needs --url http://HOST:PORT.",
                hint="Start one with `chroma run --path DIR --port 8000`.",
            )
        if store.vectors == "chroma" and store.chroma_url == url:
            raise AssistantError("That is the index in use already.")
        store = store.model_copy(update={"vectors": "chroma", "chroma_url": url})
    else:
        qdrant = store.qdrant.model_copy(update={"url": url})
        store = store.model_copy(update={"vectors": "qdrant", "qdrant": qdrant})
    return settings.model_copy(update={"store": store})


def _switch_hint(engine: str, url: str | None) -> str:
    if engine == "faiss":
        return "ASSISTANT_STORE__VECTORS=faiss (or store.vectors: faiss in the profile)"
    if engine == "qdrant":
        return "ASSISTANT_STORE__VECTORS=qdrant" + (
            f" ASSISTANT_STORE__QDRANT__URL={url}" if url else ""
        )
    return f"ASSISTANT_STORE__CHROMA_URL={url}"
