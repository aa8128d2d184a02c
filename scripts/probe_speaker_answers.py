"""Probe tests/integration/test_agent_speaker_answers.py: build the interviews suite, run it
through the agent as the test's fixture does, and dump what each answer was decided from
(transcripts and speaker turns, retrieved clips, the model's calls and seeds, the support
check, the answer) as JSON, so two runs can be diffed.

    .venv/bin/python scripts/probe_speaker_answers.py OUT_DIR
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))


def main() -> None:
    root = Path(sys.argv[1])
    root.mkdir(parents=True, exist_ok=True)
    from assistant.agent import session as session_mod
    from assistant.config import load_settings
    from assistant.evaluation.runner import run_suite
    from assistant.models import llm as llm_mod
    from scripts import make_interview_suite

    log: list[dict[str, Any]] = []
    current: dict[str, Any] = {}

    def note(kind: str, **data: Any) -> None:
        log.append({"kind": kind, "question": current.get("q"), **data})

    def digest(messages: Any) -> str:
        return hashlib.sha1(json.dumps(messages).encode()).hexdigest()[:10]

    real_stream_after = llm_mod.LlamaCppChat.stream_after
    real_complete = llm_mod.LlamaCppChat.complete
    real_stream = llm_mod.LlamaCppChat.stream

    def stream_after(self: Any, request: Any, after: Any) -> Any:
        seed = getattr(self._llama, "_seed", None)
        pieces: list[str] = []
        for piece in real_stream_after(self, request, after):
            pieces.append(piece)
            yield piece
        note(
            "llm.stream_after",
            prefix=after.prefix[-40:],
            seed_before=seed,
            temperature=request.temperature,
            prompt=digest(request.messages),
            out="".join(pieces),
        )

    def complete(self: Any, request: Any) -> str:
        seed = getattr(self._llama, "_seed", None)
        out = real_complete(self, request)
        note(
            "llm.complete",
            seed_before=seed,
            temperature=request.temperature,
            prompt=digest(request.messages),
            out=out,
        )
        return out

    def stream(self: Any, request: Any) -> Any:
        pieces: list[str] = []
        for piece in real_stream(self, request):
            pieces.append(piece)
            yield piece
        note("llm.stream", prompt=digest(request.messages), out="".join(pieces))

    llm_mod.LlamaCppChat.stream_after = stream_after  # type: ignore[method-assign]
    llm_mod.LlamaCppChat.complete = complete  # type: ignore[method-assign]
    llm_mod.LlamaCppChat.stream = stream  # type: ignore[method-assign]

    real_supports = session_mod.supports

    def supports(question: str, answer: str, cited: list[Any], *args: Any, **kw: Any) -> bool:
        verdict = real_supports(question, answer, cited, *args, **kw)
        note(
            "supports",
            answer=answer,
            cited=[(i.n, i.speaker, i.text[:120]) for i in cited],
            verdict=verdict,
        )
        return verdict

    session_mod.supports = supports  # type: ignore[assignment]
    real_quote = session_mod.quote_answer

    def quote_answer(question: str, allowed: list[Any], *args: Any) -> Any:
        got = real_quote(question, allowed, *args)
        note("quote_answer", got=None if got is None else got.text)
        return got

    session_mod.quote_answer = quote_answer  # type: ignore[assignment]
    real_ground = session_mod.ChatSession._ground

    def ground(self: Any, reply: dict[str, Any], allowed: list[Any], question: str = "") -> Any:
        got = real_ground(self, reply, allowed, question)
        note("ground", reply=reply, grounded=None if got is None else got.text)
        return got

    session_mod.ChatSession._ground = ground  # type: ignore[method-assign]
    real_messages = session_mod.ChatSession._messages

    def messages(self: Any, question: str, ctx: Any, task: str) -> Any:
        out = real_messages(self, question, ctx, task)
        note(
            "prompt",
            digest=digest(out),
            user=out[-1]["content"],
            rewrites=list(ctx.rewrites),
            answered=dict(ctx.answered),
        )
        return out

    session_mod.ChatSession._messages = messages  # type: ignore[method-assign]
    real_ask = session_mod.ChatSession.ask_stream

    def ask_stream(self: Any, question: str, *args: Any, **kw: Any) -> Any:
        current["q"] = question
        for event in real_ask(self, question, *args, **kw):
            if event.answer is not None:
                a = event.answer
                note(
                    "answer",
                    text=a.text,
                    abstained=a.abstained,
                    trace=[(t.tool, t.arguments, t.summary) for t in a.trace],
                    retrieved=[
                        (c.file, c.start_s, c.end_s, round(c.score, 6), c.speaker, c.snippet[:80])
                        for c in a.retrieved
                    ],
                )
            yield event

    session_mod.ChatSession.ask_stream = ask_stream  # type: ignore[method-assign]

    suite = root / "interviews"
    make_interview_suite.build(suite)
    settings = load_settings("default", data_dir=root / "data")
    report = run_suite(suite, root / "out", settings, no_llm=False)

    from assistant.agent.passages import asset_text_segments
    from assistant.archive import Archive

    segments: dict[str, Any] = {}
    with Archive.open(settings.model_copy(update={"data_dir": root / "out" / "data"})) as archive:
        for asset in archive.catalog.assets():
            segments[asset.rel_path] = [
                (s.kind, s.start_s, s.end_s, s.speaker, s.text)
                for s in asset_text_segments(archive.catalog, asset.asset_id)
            ]
    asks = [row for row in report["cases"] if row["type"] == "ask"]
    summary = {
        "attribution": report["speakers"]["attribution"],
        "der": report["speakers"]["der"],
        "asks": [(r["id"], r["abstained"], r["answer"]) for r in asks],
    }
    (root / "probe.json").write_text(
        json.dumps({"summary": summary, "segments": segments, "log": log}, indent=1, default=str)
    )
    print(json.dumps(summary, indent=1, default=str))


if __name__ == "__main__":
    main()
