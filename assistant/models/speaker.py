"""Speaker embeddings: a voice encoder behind a small Protocol, loaded lazily.

The shipped backend is Resemblyzer's GE2E voice encoder (`resemblyzer/pretrained.pt`,
17 MB, Apache-2.0, inside the wheel). We rebuild its three-layer LSTM here and load the
weights file directly instead of importing `resemblyzer`: its package imports a SciPy
module that newer SciPy removed, prints on load, and needs `webrtcvad` (we use
`webrtcvad-wheels`, see diarization/vad.py). The network and the mel front end are the
package's own (hparams: 40 mel bands, 25 ms windows, 10 ms hop, 1.6 s partials).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from assistant.errors import MissingModelError
from assistant.models.inference import InferenceModel
from assistant.models.torch_threads import one_torch_thread

SAMPLE_RATE = 16_000
MEL_BANDS = 40
MEL_WINDOW = 400  # 25 ms at 16 kHz
MEL_HOP = 160  # 10 ms
PARTIAL_FRAMES = 160  # 1.6 s: the window length the encoder was trained on
EMBEDDING_SIZE = 256


@runtime_checkable
class SpeakerEncoder(Protocol):
    """Voice embeddings of spans (start_s, end_s) of 16 kHz mono samples, one row a span,
    L2-normalised float32; the same voice scores a high cosine similarity (about 0.8-0.9
    between 1.6 s windows of clean speech)."""

    name: str
    # The audio one embedding sees, in seconds; longer spans are cut to it.
    window_s: float

    def load(self) -> None:
        """Load the weights now (idempotent): a broken model turns speakers off up front."""
        ...

    def embed(self, samples: np.ndarray, spans: Sequence[tuple[float, float]]) -> np.ndarray: ...


def resemblyzer_weights() -> Path | None:
    """`pretrained.pt` inside the installed resemblyzer wheel (found without importing it)."""
    from assistant.models.packaged import package_dir

    folder = package_dir("resemblyzer")
    path = folder / "pretrained.pt" if folder else None
    return path if path is not None and path.is_file() else None


def mel_frames(samples: np.ndarray) -> np.ndarray:
    """(frames, 40) mel power spectrogram, as the encoder was trained on (not log)."""
    import librosa

    mel = librosa.feature.melspectrogram(
        y=np.asarray(samples, dtype=np.float32),
        sr=SAMPLE_RATE,
        n_fft=MEL_WINDOW,
        hop_length=MEL_HOP,
        n_mels=MEL_BANDS,
    )
    return mel.astype(np.float32).T


class ResemblyzerEncoder(InferenceModel[Any]):
    """GE2E voice encoder (Resemblyzer weights) on CPU torch (one thread per call, below)."""

    window_s = PARTIAL_FRAMES * MEL_HOP / SAMPLE_RATE

    def __init__(
        self,
        weights: Path | None = None,
        threads: int = 2,
        batch: int = 64,
        name: str = "Resemblyzer GE2E voice encoder",
    ) -> None:
        super().__init__(name=name, threads=threads)
        self.weights, self.batch = weights, batch

    def _load(self) -> Any:
        return _build_network(self._weights_path())

    def _weights_path(self) -> Path:
        path = self.weights or resemblyzer_weights()
        if path is None or not path.is_file():
            raise MissingModelError(
                "No speaker-embedding weights: the resemblyzer package is not installed.",
                hint="pip install --no-deps resemblyzer==0.1.4 webrtcvad-wheels "
                "(or set models.speaker.path to a pretrained.pt).",
            )
        return path

    def embed(self, samples: np.ndarray, spans: Sequence[tuple[float, float]]) -> np.ndarray:
        if not spans:
            return np.zeros((0, EMBEDDING_SIZE), dtype=np.float32)
        import torch

        net = self.model
        # One spectrogram for the whole file, sliced per span (frame = 10 ms).
        mel = mel_frames(samples)
        frames_per_s = SAMPLE_RATE / MEL_HOP
        out = []
        # The LSTM steps through 160 frames of small matrices: one thread is as fast as
        # two when idle and ten times faster on a loaded machine (threads spin at each
        # step).
        with one_torch_thread(), torch.inference_mode():
            for start in range(0, len(spans), self.batch):
                # A batch's frames at a time: a long file's windows together would
                # hold 25 KB each (1.2 GB for ten hours).
                mels = np.stack(
                    [
                        _fixed_frames(mel[round(a * frames_per_s) : round(b * frames_per_s)])
                        for a, b in spans[start : start + self.batch]
                    ]
                )
                out.append(net(torch.from_numpy(mels)).numpy())
        return np.concatenate(out).astype(np.float32)


def _fixed_frames(mel: np.ndarray) -> np.ndarray:
    """Cut or zero-pad to the encoder's 160 frames (as Resemblyzer pads short utterances)."""
    if len(mel) >= PARTIAL_FRAMES:
        return mel[:PARTIAL_FRAMES]
    return np.pad(mel, ((0, PARTIAL_FRAMES - len(mel)), (0, 0)))


def _build_network(weights: Path) -> Any:
    import torch
    from torch import nn

    class _GE2E(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.lstm = nn.LSTM(MEL_BANDS, 256, 3, batch_first=True)
            self.linear = nn.Linear(256, EMBEDDING_SIZE)
            self.relu = nn.ReLU()

        def forward(self, mels: Any) -> Any:
            _, (hidden, _) = self.lstm(mels)
            raw = self.relu(self.linear(hidden[-1]))
            return raw / torch.clamp(torch.norm(raw, dim=1, keepdim=True), min=1e-9)

    net = _GE2E()
    state = torch.load(weights, map_location="cpu", weights_only=False)
    missing = net.load_state_dict(state.get("model_state", state), strict=False)
    if missing.missing_keys:
        raise MissingModelError(
            f"{weights} is not a Resemblyzer voice-encoder checkpoint "
            f"(missing {', '.join(missing.missing_keys[:3])}).",
            hint="Point models.speaker.path at resemblyzer's pretrained.pt.",
        )
    net.eval()
    return net
