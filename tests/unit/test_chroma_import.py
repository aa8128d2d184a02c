"""chromadb imported without its import-time signature checks (store/vectors/chroma_import.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

SCRIPT = """
import json, sys, tempfile
import numpy as np
import overrides
before = overrides.override
from assistant.store.vectors.chroma_import import import_chromadb
chromadb = import_chromadb()
from chromadb.config import Settings
client = chromadb.PersistentClient(
    path=tempfile.mkdtemp(), settings=Settings(anonymized_telemetry=False)
)
space = client.get_or_create_collection("probe", embedding_function=None)
space.upsert(ids=["a", "b"], embeddings=np.eye(2, 4, dtype=np.float32))
hit = space.query(query_embeddings=[np.eye(1, 4, dtype=np.float32)[0]], n_results=1)["ids"][0]
print(json.dumps({"restored": overrides.override is before, "hit": hit,
                  "same": import_chromadb() is sys.modules["chromadb"]}))
"""


def test_chromadb_works_and_overrides_is_restored(tmp_path: Path) -> None:
    root = str(Path(__file__).resolve().parents[2])
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT],
        capture_output=True,
        text=True,
        check=True,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": root, "ANONYMIZED_TELEMETRY": "False"},
    )
    found = json.loads(done.stdout.strip().splitlines()[-1])
    assert found == {"restored": True, "hit": ["a"], "same": True}
