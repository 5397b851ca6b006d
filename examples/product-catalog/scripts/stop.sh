#!/bin/sh
# ApplicationStop: runs from the previous revision. Stops the server if it runs.
. "$(dirname "$0")/common.sh"
if [ -f "$PID_FILE" ]; then
  pid=$(cat "$PID_FILE")
  if kill "$pid" 2>/dev/null; then
    for _ in 1 2 3 4 5 6 7 8 9 10; do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    echo "stopped server $pid"
  fi
  rm -f "$PID_FILE" "$PORT_FILE"
fi
