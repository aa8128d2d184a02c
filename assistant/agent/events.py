"""What ChatSession.ask_stream yields, in order: tool_started / tool_finished per step,
token pieces of the answer as they are generated, and one final answer event.

The final Answer's text is authoritative: grounding may remove or renumber citations the
streamed tokens showed, or replace the text by an abstention, so a UI replaces the
streamed text with Answer.text when the answer event arrives.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

from assistant.schemas import Answer, ToolCall

EventType = Literal["tool_started", "tool_finished", "token", "answer"]


class AgentEvent(BaseModel):
    type: EventType
    tool_call: ToolCall | None = None
    text: str = ""
    answer: Answer | None = None
