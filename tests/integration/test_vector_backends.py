"""One suite, every VectorIndex backend: embedded Chroma, a real Chroma server started on
loopback (`chroma run`), and Qdrant through qdrant-client's local mode (the client API a
Qdrant cluster speaks). Select one with `pytest -k "qdrant or chroma_server"`."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import numpy as np
import pytest

from assistant.config import QdrantSettings, load_settings
from assistant.store.vectors.base import VectorIndex
from assistant.store.vectors.chroma import ChromaIndex
from assistant.store.vectors.factory import open_index
from assistant.store.vectors.faiss_index import FaissIndex
from assistant.store.vectors.migrate import migrate
from assistant.store.vectors.qdrant import QdrantIndex
from tests.e2e.conftest import free_port
from tests.helpers.vector_migration import migrated_on_cli

pytestmark = pytest.mark.slow
DIM = 32


@pytest.fixture(scope="module")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    chroma = shutil.which("chroma") or str(Path(sys.executable).parent / "chroma")
    port = free_port()
    folder = tmp_path_factory.mktemp("chroma-server")
    process = subprocess.Popen(
        [chroma, "run", "--path", str(folder), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{url}/api/v2/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.3)
        else:
            pytest.fail("the Chroma server did not start within 60 s")
        yield url
    finally:
        process.terminate()
        process.wait(timeout=20)


def _make(name: str, folder: Path, request: pytest.FixtureRequest) -> VectorIndex:
    if name == "chroma_embedded":
        return ChromaIndex(folder / "chroma")
    if name == "chroma_server":
        index = ChromaIndex(url=request.getfixturevalue("chroma_server"))
        for space in ("text", "visual"):  # the server outlives one test: start empty
            index.drop_space(space)
        return index
    if name == "faiss":
        return FaissIndex(folder / "faiss")
    return QdrantIndex(QdrantSettings(collection_prefix="t_"), local_path=folder / "qdrant")


BACKENDS = ["chroma_embedded", "chroma_server", "qdrant", "faiss"]


@pytest.fixture(params=BACKENDS)
def index(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[VectorIndex]:
    made = _make(request.param, tmp_path, request)
    yield made
    made.close()


def _unit(rows: np.ndarray) -> np.ndarray:
    return (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)


def _corpus(
    n: int = 300, assets: int = 30, seed: int = 1
) -> tuple[list[str], np.ndarray, list[str]]:
    rng = np.random.default_rng(seed)
    asset_ids = [f"asset{i % assets:02d}" for i in range(n)]
    ids = [f"{a}:speech:{i}" for i, a in enumerate(asset_ids)]
    return ids, _unit(rng.normal(size=(n, DIM))), asset_ids


def test_nearest_first_with_cosine_scores(index: VectorIndex) -> None:
    ids, matrix, assets = _corpus()
    index.upsert("text", ids, matrix, assets)
    assert index.count("text") == len(ids)
    found = index.query("text", matrix[7], k=5)
    assert found[0][0] == ids[7] and found[0][1] == pytest.approx(1.0, abs=1e-4)
    scores = [score for _, score in found]
    assert scores == sorted(scores, reverse=True)
    exact = np.argsort(-(matrix @ matrix[7]))[:5]
    assert {i for i, _ in found} == {ids[j] for j in exact}


def test_filters_run_inside_the_index(index: VectorIndex) -> None:
    ids, matrix, assets = _corpus()
    index.upsert("text", ids, matrix, assets)
    # The allowed asset's vectors are far from the query: a filter applied after a
    # top-k cut would return nothing; inside the index it returns that asset's vectors.
    query = -matrix[[i for i, a in enumerate(assets) if a == "asset03"]].mean(axis=0)
    found = index.query("text", _unit(query[None])[0], k=5, asset_ids={"asset03"})
    assert len(found) == 5 and all(i.startswith("asset03:") for i, _ in found)
    assert index.query("text", matrix[0], k=5, asset_ids=set()) == []


def test_upsert_overwrites_delete_and_ids(index: VectorIndex) -> None:
    ids, matrix, assets = _corpus(60, assets=6)
    index.upsert("text", ids, matrix, assets)
    index.upsert("text", ids[:1], matrix[1:2], assets[:1])  # same id, new vector
    assert index.count("text") == 60
    assert index.query("text", matrix[1], k=2)[0][1] == pytest.approx(1.0, abs=1e-4)
    assert sorted(index.ids("text", "asset02")) == sorted(
        i for i, a in zip(ids, assets, strict=True) if a == "asset02"
    )
    index.delete_assets("text", ["asset02", "asset03"])
    assert index.count("text") == 40 and index.ids("text", "asset02") == []
    assert index.count("visual") == 0 and index.query("visual", matrix[0], k=3) == []


def test_scan_returns_every_vector(index: VectorIndex) -> None:
    ids, matrix, assets = _corpus(1100, assets=50)  # more than one batch
    index.upsert("text", ids, matrix, assets)
    seen: dict[str, tuple[np.ndarray, str]] = {}
    for batch_ids, batch, batch_assets in index.scan("text"):
        seen.update({i: (row, a) for i, row, a in zip(batch_ids, batch, batch_assets, strict=True)})
    assert set(seen) == set(ids)
    row, asset = seen[ids[123]]
    assert asset == assets[123] and np.allclose(row, matrix[123], atol=1e-5)


@pytest.mark.parametrize("target", ["qdrant", "chroma_server", "faiss"])
def test_migrate_copies_and_verifies(
    target: str, tmp_path: Path, request: pytest.FixtureRequest
) -> None:
    source = ChromaIndex(tmp_path / "source")
    ids, matrix, assets = _corpus(500)
    source.upsert("text", ids, matrix, assets)
    source.upsert("visual", ids[:50], matrix[:50], assets[:50])
    copy = _make(target, tmp_path, request)
    report = migrate(source, copy, ["text", "visual"], sample=15, k=10)
    assert report.ok
    assert [(s.source, s.target) for s in report.spaces] == [(500, 500), (50, 50)]
    assert report.spaces[0].overlap_at_k == pytest.approx(1.0)
    copy.close()


def test_settings_choose_the_backend(tmp_path: Path) -> None:
    settings = load_settings("test", data_dir=tmp_path, store={"vectors": "qdrant"})
    index = open_index(settings)
    try:
        assert isinstance(index, QdrantIndex) and (tmp_path / "qdrant").is_dir()
    finally:
        index.close()
    assert isinstance(open_index(load_settings("test", data_dir=tmp_path / "c")), ChromaIndex)


def test_cli_migrates_a_data_dir_to_qdrant(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from assistant.cli import app

    ids, matrix, assets = _corpus(120)
    output, moved = migrated_on_cli(tmp_path, (ids, matrix, assets), "qdrant")
    assert "120 → 120" in output and "verified" in output
    try:
        assert moved.count("text") == 120
        assert moved.query("text", matrix[5], k=1)[0][0] == ids[5]
    finally:
        moved.close()
    refused = CliRunner().invoke(
        app, ["--data-dir", str(tmp_path), "index", "migrate", "--to", "chroma-server"]
    )
    assert refused.exit_code != 0 and "needs --url" in str(refused.exception)
