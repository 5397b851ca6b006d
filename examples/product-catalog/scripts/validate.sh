#!/bin/sh
# ValidateService: the new version must answer its health check.
. "$(dirname "$0")/common.sh"
url="http://127.0.0.1:$(cat "$PORT_FILE")/health"
node -e '
  fetch(process.argv[1]).then(async (r) => {
    const body = await r.text();
    console.log(`GET ${process.argv[1]} -> ${r.status} ${body.trim()}`);
    process.exit(r.ok ? 0 : 1);
  }, (e) => { console.error(`GET ${process.argv[1]} failed: ${e.message}`); process.exit(2); });
' "$url"
