"""ChatSession: one conversation with the archive. Each turn: a rule-chosen first tool,
model-chosen further tools (bounded by settings.agent.max_steps), then a grounded answer
generated as constrained JSON, streamed, and checked citation by citation.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from assistant.agent.asking import EventStream
from assistant.agent.events import AgentEvent
from assistant.agent.evidence import EvidenceBook, EvidenceItem, defang, withhold_instructions
from assistant.agent.grounding import CITATION, Grounded, ground, without_refusals
from assistant.agent.jsonstream import JsonStringFieldStreamer, parse_reply
from assistant.agent.line_rank import lift_answering_lines
from assistant.agent.names import archive_names
from assistant.agent.planner import (
    Step,
    anchor_clip,
    first_step,
    plan_schema,
    step_from_plan,
    wants_planning,
)
from assistant.agent.prompting import render
from assistant.agent.quote_answer import quote_answer
from assistant.agent.record_dates import with_record_date
from assistant.agent.rewrite import (
    TOP_HITS,
    foreign_language,
    needs_rewrite,
    rewrite_queries,
    topic_query,
)
from assistant.agent.skeleton import ContinuesReplies, stream_answer_json
from assistant.agent.speakers import with_asked_questions
from assistant.agent.support import supports
from assistant.agent.tools import ArchiveTool, build_tools
from assistant.agent.turn import TurnContext
from assistant.agent.uploads import upload_answer
from assistant.agent.uploads_given import checked_uploads
from assistant.archive import Archive
from assistant.errors import AssistantError
from assistant.models.base import ChatLLM, ChatRequest, Message, TokenStream
from assistant.retrieval.modalities import MODALITIES, by_tool
from assistant.retrieval.music_words import with_music_filters
from assistant.retrieval.outcome import SearchesClips
from assistant.schemas import Answer, Filters, SearchQuery, ToolCall
from assistant.vocabulary.tools import (
    SEARCH_ARCHIVE,
    VISUAL_QUESTION,
)

ANSWER_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {"answerable": {"type": "boolean"}, "answer": {"type": "string"}},
    "required": ["answerable", "answer"],
}
ABSTAIN_TEXT = "The archive does not contain an answer to this question."
NEAREST_NOTE = " The nearest clips found are listed below; they do not answer it."
NEAREST_COUNT = 3
HISTORY_TURNS = 1
HISTORY_CHARS = 300
# A question that leans on the previous turn ("what did she say about it?"). Only then is
# the earlier turn shown: a small model shown an earlier "not in the archive" repeats it
# for the next, unrelated question although its answer is in the evidence.
_REFERS_BACK = re.compile(
    r"\b(he|she|they|him|her|them|his|hers|their|it|its|this|that|those|these|there|"
    r"the same|again|also|too)\b",
    re.IGNORECASE,
)


@dataclass
class _Steps:
    """A turn's tools, and what its steps record: the tool calls made and their times."""

    tools: dict[str, ArchiveTool]
    trace: list[ToolCall] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)


@dataclass
class Turn:
    question: str
    uploads: dict[str, Path]  # by query modality name
    answer: Answer


class ChatSession:
    def __init__(self, archive: Archive, engine: SearchesClips) -> None:
        self.archive = archive
        self.engine = engine
        self.settings = archive.settings.agent
        self.turns: list[Turn] = []
        self._names: tuple[object, list[str]] | None = None

    # --- public -------------------------------------------------------------------------
    def ask(
        self, question: str, filters: Filters | None = None, **uploads: Path | str | None
    ) -> Answer:
        """`uploads`: files by query modality name (retrieval/modalities.py), e.g.
        image=Path("a.jpg"); None means not given."""
        final: Answer | None = None
        for event in self.ask_stream(question, filters=filters, **uploads):
            if event.answer is not None:
                final = event.answer
        assert final is not None
        return final

    def ask_stream(
        self, question: str, filters: Filters | None = None, **uploads: Path | str | None
    ) -> EventStream:
        started = time.perf_counter()
        question = " ".join(question.split())
        given = checked_uploads(question, uploads)
        worded = with_music_filters(question, filters or Filters())
        ctx = TurnContext(
            self.archive,
            self.engine,
            given,
            # A named record date ("the brief of 9 January 2024") filters to that day.
            with_record_date(question, worded, self.archive.catalog),
            evidence=EvidenceBook(names=self._archive_names(), question=question),
        )
        steps = _Steps(build_tools(ctx))
        timings = steps.timings
        yield from self._gather(question, ctx, steps)
        if not ctx.restated and not ctx.uploads:  # line_rank.py: the line that answers
            lift_answering_lines(
                ctx.evidence, [question, *ctx.rewrites], self.archive.models.support()
            )
        allowed = ctx.evidence.shown(self.settings.evidence_items)
        grounded: Grounded | None = None
        if ctx.uploads:
            grounded = upload_answer(question, ctx.evidence.items, self.archive)
            if grounded is not None:
                yield AgentEvent(type="token", text=grounded.text)
        if allowed and grounded is None:
            reply: dict[str, Any] = {}
            for piece in self._generate(question, ctx, reply, timings, started):
                yield AgentEvent(type="token", text=piece)
            grounded = self._ground(reply, allowed, question)
            if grounded is not None and not supports(
                question,
                grounded.text,
                with_asked_questions(_cited_items(grounded, allowed), allowed, ctx.answered),
                ctx.rewrites,
                self.archive.models.support(),
                restated=bool(ctx.restated),
                upload=bool(ctx.uploads),
                names=ctx.evidence.names,
            ):
                grounded = None  # support.py: not about what was asked, or not its kind
            drafted = reply.get("answerable") is True and not ctx.restated and not ctx.uploads
            if drafted and grounded is None:
                # quote_answer.py: the model found an answer but drew it from the wrong
                # line; the shown line that answers, in its own words. A decline stands:
                # quoted over it, "Will the pool be sold?" got "the pool will reopen".
                grounded = quote_answer(
                    question,
                    allowed,
                    self.archive.models.support(),
                    ctx.answered,
                    ctx.rewrites,
                    ctx.evidence.names,
                )
        timings["total_s"] = round(time.perf_counter() - started, 3)
        answer = self._answer(question, ctx, grounded, steps)
        self.turns.append(Turn(question, ctx.uploads, answer))
        yield AgentEvent(type="answer", answer=answer)

    @property
    def answers(self) -> list[Answer]:
        return [turn.answer for turn in self.turns]

    def reset(self) -> None:
        self.turns.clear()

    # --- tools --------------------------------------------------------------------------
    def _gather(
        self,
        question: str,
        ctx: TurnContext,
        steps: _Steps,
    ) -> Iterator[AgentEvent]:
        first = first_step(question, ctx, self.answers)
        ctx.restated = first.restated
        anchor = anchor_clip(self.answers)
        if anchor is not None and {"after_s", "before_s"} & set(first.args):
            ctx.anchor_segments = list(anchor.segment_ids)
        step: Step | None = first
        done: set[str] = set()
        for number in range(1, max(1, self.settings.max_steps) + 1):
            if step is None or step.key() in done:
                return
            done.add(step.key())
            yield from self._run_step(number, step, steps)
            if number == 1 and step is first:
                yield from self._broaden(question, ctx, steps, done)
            if number >= self.settings.max_steps or not wants_planning(
                question, ctx, self.settings.planner
            ):
                return
            step = self._plan(question, ctx, steps, number)

    def _run_step(
        self,
        number: int,
        step: Step,
        steps: _Steps,
    ) -> Iterator[AgentEvent]:
        call = ToolCall(tool=step.tool, arguments=step.args)
        yield AgentEvent(type="tool_started", tool_call=call.model_copy())
        began = time.perf_counter()
        try:
            call.summary = f"({step.reason}) {steps.tools[step.tool].invoke(step.args)}"
        except AssistantError as exc:
            call.error = exc.message
        except Exception as exc:  # one failed tool must not lose the turn
            call.error = f"{type(exc).__name__}: {exc}"
        call.seconds = round(time.perf_counter() - began, 3)
        steps.timings[f"step_{number}_{step.tool}_s"] = call.seconds
        steps.trace.append(call)
        yield AgentEvent(type="tool_finished", tool_call=call)

    def _broaden(
        self,
        question: str,
        ctx: TurnContext,
        steps: _Steps,
        done: set[str],
    ) -> Iterator[AgentEvent]:
        """Search again with the model's rewordings when the question's own words did not
        find clips that share them (a paraphrase), or always/never by setting."""
        mode = self.settings.rewrite
        if mode == "never" or ctx.restated or ctx.uploads:
            return
        # rewrite.py: a question in another language is always reworded, into English.
        language = foreign_language(question, self.archive.settings.asr.languages)
        if mode == "auto" and not language and not needs_rewrite(question, ctx.retrieved):
            return
        if mode == "auto" and not language and self._topic_found(question, ctx):
            topic = Step(SEARCH_ARCHIVE, {"query": topic_query(question)}, "rule: the topic")
            if topic.key() not in done:
                done.add(topic.key())
                yield from self._run_step(100, topic, steps)
            return
        began = time.perf_counter()
        queries = rewrite_queries(self._llm(), defang(question), language=language)
        ctx.rewrites = list(queries)
        steps.timings["rewrite_s"] = round(time.perf_counter() - began, 3)
        for number, query in enumerate(queries, start=1):
            step = Step(SEARCH_ARCHIVE, {"query": query}, "rewritten query")
            if step.key() not in done:
                done.add(step.key())
                yield from self._run_step(100 + number, step, steps)

    def _topic_found(self, question: str, ctx: TurnContext) -> bool:
        """Do the best hits of the question's topic alone hold that topic? Looked at
        before they become evidence: when they do not, they would only be noise."""
        topic = topic_query(question)
        if not topic:
            return False
        hits = ctx.engine.run(SearchQuery(text=topic, filters=ctx.filters, k=TOP_HITS)).clips
        return not needs_rewrite(question, list(hits))

    def _plan(
        self,
        question: str,
        ctx: TurnContext,
        steps: _Steps,
        number: int,
    ) -> Step | None:
        offered = [tool for tool in steps.tools.values() if _offered(tool.name, ctx)]
        messages = self._messages(question, ctx, render("agent_plan.j2", tools=offered))
        began = time.perf_counter()
        raw = self._llm().complete(
            ChatRequest(
                messages,
                max_tokens=self.settings.max_plan_tokens,
                json_schema=plan_schema([tool.name for tool in offered]),
            )
        )
        steps.timings[f"plan_{number}_s"] = round(time.perf_counter() - began, 3)
        reply = parse_reply(raw)
        return step_from_plan(reply, question, ctx) if reply else None

    # --- answer -------------------------------------------------------------------------
    def _generate(
        self,
        question: str,
        ctx: TurnContext,
        reply: dict[str, Any],
        timings: dict[str, float],
        started: float,
    ) -> Iterator[str]:
        """Stream the answer field's text; fill `reply` with the parsed JSON at the end.
        `llm_start_s`: when the answer call began (the turn's work before the model)."""
        timings["llm_start_s"] = round(time.perf_counter() - started, 3)
        messages = self._messages(question, ctx, "")
        streamer = JsonStringFieldStreamer("answer")
        began = time.perf_counter()
        shown = ""
        llm = self._llm()
        chunks: TokenStream
        if isinstance(llm, ContinuesReplies):  # its fixed JSON read, not generated
            chunks = stream_answer_json(
                llm,
                messages,
                max_tokens=self.settings.max_answer_tokens,
                temperature=self.settings.temperature,
            )
        else:  # every ChatLLM streams under a JSON schema (models/base.py)
            chunks = llm.stream(
                ChatRequest(
                    messages,
                    max_tokens=self.settings.max_answer_tokens,
                    temperature=self.settings.temperature,
                    json_schema=ANSWER_SCHEMA,
                )
            )
        for chunk in chunks:
            piece = streamer.feed(chunk)
            if piece:
                timings.setdefault("first_token_s", round(time.perf_counter() - started, 3))
                shown += piece
                yield piece
            if streamer.done or _declined(streamer.raw):
                # The answer string is closed; the grammar would still allow whitespace
                # until max_tokens, which a small model sometimes loops on. Or the model
                # said the evidence does not answer: that turn abstains whatever the text
                # says (`_ground`), so its 20-40 tokens (2-3 s on 2 cores) are not made.
                chunks.close()
                break
        timings["answer_s"] = round(time.perf_counter() - began, 3)
        parsed = parse_reply(streamer.raw) or parse_reply(streamer.raw + "}")
        # Cut off by the token limit: keep what was written, let grounding judge it.
        reply.update(parsed or {"answerable": bool(shown.strip()), "answer": shown})

    def _ground(
        self, reply: dict[str, Any], allowed: list[EvidenceItem], question: str = ""
    ) -> Grounded | None:
        text = without_refusals(str(reply.get("answer") or ""))
        if reply.get("answerable") is not True or not text:
            return None
        grounded = ground(text, allowed, question)
        return grounded if grounded.citations else None

    def _answer(
        self,
        question: str,
        ctx: TurnContext,
        grounded: Grounded | None,
        steps: _Steps,
    ) -> Answer:
        if grounded is None:
            nearest = ctx.retrieved[:NEAREST_COUNT] or [
                item.clip for item in ctx.evidence.items[:NEAREST_COUNT]
            ]
            return Answer(
                question=question,
                text=ABSTAIN_TEXT + (NEAREST_NOTE if nearest else ""),
                abstained=True,
                nearest=nearest,
                retrieved=list(ctx.retrieved),
                trace=steps.trace,
                timings=steps.timings,
            )
        return Answer(
            question=question,
            text=grounded.text,
            citations=grounded.citations,
            retrieved=list(ctx.retrieved),
            trace=steps.trace,
            timings=steps.timings,
            flagged=grounded.flagged,
        )

    # --- prompts ------------------------------------------------------------------------
    def _messages(self, question: str, ctx: TurnContext, task: str) -> list[Message]:
        """System rules (with the answer format), then the turn (history, fenced evidence,
        question), then a task only when planning. The system prompt never changes and the
        turn is the same for planning and answering, so llama.cpp reuses the evaluated
        prefix instead of reading it again: on 2 cores prompt tokens are the main cost."""
        turn = render(
            "agent_turn.j2",
            history=self._history(question, ctx),
            question=_model_question(question, ctx),
            upload=_upload_label(ctx),
            evidence=ctx.evidence.render(self.settings.evidence_items),
        )
        return [
            {"role": "system", "content": render("agent_system.j2")},
            {"role": "user", "content": f"{turn}\n\n{task}" if task else turn},
        ]

    def _history(self, question: str, ctx: TurnContext) -> list[dict[str, str]]:
        """Earlier turns, only for questions that lean on them ("what did she say about
        taxes?") and no rule resolved: with a resolved follow-up the evidence already
        points at the right moment, and a small model shown the earlier answer tends to
        repeat it. Abstentions are never shown: whether this turn's evidence answers this
        turn's question is decided from that evidence alone."""
        if ctx.restated or not _REFERS_BACK.search(question):
            return []
        return [
            {
                "question": defang(turn.question) or "(upload)",
                "answer": defang(CITATION.sub("", turn.answer.text))[:HISTORY_CHARS],
            }
            for turn in self.turns[-HISTORY_TURNS:]
            if not turn.answer.abstained
        ]

    def _archive_names(self) -> list[str]:
        """The archive's curated names, read again only after the catalogue changed."""
        catalog = self.archive.catalog
        version = catalog.data_version()
        if self._names is None or self._names[0] != version:
            self._names = (version, archive_names(catalog))
        return self._names[1]

    def _llm(self) -> ChatLLM:
        return self.archive.models.llm()


# The answer JSON's first field, once the model has set it to false.
_DECLINED = re.compile(r'^\s*\{\s*"answerable"\s*:\s*false\b')


def _declined(raw: str) -> bool:
    return _DECLINED.match(raw) is not None


def _cited_items(grounded: Grounded, allowed: list[EvidenceItem]) -> list[EvidenceItem]:
    return [
        item
        for item in allowed
        if any(citation.clip is item.clip for citation in grounded.citations)
    ]


def _offered(name: str, ctx: TurnContext) -> bool:
    """Tools the planner may pick: upload searches only with an upload, visual questions
    only with visual-QA weights (a small model picks an offered tool even when it is off)."""
    uploaded = by_tool(name)
    if uploaded is not None:
        return uploaded.name in ctx.uploads
    if name == VISUAL_QUESTION:
        return ctx.archive.models.available("vqa")
    return True


def _upload_label(ctx: TurnContext) -> str:
    for modality in MODALITIES:
        if modality.name in ctx.uploads:
            return f"{modality.noun} ({defang(ctx.uploads[modality.name].name)})"
    return ""


def _model_question(question: str, ctx: TurnContext) -> str:
    asked = defang(question)
    if ctx.restated:
        asked = f"{asked} (that is: {ctx.restated})" if asked else ctx.restated
    if ctx.heard:
        asked += f' The uploaded clip says: "{defang(withhold_instructions(ctx.heard))}"'
    return asked
