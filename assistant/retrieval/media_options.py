"""The options the `search` and `ask` commands share: one `--<name> FILE` per query
modality, and the repeatable `--filter`."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer

from assistant.retrieval.modalities import MODALITIES, QueryModality
from assistant.schemas import Filters

# `--filter key=value`, repeatable (retrieval/commands.parse_filters reads the pairs).
FilterOption = Annotated[
    list[str] | None,
    typer.Option(
        "--filter",
        help=f"key=value: {', '.join(Filters.model_fields)} (e.g. language=fr). Repeatable.",
    ),
]


def with_media_options(
    helped: Callable[[QueryModality], str],
) -> Callable[[Callable[..., None]], Callable[..., None]]:
    """Wrap a typer command that takes `media: dict[str, Path]` (the files given, by
    modality name) so that its command line has one option per modality instead, each
    with the help `helped(modality)`.

    typer reads a command's options from its signature: the wrapper's signature is the
    command's own, with `media` replaced by the modalities' keyword options.
    """

    def wrap(command: Callable[..., None]) -> Callable[..., None]:
        return _wrapped(command, helped)

    return wrap


def _wrapped(
    command: Callable[..., None], helped: Callable[[QueryModality], str]
) -> Callable[..., None]:
    names = [m.name for m in MODALITIES]

    @functools.wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        given = {name: kwargs.pop(name) for name in names}
        media = {name: path for name, path in given.items() if path is not None}
        command(*args, media=media, **kwargs)

    own = inspect.signature(command, eval_str=True)
    options = [
        inspect.Parameter(
            m.name,
            inspect.Parameter.KEYWORD_ONLY,
            default=None,
            annotation=Annotated[Path | None, typer.Option(help=helped(m))],
        )
        for m in MODALITIES
    ]
    kept = [p for p in own.parameters.values() if p.name != "media"]
    positional = [p for p in kept if p.kind is not inspect.Parameter.KEYWORD_ONLY]
    keyword = [p for p in kept if p.kind is inspect.Parameter.KEYWORD_ONLY]
    signature = own.replace(parameters=[*positional, *options, *keyword])
    wrapper.__signature__ = signature  # type: ignore[attr-defined]
    wrapper.__annotations__ = {p.name: p.annotation for p in signature.parameters.values()}
    return wrapper
