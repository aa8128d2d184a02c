"""Benchmark the chat agent on a small real archive; print JSON figures.

    .venv/bin/python bench/ask.py [--work DIR] [--profile default] [--only ID ...]
    .venv/bin/python bench/ask.py --suite eval/suites/newsroom [--profile quality]
        [--data-dir DIR] [--only ID ...] [--skip-tag heldout | --only-tag heldout]

With --suite, the suite's ask cases run through `assistant eval`'s runner (same scores:
fact recall, citation precision, abstention accuracy, unsupported citations; its
report.json/report.md go to WORK/report) and the figures add what a journalist would
check: sentences stating a figure or date missing from their cited clip, false
abstentions, first-token and full-answer p50/p95 against issue 17's targets (first token
p50 < 2 s, full answer p50 < 6 s, p95 < 15 s on an idle 2-core machine), LLM tokens per
answer. Cases tagged heldout are scored in `by_tag.heldout`; `--skip-tag heldout` /
`--only-tag heldout` run either set alone.

Builds the mixed test archive (samples.media), ingests it once into WORK/data
(reused on later runs), then asks questions whose answers are known: grounded questions
(the answer must name a fact and cite the right clip), questions the archive cannot answer
(the agent must abstain), and a follow-up. Figures: share answered correctly, citation
precision, time to first token and to the full answer. Targets: first token < 3 s, full
answer < 20 s on 2 cores with the packaged 1.5B model.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the repo: samples/ is not installed

from assistant.agent.session import ChatSession
from assistant.agent.skeleton import QUERIES_GRAMMAR, ContinuesReplies
from assistant.archive import Archive
from assistant.config import load_settings
from assistant.evaluation.matching import clip_matches, normalise_text
from assistant.evaluation.metrics import fact_present
from assistant.evaluation.suite import RelevantItem
from assistant.models.base import ChatRequest, Continuation, MeasuredLLM
from assistant.schemas import Answer
from samples.media import TestArchive, build_test_archive


class CountingLLM:
    """Passes calls to the real model and counts tokens, so times measured on a busy
    machine can be set against its throughput (prompt and generated tokens per turn),
    per stage too (rewrite, plan, answer): calls and evaluated tokens do not depend on
    the machine's load. With `prompts` every call's user message is appended there."""

    def __init__(self, inner: Any, prompts: Path | None = None) -> None:
        self.inner = inner
        self.name = inner.name
        self.prompts = prompts
        self.prompt_tokens = 0
        self.generated_tokens = 0
        self.calls = 0
        self.stages: dict[str, dict[str, float]] = {}
        self._perf_seen: dict[str, float] = {}
        self._perf_call: dict[str, float] = {}

    def _count(self, text: str) -> int:
        if not isinstance(self.inner, MeasuredLLM):
            return len(text) // 4
        return self.inner.count_tokens(text)

    def _prompt(self, messages: list[dict[str, Any]], stage: str) -> None:
        # The system prompt is evaluated once and reused from llama.cpp's cache.
        self.calls += 1
        tokens = sum(self._count(m["content"]) for m in messages[1:])
        self.prompt_tokens += tokens
        self._stage(stage, calls=1, prompt_tokens=tokens)
        if self.prompts is not None:
            with self.prompts.open("a") as out:
                user = messages[-1]["content"]
                out.write(json.dumps({"stage": stage, "tokens": tokens, "user": user}) + "\n")

    def _stage(self, stage: str, **counts: float) -> None:
        totals = self.stages.setdefault(stage, {})
        for name, value in counts.items():
            totals[name] = round(totals.get(name, 0) + value, 3)

    def _began(self) -> None:
        self._perf_call = self._perf()

    def _ended(self, stage: str) -> None:
        now = self._perf()
        self._stage(stage, **{k: v - self._perf_call.get(k, 0) for k, v in now.items()})

    def complete(self, request: ChatRequest) -> str:
        stage = _schema_stage(request.json_schema)
        self._began()
        text = str(self.inner.complete(request))
        self._ended(stage)
        self._prompt(request.messages, stage)
        self.generated_tokens += self._count(text)
        return text

    def stream(self, request: ChatRequest) -> Any:
        pieces = []
        self._began()
        try:
            for piece in self.inner.stream(request):
                pieces.append(piece)
                yield piece
        finally:  # the agent stops reading once the answer is complete
            self._ended("answer")
            self._prompt(request.messages, "answer")
            self.generated_tokens += self._count("".join(pieces))

    def _perf(self) -> dict[str, float]:
        """The model's own counters (cumulative), when it keeps them (llama.cpp does)."""
        return self.inner.counters() if isinstance(self.inner, MeasuredLLM) else {}

    def take(self) -> dict[str, Any]:
        counts: dict[str, Any] = {
            "llm_calls": self.calls,
            "prompt_tokens": self.prompt_tokens,
            "generated_tokens": self.generated_tokens,
        }
        now = self._perf()
        counts.update(
            {name: round(value - self._perf_seen.get(name, 0), 3) for name, value in now.items()}
        )
        counts["stages"] = self.stages
        self._perf_seen = now
        self.prompt_tokens = self.generated_tokens = self.calls = 0
        self.stages = {}
        return counts


def _schema_stage(schema: dict[str, Any] | None) -> str:
    """Which agent stage a complete() call is, from the JSON it must write."""
    fields = (schema or {}).get("properties", {})
    return "plan" if "tool" in fields else "rewrite" if "queries" in fields else "answer"


class CountingContinuingLLM(CountingLLM):
    """The same, for a model that continues a reply after a prefix (agent/skeleton.py)."""

    def __init__(self, inner: Any, prompts: Path | None = None) -> None:
        super().__init__(inner, prompts)
        self._continued: Any = None

    def stream_after(self, request: ChatRequest, after: Continuation) -> Any:
        """The skeleton answer's calls (agent/skeleton.py): its two calls on one prompt
        count as one call, their prefixes as prompt; only what is sampled as generated."""
        stage = "rewrite" if after.grammar == QUERIES_GRAMMAR else "answer"
        pieces = []
        self._began()
        try:
            for piece in self.inner.stream_after(request, after):
                pieces.append(piece)
                yield piece
        finally:
            self._ended(stage)
            if request.messages is not self._continued:
                self._continued = request.messages
                self._prompt(request.messages, stage)
            self.prompt_tokens += self._count(after.prefix)
            self.generated_tokens += self._count("".join(pieces))


def counting_llm(inner: Any, prompts: Path | None = None) -> CountingLLM:
    """A counter that offers what the model offers (the agent picks its path by that)."""
    kind = CountingContinuingLLM if isinstance(inner, ContinuesReplies) else CountingLLM
    return kind(inner, prompts)


def throughput(llm: MeasuredLLM) -> dict[str, float]:
    """Prompt and generation tokens/s of the model on this machine right now."""
    prompt = "The harbour report describes shipping traffic and fishing quotas. " * 30
    return llm.throughput(prompt, "Once upon a time", max_tokens=32)


# Throughput of the 1.5B model on 2 idle cores (shared/MODELS.md), to project idle times.
IDLE_PROMPT_TOK_S = 75.0
IDLE_GEN_TOK_S = 13.0


@dataclass
class Case:
    id: str
    question: str
    # Spoken line (substring) or document file the answer rests on; None: must abstain.
    evidence: str | None
    facts: list[str | list[str]] = field(default_factory=list)
    # Asked in the same session right after this case id (a follow-up).
    after: str | None = None


CASES = [
    Case(
        "council",
        "What did the city council approve?",
        "city council approved",
        [["public transport", "transport"]],
    ),
    Case("flood", "Why was the river road closed?", "Heavy flooding", [["flood"]]),
    Case("farmers", "What did the farmers protest against?", "Farmers protested", [["water tax"]]),
    Case(
        "football",
        "Which team won the final match on Sunday?",
        "football team",
        [["national football team", "national team"]],
    ),
    Case(
        "wildfire",
        "Why did hundreds of families have to leave?",
        "wildfire",
        [["wildfire", "fire"]],
    ),
    Case(
        "harbour",
        "How much did container volumes rise at the harbour?",
        "docs/harbour_report.md",
        [["twelve percent", "12%", "12 percent"]],
    ),
    Case(
        "hospitals", "What did the health minister announce?", "docs/elections.pdf", [["hospital"]]
    ),
    Case(
        "strike",
        "How long did the railway strike last?",
        "docs/bulletin.html",
        [["three days", "3 days"]],
    ),
    Case(
        "followup",
        "and what did they say after that?",
        "football team",
        [["football"]],
        after="farmers",
    ),
    Case("airport", "What did the mayor say about the new airport terminal?", None),
    Case("chess", "Who won the chess championship in Oslo?", None),
    Case("vaccine", "How many people were vaccinated against measles last spring?", None),
]


def gold(case: Case, manifest: TestArchive) -> list[RelevantItem]:
    if case.evidence is None:
        return []
    if "/" in case.evidence and "." in case.evidence:
        return [RelevantItem(file=case.evidence)]
    lines = [line for line in manifest.spoken if case.evidence.lower() in line.text.lower()]
    files = {Path(f).name: f for f in manifest.videos + manifest.audio}
    return [
        RelevantItem(file=files[line.file], start_s=line.start_s, end_s=line.end_s)
        for line in lines
    ]


def score(case: Case, answer: Answer, items: list[RelevantItem]) -> dict[str, Any]:
    cited = [c.clip for c in answer.citations]
    relevant = [any(clip_matches(clip, item) for item in items) for clip in cited]
    text = normalise_text(answer.text)
    facts_ok = all(fact_present(text, fact) for fact in case.facts)
    if case.evidence is None:
        correct = answer.abstained and not cited
    else:
        correct = not answer.abstained and facts_ok and any(relevant)
    return {
        "id": case.id,
        "question": case.question,
        "must_abstain": case.evidence is None,
        "correct": correct,
        "abstained": answer.abstained,
        "answer": answer.text,
        "facts_present": facts_ok,
        "cited": [f"{c.file}@{c.start_s}-{c.end_s}" for c in cited],
        "cited_relevant": relevant,
        "retrieved_has_gold": any(clip_matches(c, i) for c in answer.retrieved for i in items),
        "flagged": answer.flagged,
        "trace": [call.tool for call in answer.trace],
        "first_token_s": answer.timings.get("first_token_s"),
        "total_s": answer.timings.get("total_s"),
    }


def prepare(work: Path, profile: str) -> tuple[Archive, TestArchive]:
    settings = load_settings(profile, data_dir=work / "data")
    archive = Archive.open(settings)
    saved = work / "manifest.json"
    if saved.is_file():  # built on an earlier run (copying over it again fails on its links)
        manifest = TestArchive.from_json(saved.read_text(), work / "archive")
    else:
        manifest = build_test_archive(work / "archive")
        saved.write_text(manifest.to_json())
    if not archive.catalog.assets():
        from assistant.ingest.pipeline import ingest_folder

        started = time.perf_counter()
        ingest_folder(archive, work / "archive")
        print(f"ingested in {time.perf_counter() - started:.1f}s", file=sys.stderr)
    return archive, manifest


def run(work: Path, profile: str, only: list[str]) -> dict[str, Any]:
    from assistant.retrieval.engine import search_engine

    archive, manifest = prepare(work, profile)
    engine = search_engine(archive)
    llm = counting_llm(archive.models.llm())
    archive.models._built["llm"] = llm
    sessions: dict[str, ChatSession] = {}
    rows = []
    for case in CASES:
        if only and case.id not in only:
            continue
        session = sessions[case.after] if case.after in sessions else ChatSession(archive, engine)
        answer = session.ask(case.question)
        sessions[case.id] = session
        rows.append(score(case, answer, gold(case, manifest)) | llm.take())
        print(json.dumps(rows[-1]), file=sys.stderr)
    result = summary(rows, archive, profile)
    if isinstance(llm.inner, MeasuredLLM) and llm.inner.counters():  # loaded: it answered
        result["throughput_now"] = throughput(llm.inner)
    result["projected_idle_total_s"] = _spread(
        [
            row["prompt_tokens"] / IDLE_PROMPT_TOK_S + row["generated_tokens"] / IDLE_GEN_TOK_S
            for row in rows
        ]
    )
    return result


def summary(rows: list[dict[str, Any]], archive: Archive, profile: str) -> dict[str, Any]:
    cited = [flag for row in rows for flag in row["cited_relevant"]]
    first = [row["first_token_s"] for row in rows if row["first_token_s"] is not None]
    total = [row["total_s"] for row in rows]
    return {
        "profile": profile,
        "llm": archive.settings.models.llm.name,
        "agent_settings": archive.settings.agent.model_dump(),
        "load_average_1m": round(os.getloadavg()[0], 2),
        "cases": len(rows),
        "answered_correctly": round(sum(row["correct"] for row in rows) / len(rows), 3),
        "grounded_correct": _share([r["correct"] for r in rows if not r["must_abstain"]]),
        "abstention_correct": _share([r["correct"] for r in rows if r["must_abstain"]]),
        "citation_precision": _share(cited),
        "first_token_s": _spread(first),
        "total_s": _spread(total),
        "rows": rows,
    }


def _share(flags: list[bool]) -> float | None:
    return round(sum(flags) / len(flags), 3) if flags else None


def _spread(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {"p50": None, "max": None, "mean": None}
    return {
        "p50": round(statistics.median(values), 2),
        "max": round(max(values), 2),
        "mean": round(statistics.fmean(values), 2),
    }


def unsupported_figures(answer: Answer) -> list[str]:
    """Sentences stating a figure or date that the clips they cite do not hold."""
    from assistant.agent.claims import facts_in, missing_facts
    from assistant.agent.evidence import clip_facts
    from assistant.agent.grounding import CITATION

    found = []
    # A verbatim quote of a cited clip is its own words (grounding's re-quotes), whatever
    # sentences it holds: only the framing around it is checked.
    cited = [c.clip for c in answer.citations]
    text = _QUOTED.sub(lambda m: '"…"' if _said_in(m.group(1), cited) else m.group(0), answer.text)
    for sentence in re.split(r"(?<=[.!?])\s+", text):
        numbers = [int(n) for n in re.findall(r"\[(\d+)\]", sentence)]
        clips = [answer.citations[n - 1].clip for n in numbers if 0 < n <= len(answer.citations)]
        if not clips:
            continue
        evidence = " ".join(
            " ".join([c.snippet, c.file, c.speaker or "", *clip_facts(c).values()]) for c in clips
        )
        # The match's similarity is the tool's own score, not a claim about the archive.
        claim = re.sub(r"\(similarity [\d.]+\)", "", CITATION.sub("", sentence))
        if any(m.kind in ("figure", "date") for m in missing_facts(claim, facts_in(evidence))):
            found.append(sentence)
    return found


_QUOTED = re.compile(r'"([^"]+)"')


def _said_in(quote: str, clips: list[Any]) -> bool:
    plain = " ".join(quote.split()).strip(" .")
    return bool(plain) and any(plain in " ".join(c.snippet.split()) for c in clips)


def run_suite_bench(
    suite_dir: Path,
    work: Path,
    profile: str,
    data_dir: Path | None,
    only: list[str],
    skip_tags: list[str],
    only_tags: list[str],
    prompts: Path | None = None,
) -> dict[str, Any]:
    """The suite's ask cases through the eval runner, with latency and figure checks."""
    from assistant.evaluation import runner
    from assistant.evaluation.suite import load_suite

    suite = load_suite(suite_dir)
    keep = [
        case
        for case in suite.cases
        if case.type == "ask"
        and (not only or case.id in only)
        and not set(case.tags) & set(skip_tags)
        and (not only_tags or set(case.tags) & set(only_tags))
    ]
    counting: dict[str, CountingLLM] = {}
    recordings: list[Recording] = []

    class Recording:
        """One case's chat (the runner opens a fresh one per case): its last answer and
        that turn's tokens; earlier turns of a follow-up case are asked but not scored."""

        def __init__(self, session: ChatSession) -> None:
            self.session = session
            self.last: Answer | None = None
            self.tokens: dict[str, Any] = {}

        def ask(self, question: str, filters: Any = None, **uploads: Any) -> Answer:
            counting["llm"].take()
            answer = self.session.ask(question, filters, **uploads)
            self.last, self.tokens = answer, counting["llm"].take()
            print(
                json.dumps(
                    {
                        "question": question,
                        "answer": answer.text,
                        "abstained": answer.abstained,
                        "citations": [
                            {
                                "file": c.clip.file,
                                "start_s": c.clip.start_s,
                                "snippet": c.clip.snippet,
                            }
                            for c in answer.citations
                        ],
                        "timings": answer.timings,
                        **self.tokens,
                    }
                ),
                file=sys.stderr,
                flush=True,
            )
            return answer

    def session(archive: Archive, engine: Any) -> Recording:
        if "llm" not in counting:
            counting["llm"] = counting_llm(archive.models.llm(), prompts)
            archive.models._built["llm"] = counting["llm"]
        recordings.append(Recording(ChatSession(archive, engine)))
        return recordings[-1]

    defaults = runner.default_backends()
    backends = runner.Backends(ingest=defaults.ingest, engine=defaults.engine, session=session)
    filtered = work / "suite"
    _filtered_suite(suite_dir, filtered, [case.id for case in keep])
    settings = load_settings(profile, data_dir=data_dir or work / "data")
    report = runner.run_suite(
        filtered,
        work / "report",
        settings,
        no_llm=False,
        data_dir=data_dir or work / "data",
        backends=backends,
    )
    rows = report["cases"]
    # The runner asks the cases in order, each in a chat of its own.
    chats = dict(zip([case.id for case in keep], recordings, strict=False))
    by_case = {cid: chat.last for cid, chat in chats.items()}
    abstain = {case.id: case.must_abstain for case in keep}
    figures = {cid: unsupported_figures(a) for cid, a in by_case.items() if a is not None}
    first = [
        a.timings["first_token_s"]
        for a in by_case.values()
        if a is not None and "first_token_s" in a.timings
    ]
    total = [a.timings["total_s"] for a in by_case.values() if a is not None]
    agg = report["aggregate"]
    return {
        "suite": report["suite"],
        "profile": profile,
        "llm": settings.models.llm.name,
        "cases": len(rows),
        "load_average_1m_end": round(os.getloadavg()[0], 2),
        "answer_fact_recall": agg.get("answer_fact_recall"),
        "citation_precision": agg.get("citation_precision"),
        "abstention_accuracy": agg.get("abstention_accuracy"),
        "unsupported_citations": agg.get("unsupported_citations"),
        "false_abstentions": sum(1 for r in rows if r["abstained"] and not abstain[r["id"]]),
        "answered_when_it_should_abstain": sum(
            1 for r in rows if r["abstained"] is False and abstain[r["id"]]
        ),
        "sentences_with_figures_missing_from_their_citation": sum(map(len, figures.values())),
        "first_token_s": _spread95(first),
        "total_s": _spread95(total),
        # LLM work per scored answer (rewrite + answer; uploads need none), and what it
        # would take at the model's idle 2-core throughput (shared/MODELS.md).
        "generated_tokens": _spread95(
            [float(c.tokens.get("generated_tokens", 0)) for c in chats.values()]
        ),
        "prompt_tokens": _spread95(
            [float(c.tokens.get("prompt_tokens", 0)) for c in chats.values()]
        ),
        **{
            name: _spread95([float(c.tokens.get(name, 0)) for c in chats.values()])
            for name in ("llm_calls", "evaluated_prompt_tokens", "decoded_tokens")
        },
        "projected_idle_llm_s": _spread95([_projected_idle_s(c.tokens) for c in chats.values()]),
        # First token = the turn's work before the answer call (search, rewrite, line
        # ranking) + that call's prompt evaluation and first decode steps.
        "llm_start_s": _spread95(
            [a.timings["llm_start_s"] for a in by_case.values() if a and "llm_start_s" in a.timings]
        ),
        "answer_evaluated_prompt_tokens": _spread95(
            [
                float(
                    c.tokens.get("stages", {}).get("answer", {}).get("evaluated_prompt_tokens", 0)
                )
                for c in chats.values()
                if "answer" in c.tokens.get("stages", {})
            ]
        ),
        "by_stage": _by_stage([c.tokens.get("stages", {}) for c in chats.values()]),
        "targets": TARGETS,
        "meets_latency_targets": _meets(_spread95(first), _spread95(total)),
        "by_tag": {
            tag: {
                k: v
                for k, v in values.items()
                if k in ("answer_fact_recall", "citation_precision", "abstention_accuracy")
            }
            for tag, values in report["by_tag"].items()
        },
        "rows": [
            {
                "id": r["id"],
                "answer": r["answer"],
                "abstained": r["abstained"],
                "fact_recall": r["answer_fact_recall"],
                "citation_precision": r["citation_precision"],
                "abstention": r["abstention_accuracy"],
                "latency": r["latency"],
                "figures_missing": figures.get(r["id"], []),
                **(chats[r["id"]].tokens if r["id"] in chats else {}),
            }
            for r in rows
        ],
    }


def _projected_idle_s(tokens: dict[str, Any]) -> float:
    """The answer's LLM time at the idle 2-core throughput: from the tokens llama.cpp
    really evaluated and decoded when it reports them, else from the message tokens."""
    prompt = tokens.get("evaluated_prompt_tokens", tokens.get("prompt_tokens", 0))
    generated = tokens.get("decoded_tokens", tokens.get("generated_tokens", 0))
    return float(prompt) / IDLE_PROMPT_TOK_S + float(generated) / IDLE_GEN_TOK_S


def _by_stage(cases: list[dict[str, dict[str, float]]]) -> dict[str, dict[str, float]]:
    """Per stage over all scored answers: its calls, and per call the prompt tokens sent
    and evaluated (after the cached prefix) and the tokens decoded."""
    totals: dict[str, dict[str, float]] = {}
    for stages in cases:
        for stage, counts in stages.items():
            into = totals.setdefault(stage, {})
            for name, value in counts.items():
                into[name] = into.get(name, 0) + value
    return {
        stage: {
            "calls": counts.get("calls", 0),
            "cases": sum(1 for stages in cases if stage in stages),
            **{
                f"{name}_per_call": round(counts.get(name, 0) / max(1, counts.get("calls", 0)), 1)
                for name in ("prompt_tokens", "evaluated_prompt_tokens", "decoded_tokens")
            },
            "prompt_eval_s": round(counts.get("prompt_eval_s", 0), 2),
            "decode_s": round(counts.get("decode_s", 0), 2),
        }
        for stage, counts in totals.items()
    }


# Issue 17's targets on an idle 2-core machine with the packaged 1.5B model.
TARGETS = {"first_token_p50_s": 2.0, "total_p50_s": 6.0, "total_p95_s": 15.0}


def _meets(first: dict[str, float | None], total: dict[str, float | None]) -> bool | None:
    if first["p50"] is None or total["p50"] is None or total["p95"] is None:
        return None
    return (
        first["p50"] < TARGETS["first_token_p50_s"]
        and total["p50"] < TARGETS["total_p50_s"]
        and total["p95"] < TARGETS["total_p95_s"]
    )


def _filtered_suite(src: Path, out: Path, ids: list[str]) -> None:
    """A copy of the suite holding only the chosen cases (archive and queries linked)."""
    import shutil

    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    shutil.copy(src / "suite.yaml", out / "suite.yaml")
    for name in ("archive", "queries"):
        (out / name).symlink_to((src / name).resolve())
    wanted = set(ids)
    lines = [
        line
        for line in (src / "cases.jsonl").read_text().splitlines()
        if line.strip() and json.loads(line)["id"] in wanted
    ]
    (out / "cases.jsonl").write_text("\n".join(lines) + "\n")


def _spread95(values: list[float]) -> dict[str, float | None]:
    from assistant.evaluation.metrics import percentile

    spread = _spread(values)
    spread["p95"] = round(percentile(values, 95) or 0.0, 2) if values else None
    return spread


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--work", type=Path, default=Path("/tmp/bench-ask"))
    parser.add_argument("--profile", default="default")
    parser.add_argument("--only", nargs="*", default=[])
    parser.add_argument("--suite", type=Path, help="Run this eval suite's ask cases.")
    parser.add_argument("--data-dir", type=Path, help="With --suite: reuse this ingest.")
    parser.add_argument("--skip-tag", nargs="*", default=[])
    parser.add_argument("--only-tag", nargs="*", default=[])
    parser.add_argument("--prompts", type=Path, help="Append every LLM call's prompt here.")
    args = parser.parse_args()
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")
    if args.suite is not None:
        result = run_suite_bench(
            args.suite,
            args.work,
            args.profile,
            args.data_dir,
            args.only,
            args.skip_tag,
            args.only_tag,
            args.prompts,
        )
    else:
        result = run(args.work, args.profile, args.only)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
