"""`assistant reembed`: re-embed the archive's stored texts with the profile's text
encoder (after changing models.text, e.g. to the multilingual one). Nothing is decoded or
transcribed again."""

from __future__ import annotations

import typer
from rich.console import Console


def register(app: typer.Typer) -> None:
    @app.command("reembed")
    def reembed(ctx: typer.Context) -> None:
        """Re-embed every stored passage (speech, documents, OCR, captions) with the
        current text encoder, so search works again after models.text changed."""
        from assistant.archive import Archive
        from assistant.ingest.progress_view import RichProgress
        from assistant.store.text_space import text_space

        with Archive.open(ctx.obj.settings()) as archive:
            space = text_space(archive)
            before = space.recorded_model() or "nothing recorded"
            with RichProgress(Console(stderr=True)) as progress:
                count = space.reembed(progress)
            Console().print(f"re-embedded {count} passage(s): {before} → {space.current_model()}")
