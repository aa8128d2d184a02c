"""`assistant index migrate` run on the command line over a Chroma data dir."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from assistant.config import load_settings
from assistant.store.vectors.base import VectorIndex
from assistant.store.vectors.chroma import ChromaIndex
from assistant.store.vectors.factory import open_index


def migrated_on_cli(
    data_dir: Path, corpus: tuple[list[str], np.ndarray, list[str]], to: str
) -> tuple[str, VectorIndex]:
    """`corpus` (ids, vectors, asset ids) in the text space of a Chroma data dir, then
    `assistant index migrate --to <to>`: the command's output and the index the data dir
    opens with `store.vectors=<to>` (the caller closes it)."""
    from typer.testing import CliRunner

    from assistant.cli import app

    ids, matrix, assets = corpus
    ChromaIndex(load_settings("test", data_dir=data_dir).vectors_dir).upsert(
        "text", ids, matrix, assets
    )
    argv = ["--profile", "test", "--data-dir", str(data_dir), "index", "migrate", "--to", to]
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 0, result.output
    return result.output, open_index(
        load_settings("test", data_dir=data_dir, store={"vectors": to})
    )
