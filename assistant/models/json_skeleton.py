"""Constrained JSON without decoding its fixed parts.

Under a JSON grammar every character of `{"answerable": true, "answer": "` is still
decoded one token at a time, and on 2 CPU cores each decoded token costs ~77 ms against
~13 ms for a token read as part of the prompt: ten forced tokens put ~0.8 s in front of the
answer's first word, far more on a loaded machine. For a flat object of booleans and plain
strings (the agent's answer schema) the keys, quotes and commas are known in advance, so
they are appended to the prompt instead (read in one batch; llama.cpp reuses the evaluated
prefix between the stages) and the model only generates the values, each under a grammar
for that value alone. The text is the same JSON the whole-object grammar would give.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

# One JSON string character, as llama.cpp's JSON-schema grammar writes it.
_CHAR = r'char ::= [^"\\\x7F\x00-\x1F] | [\\] (["\\bfnrt] | "u" [0-9a-fA-F]{4})'
# A value's grammar, for the text after its key (which ends `":` for booleans and `": "`
# for strings, so a boolean keeps the space the model writes before it).
_GRAMMARS = {
    "boolean": 'root ::= " "? ("true" | "false")',
    "string": f'root ::= char* "\\""\n{_CHAR}',
}


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "boolean" | "string"

    def lead(self, first: bool) -> str:
        """The fixed text in front of this field's value."""
        key = ("{" if first else ", ") + json.dumps(self.name) + ":"
        return key + ' "' if self.kind == "string" else key

    @property
    def grammar(self) -> str:
        return _GRAMMARS[self.kind]


def skeleton(schema: dict[str, Any] | None) -> list[Field] | None:
    """The fields of a flat object schema whose every property is required, in order, and
    a boolean or an unconstrained string; None for any other schema (decode it whole)."""
    if not schema or schema.get("type") != "object":
        return None
    properties = schema.get("properties") or {}
    if not properties or list(schema.get("required") or []) != list(properties):
        return None
    if set(schema) - {"type", "properties", "required"}:
        return None
    fields = []
    for name, spec in properties.items():
        kind = spec.get("type") if isinstance(spec, dict) else None
        if kind not in _GRAMMARS or set(spec) != {"type"}:
            return None
        fields.append(Field(str(name), str(kind)))
    return fields


def closed(kind: str, text: str) -> bool:
    """Whether a value's generated text is complete (a string up to its closing quote)."""
    if kind == "boolean":
        return text.strip() in ("true", "false")
    escaped = False
    for char in text:
        if escaped:
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == '"':
            return True
    return False
