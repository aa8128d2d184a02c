"""Chat LLMs: llama-cpp-python on a local GGUF (default), or an OpenAI-compatible server.

Both take a JSON schema for constrained output: the agent picks tools that way because a
1.5B model does not call tools reliably in free form (see shared/MODELS.md).
"""

from __future__ import annotations

import ctypes
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from assistant.errors import AssistantError
from assistant.models.base import ChatRequest, Continuation, Message, TokenStream
from assistant.models.generation_queue import GenerationQueue

# Every request samples from this seed. Left unset, llama-cpp-python seeds each call from
# the one before, so a prompt's sampled tokens (temperature 0.1: a close call between two
# citations) depended on how many calls the process had made before it.
SAMPLING_SEED = 1


def _llama_arguments(request: ChatRequest) -> dict[str, Any]:
    """llama-cpp-python's create_chat_completion arguments for one request."""
    arguments: dict[str, Any] = {
        "messages": request.messages,
        "max_tokens": request.max_tokens,
        "temperature": request.temperature,
        "seed": SAMPLING_SEED,
    }
    if request.json_schema is not None:
        arguments["response_format"] = {"type": "json_object", "schema": request.json_schema}
    return arguments


class LlamaCppChat:
    """One llama.cpp context is not safe to use from two threads at once (the app and API
    serve several sessions from one process), so every call takes its turn in the
    adapter's `queue` (models/generation_queue.py): concurrent requests wait, first come
    first served, and a stream closed from another thread still gives its turn back."""

    def __init__(
        self,
        model_path: Path | str,
        *,
        n_ctx: int = 4096,
        threads: int = 2,
        name: str = "",
        max_wait_s: float | None = 900.0,
    ) -> None:
        self.model_path = model_path
        self.n_ctx = n_ctx
        self.threads = threads
        self.name = name or Path(model_path).name
        self._llama: Any = None
        self._formatter: Any = None
        self._snapshots: list[_Snapshot] = []
        self.queue = GenerationQueue(max_wait_s=max_wait_s)

    def load(self) -> None:
        with self.queue.turn():
            self._load()

    def _load(self) -> None:
        if self._llama is None:
            from llama_cpp import Llama

            self._llama = Llama(
                model_path=str(self.model_path),
                n_ctx=self.n_ctx,
                n_threads=self.threads,
                n_threads_batch=self.threads,
                verbose=False,
            )

    def complete(self, request: ChatRequest) -> str:
        with self.queue.turn():
            self._load()
            if self._snapshots:
                self._resume(self._chat_tokens(request.messages))
            result = self._llama.create_chat_completion(**_llama_arguments(request))
        return str(result["choices"][0]["message"]["content"] or "")

    def stream(self, request: ChatRequest) -> TokenStream:
        def produce() -> TokenStream:  # runs in the queue's worker, holding the turn
            self._load()
            if self._snapshots:
                self._resume(self._chat_tokens(request.messages))
            for chunk in self._llama.create_chat_completion(
                stream=True, **_llama_arguments(request)
            ):
                piece = chunk["choices"][0]["delta"].get("content")
                if piece:
                    yield piece

        return self.queue.stream(produce)

    def stream_after(self, request: ChatRequest, after: Continuation) -> TokenStream:
        """The assistant's reply continued after `after.prefix`, constrained by its
        grammar (GBNF); with `after.keep` the evaluated state is kept (see `_keep`).

        The prefix is read with the prompt, in one batch, instead of being generated one
        token at a time (~75 ms each on 2 cores): the fixed parts of a JSON reply
        (agent/skeleton.py). A second call whose prompt and prefix extend the first's
        reuses its evaluated tokens (llama.cpp keeps the longest common prefix)."""

        def produce() -> TokenStream:
            from llama_cpp import LlamaGrammar

            self._load()
            tokens = self._chat_tokens(request.messages) + self._llama.tokenize(
                after.prefix.encode(), add_bos=False, special=False
            )
            self._resume(tokens)
            for chunk in self._llama.create_completion(
                prompt=tokens,
                max_tokens=request.max_tokens,
                # create_chat_completion's sampling defaults, so both paths choose alike
                temperature=request.temperature,
                top_p=0.95,
                top_k=40,
                min_p=0.05,
                repeat_penalty=1.0,
                seed=SAMPLING_SEED,
                grammar=LlamaGrammar.from_string(after.grammar, verbose=False),
                stream=True,
            ):
                piece = chunk["choices"][0]["text"]
                if piece:
                    yield piece
            if after.keep:
                self._keep()

        return self.queue.stream(produce)

    def count_tokens(self, text: str) -> int:
        self._load_once()
        return len(self._llama.tokenize(text.encode(), add_bos=False, special=True))

    def counters(self) -> dict[str, float]:
        if self._llama is None:
            return {}
        import llama_cpp

        data = llama_cpp.llama_perf_context(self._llama._ctx.ctx)
        return {
            "evaluated_prompt_tokens": data.n_p_eval,
            "decoded_tokens": data.n_eval,
            "prompt_eval_s": data.t_p_eval_ms / 1000,
            "decode_s": data.t_eval_ms / 1000,
        }

    def throughput(self, prompt: str, opening: str, max_tokens: int) -> dict[str, float]:
        self._load_once()
        llama = self._llama
        tokens = llama.tokenize(prompt.encode())
        llama.reset()
        started = time.perf_counter()
        llama.eval(tokens)
        prompt_s = time.perf_counter() - started
        started = time.perf_counter()
        result = llama.create_completion(opening, max_tokens=max_tokens, temperature=0.0)
        generated = result["usage"]["completion_tokens"]
        return {
            "prompt_tok_per_s": round(len(tokens) / prompt_s, 1),
            "gen_tok_per_s": round(generated / (time.perf_counter() - started), 1),
        }

    def _load_once(self) -> None:
        if self._llama is None:
            self.load()

    def _chat_tokens(self, messages: list[Message]) -> list[int]:
        """The prompt exactly as create_chat_completion builds it (the GGUF's own chat
        template, ending with the assistant's opening), so its cached prefix is shared."""
        from llama_cpp.llama_chat_format import Jinja2ChatFormatter

        llama = self._llama
        if self._formatter is None:
            template = llama.metadata.get("tokenizer.chat_template")
            if not template:
                raise AssistantError(
                    f"The model {self.name} has no chat template in its GGUF metadata.",
                    hint="Use a chat (instruct) GGUF, e.g. the packaged Qwen2.5 model.",
                )
            model = llama._model

            def text(token: int) -> str:
                return str(model.token_get_text(token)) if token != -1 else ""

            self._formatter = Jinja2ChatFormatter(
                template=template,
                eos_token=text(llama.token_eos()),
                bos_token=text(llama.token_bos()),
                stop_token_ids=[llama.token_eos()],
            )
        result = self._formatter(messages=messages)
        return list(
            llama.tokenize(
                result.prompt.encode("utf-8"), add_bos=not result.added_special, special=True
            )
        )

    def _keep(self) -> None:
        """Keep the context's evaluated state (after a `stream_after` call with `keep`, the
        query rewrite) for a later prompt that starts the same way."""
        import llama_cpp

        llama = self._llama
        ctx = llama._ctx.ctx
        size = llama_cpp.llama_state_get_size(ctx)
        buffer = (ctypes.c_uint8 * int(size))()
        written = int(llama_cpp.llama_state_get_data(ctx, buffer, size))
        tokens = [int(token) for token in llama.input_ids[: llama.n_tokens]]
        self._snapshots = [
            _Snapshot(tokens, bytes(buffer)[:written]),
            *self._snapshots[: SNAPSHOTS - 1],
        ]

    def _resume(self, tokens: list[int]) -> None:
        """llama.cpp keeps one sequence, so the answer call replaces the rewrite call's
        instructions (~100 tokens, ~1.5 s on 2 cores) and the next turn's rewrite would
        read them again. When a kept state shares clearly more of `tokens` than the live
        context does, it is restored; llama-cpp-python then evaluates only the rest."""
        llama = self._llama
        live = _shared(llama.input_ids[: llama.n_tokens], tokens)
        best = max(self._snapshots, key=lambda kept: _shared(kept.tokens, tokens), default=None)
        if best is None or _shared(best.tokens, tokens) < live + MIN_REUSE_GAIN:
            return
        import llama_cpp

        data = (ctypes.c_uint8 * len(best.state)).from_buffer_copy(best.state)
        if llama_cpp.llama_state_set_data(llama._ctx.ctx, data, len(best.state)) != len(best.state):
            llama.reset()  # a state it cannot take: read the whole prompt instead
            return
        llama.input_ids[: len(best.tokens)] = best.tokens
        llama.n_tokens = len(best.tokens)
        llama._requires_eval = True  # the restored logits are not this prompt's


# Evaluated states kept (the last rewrites'), and how many more prompt tokens
# than the live context one must share to be worth restoring (a copy of a few MB).
SNAPSHOTS = 2
MIN_REUSE_GAIN = 32


@dataclass(frozen=True)
class _Snapshot:
    tokens: list[int]
    state: bytes


def _shared(kept: Any, tokens: list[int]) -> int:
    """How many leading tokens two sequences share."""
    count = 0
    for a, b in zip(kept, tokens, strict=False):
        if int(a) != b:
            break
        count += 1
    return count


class OpenAICompatibleChat:
    """Any server speaking /v1/chat/completions (llama.cpp server, vLLM, ...)."""

    def __init__(
        self, url: str, *, model: str = "local", api_key: str = "", name: str = ""
    ) -> None:
        self.url = url.rstrip("/")
        self.model = model
        self.api_key = api_key
        self.name = name or f"{model} @ {self.url}"
        # How a JSON schema is asked for: OpenAI's "json_schema" (vLLM, llama.cpp's
        # llama-server), or "json_object" with the schema beside it (llama-cpp-python's
        # server, which refuses the former): switched once when the server refuses.
        self.schema_style = "json_schema"

    def _format(self, schema: dict[str, Any], style: str) -> dict[str, Any]:
        if style == "json_object":
            return {"type": "json_object", "schema": schema}
        return {"type": "json_schema", "json_schema": {"name": "reply", "schema": schema}}

    def _send(self, payload: dict[str, Any], schema: dict[str, Any] | None, stream: bool) -> Any:
        """Post, with the schema in the server's style; a clear error when it fails."""
        style = self.schema_style  # the form sent (another thread may switch it meanwhile)
        if schema is not None:
            payload = {**payload, "response_format": self._format(schema, style)}
        response = self._post(payload, stream)
        if response.status_code >= 400 and stream:
            response.read()
        refused = response.status_code in (400, 422, 500) and "json_schema" in response.text
        if refused and schema is not None and style == "json_schema":
            self.schema_style = "json_object"
            return self._send(payload, schema, stream)
        if response.status_code >= 400:
            raise AssistantError(
                f"The LLM server at {self.url} refused the request "
                f"(HTTP {response.status_code}): {response.text[:200]}",
                hint="Check models.llm.url and options.model against the server.",
            )
        return response

    def _post(self, payload: dict[str, Any], stream: bool) -> Any:
        import httpx

        headers = {"Authorization": f"Bearer {self.api_key}"} if self.api_key else {}
        try:
            return httpx.Client(timeout=120).send(
                httpx.Request(
                    "POST", f"{self.url}/chat/completions", json=payload, headers=headers
                ),
                stream=stream,
            )
        except httpx.HTTPError as exc:
            raise AssistantError(
                f"The LLM server at {self.url} did not answer: {exc}",
                hint="Start the server, or set models.llm.url to where it runs.",
            ) from exc

    def _payload(self, request: ChatRequest, stream: bool) -> dict[str, Any]:
        return {
            "model": self.model,
            "messages": request.messages,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            **({"stream": True} if stream else {}),
        }

    def complete(self, request: ChatRequest) -> str:
        payload = self._payload(request, stream=False)
        response = self._send(payload, request.json_schema, stream=False)
        return str(response.json()["choices"][0]["message"]["content"] or "")

    def stream(self, request: ChatRequest) -> TokenStream:
        payload = self._payload(request, stream=True)
        response = self._send(payload, request.json_schema, stream=True)
        finished = False
        for line in response.iter_lines():
            if line.strip() == "data: [DONE]":
                finished = True
            if not line.startswith("data:") or finished:
                continue
            delta = json.loads(line[5:])["choices"][0]["delta"].get("content")
            if delta:
                yield delta
        if not finished:  # e.g. llama-cpp-python's server interrupting it for a newer one
            raise AssistantError(
                f"The LLM server at {self.url} ended the answer before it was complete.",
                hint="Run it so that it queues requests rather than interrupting them "
                "(llama_cpp.server: --interrupt_requests False; llama-server: --parallel N).",
            )
