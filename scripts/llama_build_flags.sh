#!/usr/bin/env bash
# Sets the llama.cpp CMake flags for this machine's CPU (sourced by scripts/setup.sh).
#   LLAMA_VARIANT  "avx512" or "avx2": the name of the wheel cache folder for this build
#   LLAMA_CMAKE    the flags
# Never GGML_NATIVE: a native build turns on AMX where the CPU has it, and that build
# segfaulted here. AVX-512 is turned on only when /proc/cpuinfo lists it: on 2 idle cores
# it reads the prompt about 1.65x faster than AVX2 (the packaged 1.5B model, 190 and 600
# tokens: 89-116 tok/s against 56-73 tok/s), which is most of the time before an
# answer's first word. The test suite runs on the machine that built the wheel.
flags=$(grep -m1 '^flags' /proc/cpuinfo 2>/dev/null || true)
has() { [[ " $flags " == *" $1 "* ]]; }
LLAMA_CMAKE="-DGGML_NATIVE=OFF -DGGML_AVX=ON -DGGML_AVX2=ON -DGGML_FMA=ON -DGGML_F16C=ON \
-DGGML_BMI2=ON -DGGML_AMX_TILE=OFF -DGGML_AMX_INT8=OFF -DGGML_AMX_BF16=OFF"
if has avx512f && has avx512bw && has avx512vl && has avx512dq && has avx512cd; then
  LLAMA_VARIANT=avx512
  LLAMA_CMAKE="$LLAMA_CMAKE -DGGML_AVX512=ON"
  has avx512vbmi && LLAMA_CMAKE="$LLAMA_CMAKE -DGGML_AVX512_VBMI=ON"
  has avx512_vnni && LLAMA_CMAKE="$LLAMA_CMAKE -DGGML_AVX512_VNNI=ON"
  has avx512_bf16 && LLAMA_CMAKE="$LLAMA_CMAKE -DGGML_AVX512_BF16=ON"
else
  LLAMA_VARIANT=avx2
  LLAMA_CMAKE="$LLAMA_CMAKE -DGGML_AVX512=OFF"
fi
has avx_vnni && LLAMA_CMAKE="$LLAMA_CMAKE -DGGML_AVX_VNNI=ON"
export LLAMA_VARIANT LLAMA_CMAKE
