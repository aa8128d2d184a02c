"""The answer schema is generated field by field with its keys in the prompt
(models/json_skeleton.py); any other schema is decoded whole."""

from __future__ import annotations

import json

from assistant.agent.planner import plan_schema
from assistant.agent.rewrite import REWRITE_SCHEMA
from assistant.agent.session import ANSWER_SCHEMA
from assistant.models.json_skeleton import Field, closed, skeleton


def test_the_answer_schema_is_a_skeleton_of_its_two_fields() -> None:
    fields = skeleton(ANSWER_SCHEMA)
    assert fields == [Field("answerable", "boolean"), Field("answer", "string")]
    # The fixed text and the values, put together, are the JSON the schema describes.
    assert fields is not None
    text = (
        fields[0].lead(first=True) + " true" + fields[1].lead(first=False) + 'It is \\"so\\" [1]."}'
    )
    assert json.loads(text) == {"answerable": True, "answer": 'It is "so" [1].'}


def test_schemas_with_other_shapes_are_decoded_whole() -> None:
    assert skeleton(REWRITE_SCHEMA) is None  # an array of bounded strings
    assert skeleton(plan_schema(["search_archive"])) is None  # an enum and an integer
    assert skeleton(None) is None
    optional = {**ANSWER_SCHEMA, "required": ["answer"]}
    assert skeleton(optional) is None
    reordered = {**ANSWER_SCHEMA, "required": ["answer", "answerable"]}
    assert skeleton(reordered) is None
    bounded = {
        "type": "object",
        "properties": {"answer": {"type": "string", "maxLength": 9}},
        "required": ["answer"],
    }
    assert skeleton(bounded) is None


def test_a_value_is_closed_at_its_unescaped_quote() -> None:
    assert closed("string", 'She said \\"no\\" [1]."')
    assert not closed("string", 'She said \\"no')
    assert not closed("string", "ends with a backslash \\")
    assert closed("boolean", " false") and not closed("boolean", " tr")
