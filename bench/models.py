"""Load time, throughput and peak memory of each packaged model, one subprocess per model
(so peak RSS is that model's own). Prints JSON.

    .venv/bin/python bench/models.py [--only asr,text,llm-small,llm]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SENTENCE = (
    "The regional council met on Monday to discuss energy prices, public transport and the "
    "new budget for schools, and the commissioner promised a decision before winter."
)
# Distinct sentences: a text repeated word for word makes Whisper's compression-ratio check
# fall back through every sampling temperature, which measures that fallback, not speech.
BULLETIN = " ".join(
    [
        SENTENCE,
        "Farmers protested outside parliament against the new water tax in the capital.",
        "Heavy flooding closed the river road near the old stone bridge on Tuesday night.",
        "The national football team won the final match on Sunday after extra time.",
        "Hospitals in the north reported fewer winter admissions than last year.",
        "Dock workers at the harbour ended their strike after a new wage agreement.",
    ]
)


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_asr(profile: str) -> dict[str, float | str]:
    from assistant.config import load_settings
    from assistant.models.provider import ModelProvider

    wav = Path(tempfile.mkdtemp()) / "speech.wav"
    subprocess.run(["espeak-ng", "-s", "150", "-w", str(wav), BULLETIN], check=True)
    asr = ModelProvider(load_settings(profile).models).asr()
    started = time.perf_counter()
    asr.load()  # type: ignore[attr-defined]
    loaded = time.perf_counter()
    transcript = asr.transcribe(wav)
    done = time.perf_counter()
    return {
        "model": asr.name,
        "load_s": round(loaded - started, 2),
        "audio_s": round(transcript.duration_s, 1),
        "real_time_factor": round((done - loaded) / transcript.duration_s, 3),
    }


def bench_text(profile: str) -> dict[str, float | str]:
    from assistant.config import load_settings
    from assistant.models.provider import ModelProvider

    encoder = ModelProvider(load_settings(profile).models).text()
    started = time.perf_counter()
    encoder.load()  # type: ignore[attr-defined]
    loaded = time.perf_counter()
    sentences = [f"{SENTENCE} ({i})" for i in range(256)]
    encoder.encode_passages(sentences)
    done = time.perf_counter()
    return {
        "model": encoder.name,
        "load_s": round(loaded - started, 2),
        "chunks_per_s": round(len(sentences) / (done - loaded), 1),
        "chunk_tokens_approx": 40,
    }


def bench_llm(profile: str) -> dict[str, float | str]:
    from assistant.config import load_settings
    from assistant.models.base import ChatRequest
    from assistant.models.provider import ModelProvider

    llm = ModelProvider(load_settings(profile).models).llm()
    started = time.perf_counter()
    llm.load()  # type: ignore[attr-defined]
    loaded = time.perf_counter()
    messages = [{"role": "user", "content": f"Summarise in two sentences: {SENTENCE * 4}"}]
    first: float | None = None
    pieces = 0
    for _ in llm.stream(ChatRequest(messages, max_tokens=64)):
        first = first or time.perf_counter()
        pieces += 1
    done = time.perf_counter()
    return {
        "model": llm.name,
        "load_s": round(loaded - started, 2),
        "first_token_s": round((first or done) - loaded, 2),
        "generation_tok_per_s": round(pieces / max(done - (first or done), 1e-6), 1),
    }


BENCHES = {
    "asr": (bench_asr, "test"),
    "text": (bench_text, "test"),
    "llm-small": (bench_llm, "test"),
    "llm": (bench_llm, "default"),
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--only", default=",".join(BENCHES))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        run, profile = BENCHES[args.child]
        result = run(profile)
        result["peak_rss_mb"] = round(_peak_rss_mb(), 0)
        print(json.dumps(result))
        return
    results = {}
    for name in args.only.split(","):
        child = subprocess.run(
            [sys.executable, __file__, "--child", name],
            capture_output=True,
            text=True,
            check=False,
        )
        lines = child.stdout.strip().splitlines()
        results[name] = (
            json.loads(lines[-1])
            if child.returncode == 0 and lines
            else {"error": child.stderr.strip().splitlines()[-1:]}
        )
    print(json.dumps({"machine": "2 CPU cores", "models": results}, indent=2))


if __name__ == "__main__":
    main()
