"""The interviews suite's ask cases, again on an ingested archive, once per evidence fence
(and llama.cpp seed): which answers depend on the turn's random fence tag or on the seed.

    .venv/bin/python scripts/probe_fences.py SUITE_DIR DATA_DIR OUT_DIR FENCE[:SEED] ...

FENCE "random" keeps the code's own choice; SEED "-" keeps llama-cpp-python's.
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

sys.path.append(str(Path(__file__).resolve().parents[1]))  # PYTHONPATH first: a base tree


def main() -> None:
    suite, data, out = (Path(a) for a in sys.argv[1:4])
    from assistant.agent import evidence as evidence_mod
    from assistant.config import load_settings
    from assistant.evaluation.runner import run_suite
    from assistant.models import llm as llm_mod

    old_secrets = getattr(evidence_mod, "secrets", None)
    real_load = llm_mod.LlamaCppChat._load
    chosen: dict[str, Any] = {}

    class _Secrets:
        @staticmethod
        def token_hex(n: int) -> str:
            fence = chosen["fence"]
            assert old_secrets is not None
            return str(old_secrets.token_hex(n) if fence == "random" else fence)

    def load(self: Any) -> None:
        fresh = self._llama is None
        real_load(self)
        if fresh and chosen["seed"] is not None:
            self._llama._seed = chosen["seed"]

    real_new_fence = evidence_mod.new_fence

    def new_fence(question: str = "") -> str:
        fence = chosen["fence"]
        return real_new_fence(question) if fence == "random" else f"evidence-{fence}"

    if old_secrets is not None:  # before: a random fence (secrets.token_hex)
        evidence_mod.secrets = _Secrets  # type: ignore[assignment]
    else:
        evidence_mod.new_fence = new_fence  # type: ignore[assignment]
    llm_mod.LlamaCppChat._load = load  # type: ignore[method-assign]
    results = []
    for k, spec in enumerate(sys.argv[4:]):
        fence, _, seed = spec.partition(":")
        chosen["fence"] = fence
        chosen["seed"] = int(seed) if seed and seed != "-" else None
        copy = out / f"data-{k}"
        shutil.rmtree(copy, ignore_errors=True)
        shutil.copytree(data, copy)
        settings = load_settings("default", data_dir=copy)
        report = run_suite(suite, out / f"out-{k}", settings, no_llm=False, data_dir=copy)
        shutil.rmtree(copy, ignore_errors=True)
        cases = report["speakers"]["attribution"]["cases"]
        row = {
            "fence": fence,
            "seed": chosen["seed"],
            "answers": report["speakers"]["attribution"]["answers"],
            "asks": {
                r["id"]: (cases.get(r["id"]), r["abstained"], r["answer"][:110])
                for r in report["cases"]
                if r["type"] == "ask"
            },
        }
        results.append(row)
        print(json.dumps(row), flush=True)
    (out / "fences.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
