"""Stream one string field out of JSON that is still being generated.

The answer is generated as constrained JSON ({"answerable": ..., "answer": "..."}) so a
small model must decide explicitly whether the evidence answers the question; the user
still sees the answer's words as they come, decoded from inside the JSON string.
"""

from __future__ import annotations

import json
import re

_ESCAPES = {'"': '"', "\\": "\\", "/": "/", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t"}


class JsonStringFieldStreamer:
    def __init__(self, field: str) -> None:
        self._opening = re.compile(r'"' + re.escape(field) + r'"\s*:\s*"')
        self._raw = ""
        self._start: int | None = None
        self._pos = 0
        self.done = False

    def feed(self, chunk: str) -> str:
        """Add generated text; return the field's newly decoded characters (maybe empty)."""
        self._raw += chunk
        if self.done:
            return ""
        if self._start is None:
            match = self._opening.search(self._raw)
            if match is None:
                return ""
            self._start = self._pos = match.end()
        return self._decode()

    def _decode(self) -> str:
        out: list[str] = []
        raw, pos = self._raw, self._pos
        while pos < len(raw):
            char = raw[pos]
            if char == '"':
                self.done = True
                pos += 1
                break
            if char != "\\":
                out.append(char)
                pos += 1
                continue
            if pos + 1 >= len(raw):
                break  # the escape is not complete yet
            code = raw[pos + 1]
            if code == "u":
                if pos + 6 > len(raw):
                    break
                out.append(_unicode(raw[pos + 2 : pos + 6]))
                pos += 6
            else:
                out.append(_ESCAPES.get(code, code))
                pos += 2
        self._pos = pos
        return "".join(out)

    @property
    def raw(self) -> str:
        return self._raw


def _unicode(hex_digits: str) -> str:
    try:
        return chr(int(hex_digits, 16))
    except ValueError:
        return ""


def parse_reply(raw: str) -> dict[str, object] | None:
    """The whole JSON reply, or None when generation stopped early (token limit)."""
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
