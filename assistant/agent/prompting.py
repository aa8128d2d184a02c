"""Prompt templates live in prompts/*.j2 and render strictly: a missing variable is a bug,
not an empty string in front of the model."""

from __future__ import annotations

from functools import cache
from typing import Any

import jinja2

from assistant.resources import prompts_dir


@cache
def _environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(prompts_dir())),
        undefined=jinja2.StrictUndefined,
        autoescape=False,  # plain-text prompts; evidence is defanged in evidence.py
        keep_trailing_newline=False,
    )


def render(name: str, **values: Any) -> str:
    return _environment().get_template(name).render(**values).strip()
