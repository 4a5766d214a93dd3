#!/usr/bin/env bash
# Serve the app with daphne and run the background worker beside it; Ctrl-C stops both.
set -uo pipefail
cd "$(dirname "$0")/.."
HOST=${HOST:-127.0.0.1}
PORT=${PORT:-8000}
VENV=${VENV:-.venv}

pids=()
stop() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  wait 2>/dev/null
}
trap stop INT TERM EXIT

# Background workers (each a manage.py command) run beside the web server: the task worker
# (document parsing, reports) and the invitation settler (expiry and abandonment, every 30 s).
for worker in ${WORKERS-db_worker invitations_settle}; do
  args=()
  [[ $worker == invitations_settle ]] && args=(--loop "${SETTLE_INTERVAL:-30}")
  "$VENV/bin/python" manage.py "$worker" "${args[@]}" &
  pids+=($!)
done
"$VENV/bin/daphne" --bind "$HOST" --port "$PORT" live_interview.asgi:application &
pids+=($!)
# The first request starts the process's deadline watcher, which settles overdue key questions.
up=0
for _ in $(seq 1 100); do
  curl -fsS "http://$HOST:$PORT/healthz" >/dev/null 2>&1 && { up=1; break; }
  kill -0 "${pids[-1]}" 2>/dev/null || break
  sleep 0.2
done
if [[ $up != 1 ]]; then
  echo "Active Interview did not start on http://$HOST:$PORT/ (see the messages above)." >&2
  stop
  exit 1
fi
echo "Active Interview is serving on http://$HOST:$PORT/ (Ctrl-C stops the server and the workers)"
# When either process ends, stop the other too.
wait -n
status=$?
stop
exit $status
