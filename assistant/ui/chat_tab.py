"""The Ask tab: a multimodal message box, the streamed answer, and the cited clips."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.agent.asking import StreamsAnswers
from assistant.agent.events import AgentEvent
from assistant.errors import AssistantError
from assistant.models.generation_queue import QueueWatch
from assistant.retrieval.modalities import MODALITIES
from assistant.schemas import Answer, ToolCall
from assistant.ui.answer_view import evidence_html, link_citations
from assistant.ui.media import MediaLinks
from assistant.ui.uploads import split_uploads
from assistant.ui.waiting import waiting_text, with_ticks

EMPTY_EVIDENCE = (
    '<div class="aa-empty"><h3>Cited clips appear here</h3>'
    "<p>Ask a question about the archive. Every claim in the answer links to a clip "
    "— click <b>[1]</b> to play it from the right second.</p></div>"
)
# Chats served at once; more wait in Gradio's queue. The model is not the limit (it has its
# own queue): this bounds the searches and threads running beside it.
CHAT_CONCURRENCY = 8
Outputs = tuple[list[dict[str, Any]], str, Any, list[dict[str, Any]], Any]


def _tool_log(call: ToolCall) -> str:
    """A one-line header for the step ("Found 8 clip(s)"); the full summary goes inside."""
    if call.error:
        return "failed"
    text = call.summary
    if text.startswith("(") and ") " in text:  # "(why this tool) result: details"
        text = text.split(") ", 1)[1]
    head = re.split(r":\s", text, maxsplit=1)[0]
    return head if len(head) <= 60 else head[:59] + "…"


def _tool_body(call: ToolCall, limit: int = 1200) -> str:
    text = f"Failed: {call.error}" if call.error else call.summary
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _error_text(exc: AssistantError) -> str:
    return f"⚠️ {exc.message}" + (f"\n\n→ {exc.hint}" if exc.hint else "")


def _user_messages(text: str, uploads: dict[str, Path]) -> list[dict[str, Any]]:
    messages: list[dict[str, Any]] = [
        {"role": "user", "content": {"path": str(uploads[m.name])}}
        for m in MODALITIES
        if m.name in uploads
    ]
    if text:
        messages.append({"role": "user", "content": text})
    return messages


class ChatHandler:
    """Runs one question through a per-browser ChatSession and streams the view."""

    def __init__(
        self, session_factory: Callable[[], StreamsAnswers], links: MediaLinks, max_upload_mb: int
    ) -> None:
        self.session_factory = session_factory
        self.links = links
        self.max_upload_mb = max_upload_mb

    def ask(
        self,
        message: dict[str, Any] | str | None,
        history: list[dict[str, Any]],
        state: Conversation | None,
    ) -> Iterator[Outputs]:
        text, files = _message_parts(message)
        try:
            uploads = split_uploads(files, self.max_upload_mb)
        except AssistantError as exc:
            raise gr.Error(_error_text(exc)) from exc
        if not text and not uploads:
            nouns = " or ".join(m.a_noun for m in MODALITIES)
            raise gr.Error(f"Type a question, or attach {nouns}.")
        state = state or Conversation(self.session_factory())
        turn = len(state.evidence) + 1
        history = [*history, *_user_messages(text, uploads)]
        working = _Turn(turn)
        yield self._view(history, working, state)
        watch = QueueWatch()
        session = state.session
        try:
            for event in with_ticks(lambda: session.ask_stream(text, None, **uploads), watch):
                if event is None:  # no event for a while: show where the turn waits
                    if working.wait(waiting_text(watch.ahead)):
                        yield self._view(history, working, state)
                    continue
                working.wait(None)
                working.apply(event)
                yield self._view(history, working, state)
        except AssistantError as exc:
            working.fail(_error_text(exc))
        state.evidence.append(
            evidence_html(working.answer, turn, self.links) if working.answer is not None else ""
        )
        yield self._view(history, working, state, evidence=state.render())

    def _view(
        self,
        history: list[dict[str, Any]],
        working: _Turn,
        state: Conversation,
        evidence: str | None = None,
    ) -> Outputs:
        shown = [*history, *working.messages()]
        done = working.answer is not None or working.error is not None
        new_history = shown if done else history
        box = gr.MultimodalTextbox(value=None, interactive=done)
        return shown, evidence if evidence is not None else gr.skip(), box, new_history, state


@dataclass
class Conversation:
    """One browser tab's chat: the agent session and each turn's cited clips, so the [n]
    links of earlier answers still open their clips."""

    session: StreamsAnswers
    evidence: list[str] = field(default_factory=list)

    def render(self) -> str:
        latest = self.evidence[-1] or '<p class="aa-empty">No clips for this answer.</p>'
        earlier = [html for html in reversed(self.evidence[:-1]) if html]
        if not earlier:
            return latest
        return (
            latest + '<details class="aa-earlier"><summary>Clips of earlier answers'
            f"</summary>{''.join(earlier)}</details>"
        )


class _Turn:
    """The assistant side of one turn while it streams: tool steps, text, the answer."""

    def __init__(self, turn: int) -> None:
        self.turn = turn
        self.steps: list[dict[str, Any]] = []
        self.text = ""
        self.answer: Answer | None = None
        self.error: str | None = None
        self.waiting: str | None = None  # "⏳ Waiting for the model: 2 ahead"

    def wait(self, text: str | None) -> bool:
        """Show (or clear) the queue line; True when it changed."""
        changed = text != self.waiting
        self.waiting = text
        return changed

    def apply(self, event: AgentEvent) -> None:
        call = event.tool_call
        if event.type == "tool_started" and call is not None:
            self.steps.append(
                {
                    "role": "assistant",
                    "content": "",
                    "metadata": {"title": f"Tool: {call.tool}", "status": "pending"},
                }
            )
        elif event.type == "tool_finished" and call is not None and self.steps:
            self.steps[-1]["content"] = _tool_body(call)
            self.steps[-1]["metadata"].update(
                status="done", log=_tool_log(call), duration=call.seconds
            )
        elif event.type == "token":
            self.text += event.text
        elif event.type == "answer" and event.answer is not None:
            # The final text is authoritative: grounding may renumber or drop citations.
            self.answer = event.answer
            self.text = event.answer.text

    def fail(self, text: str) -> None:
        self.error = text

    def messages(self) -> list[dict[str, Any]]:
        for step in self.steps:  # a finished turn leaves no spinner behind
            if self.answer is not None or self.error is not None:
                step["metadata"]["status"] = "done"
        if self.error is not None:
            body = self.error
        elif self.answer is not None:
            body = link_citations(self.answer.text, self.turn, len(self.answer.citations))
            if self.answer.abstained and not self.answer.citations:
                body = f"**Not in the archive.** {body}"
        else:
            body = self.text or self.waiting or "…"
        answer = {"role": "assistant", "content": body, "metadata": {"id": "answer"}}
        if self.answer is None and self.error is None:
            answer["metadata"] = {"id": "streaming"}
        return [*self.steps, answer]


def _message_parts(message: dict[str, Any] | str | None) -> tuple[str, list[str]]:
    if message is None:
        return "", []
    if isinstance(message, str):
        return message.strip(), []
    files = []
    for item in message.get("files") or []:
        files.append(item if isinstance(item, str) else item.get("path", ""))
    return str(message.get("text") or "").strip(), [f for f in files if f]


def build_chat_tab(handler: ChatHandler) -> None:
    with gr.Row(equal_height=False):
        with gr.Column(scale=5, min_width=380):
            chatbot = gr.Chatbot(
                label="Conversation",
                height=560,
                elem_id="aa-chat",
                feedback_options=None,
                placeholder="**Ask the archive.** e.g. *What was said about flooding?* — "
                "or attach a photo to find where it appears, or an audio clip "
                "to find where it was said.",
            )
            box = gr.MultimodalTextbox(
                placeholder="Ask a question — attach a photo or audio clip, or record one",
                file_types=[kind for m in MODALITIES for kind in m.accepts],
                file_count="multiple",
                sources=["upload", "microphone"],
                show_label=False,
                elem_id="aa-ask-box",
                submit_btn="Ask",
            )
        with gr.Column(scale=4, min_width=340):
            evidence = gr.HTML(EMPTY_EVIDENCE, elem_id="aa-evidence")
    history = gr.State([])
    session = gr.State(None)

    def ask(
        message: dict[str, Any] | None,
        history_value: list[dict[str, Any]],
        session_value: Conversation | None,
    ) -> Iterator[Outputs]:
        yield from handler.ask(message, history_value, session_value)

    # Several chats search at once; the model itself writes one answer at a time through
    # its own queue (models/generation_queue.py), whose position each chat shows.
    box.submit(
        ask,
        [box, history, session],
        [chatbot, evidence, box, history, session],
        api_name="ask",
        show_progress="hidden",
        concurrency_limit=CHAT_CONCURRENCY,
        concurrency_id="chat",
    )
