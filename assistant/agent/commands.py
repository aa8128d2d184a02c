"""`assistant ask "question" [--image F] [--audio F] [--filter key=value ...] [--json]`."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console

from assistant.agent.evidence import clip_label
from assistant.cli_options import AsJson
from assistant.retrieval.media_options import FilterOption, with_media_options
from assistant.schemas import Answer, Filters

if TYPE_CHECKING:
    from assistant.agent.asking import StreamsAnswers


def answer_json(answer: Answer) -> dict[str, Any]:
    """The answer with its citations as clips in the same shape as `search --json`."""
    from assistant.retrieval.commands import clip_json

    return {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [{"n": c.n, **clip_json(c.clip)} for c in answer.citations],
        "nearest": [clip_json(clip) for clip in answer.nearest],
        "flagged": answer.flagged,
        "retrieved": [clip_json(clip) for clip in answer.retrieved],
        "trace": [call.model_dump(mode="json") for call in answer.trace],
        "timings": answer.timings,
    }


def print_answer_sources(answer: Answer, console: Console) -> None:
    if answer.abstained:
        if answer.nearest:
            console.print("\n[bold]Nearest clips (not an answer):[/]")
            for clip in answer.nearest:
                console.print(f"  - {clip_label(clip)}", markup=False)
        return
    console.print("\n[bold]Sources:[/]")
    for citation in answer.citations:
        console.print(
            f"  [{citation.n}] {clip_label(citation.clip)}", markup=False, highlight=False
        )
    for sentence in answer.flagged:
        console.print("[yellow]checked, not supported by its source:[/] ", end="")
        console.print(sentence, markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    @app.command("ask")
    @with_media_options(lambda modality: f"Attach {modality.a_noun}.")
    def ask(
        ctx: typer.Context,
        question: Annotated[
            str, typer.Argument(help="Your question (may be empty with an upload).")
        ] = "",
        *,
        media: dict[str, Path],
        filters: FilterOption = None,
        as_json: AsJson = False,
        markdown: Annotated[
            Path | None,
            typer.Option(
                help="Also save the answer with its sources (files, timecodes) as Markdown "
                "here, appended if the file exists (a story's notes)."
            ),
        ] = None,
    ) -> None:
        """Ask the archive a question; the answer cites the clips it rests on."""
        from assistant.agent.session import ChatSession
        from assistant.archive import Archive
        from assistant.retrieval.commands import parse_filters
        from assistant.retrieval.engine import search_engine

        chosen = parse_filters(filters or [])
        with Archive.open(ctx.obj.settings()) as archive:
            session = ChatSession(archive, search_engine(archive))
            answer: Answer | None
            if as_json:
                answer = session.ask(question, filters=chosen, **media)
                sys.stdout.write(json.dumps(answer_json(answer), indent=2) + "\n")
            else:
                answer = _ask_streaming(session, question, media, chosen)
        if markdown is not None and answer is not None:
            from assistant.export.answer import answer_markdown

            with markdown.open("a", encoding="utf-8") as notes:
                notes.write(answer_markdown(answer) + "\n")
            Console(stderr=True).print(f"[dim]saved to {markdown}[/]")


def _ask_streaming(
    session: StreamsAnswers, question: str, media: dict[str, Path], filters: Filters | None
) -> Answer | None:
    """Tool steps and a progress line go to stderr; the checked answer is printed once on
    stdout (the draft the model streams may still be corrected by grounding)."""
    console = Console()
    status = Console(stderr=True)
    drafted = 0
    final: Answer | None = None
    for event in session.ask_stream(question, filters=filters, **media):
        if event.type == "tool_started" and event.tool_call is not None:
            status.print(
                f"[dim]→ {event.tool_call.tool} {event.tool_call.arguments}[/]", highlight=False
            )
        elif event.type == "tool_finished" and event.tool_call is not None:
            call = event.tool_call
            head = f"failed: {call.error}" if call.error else _headline(call.summary)
            status.print(
                f"  {head} ({call.seconds:.1f}s)", style="dim", markup=False, highlight=False
            )
        elif event.type == "token":
            if drafted == 0:
                status.print("[dim]writing the answer…[/]")
            drafted += len(event.text)
        elif event.type == "answer" and event.answer is not None:
            sys.stdout.write(event.answer.text + "\n")
            sys.stdout.flush()
            print_answer_sources(event.answer, console)
            final = event.answer
    return final


def _headline(summary: str) -> str:
    """The step's first line without the "(why)" prefix: "searched 'x' → 5 clips, best …"."""
    text = summary.split(") ", 1)[1] if summary.startswith("(") and ") " in summary else summary
    return text.splitlines()[0] if text else ""
