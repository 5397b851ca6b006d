#!/bin/sh
# ApplicationStart: starts the server in the background and waits until it listens.
. "$(dirname "$0")/common.sh"
rm -f "$PORT_FILE"
nohup node "$APP_DIR/server/server.js" </dev/null >"$APP_DIR/server.log" 2>&1 &
echo $! > "$PID_FILE"
for _ in $(seq 1 50); do
  [ -s "$PORT_FILE" ] && { echo "server $(cat "$PID_FILE") listening on 127.0.0.1:$(cat "$PORT_FILE")"; exit 0; }
  sleep 0.1
done
echo "the server did not start; its log:" >&2
cat "$APP_DIR/server.log" >&2
exit 1
