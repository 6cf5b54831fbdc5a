#!/usr/bin/env bash
# The real-window smoke test: builds certeval, creates a sample workspace,
# starts the application under Xvfb, waits for its window, takes a
# screenshot into screenshots/smoke.png and checks the process is alive.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p screenshots bin
go build -o bin/certeval ./cmd/certeval

tmp=$(mktemp -d)
app="" xvfb=""
cleanup() {
	# Stop the application, let it finish writing its preferences, then
	# stop the X server and remove the scratch folder.
	[ -n "$app" ] && { kill "$app" 2>/dev/null || true; wait "$app" 2>/dev/null || true; }
	[ -n "$xvfb" ] && { kill "$xvfb" 2>/dev/null || true; wait "$xvfb" 2>/dev/null || true; }
	rm -rf "$tmp" 2>/dev/null || true
}
trap cleanup EXIT
bin/certeval demo --db "$tmp/exemple.certeval" >/dev/null

display=:$((90 + RANDOM % 9))
Xvfb "$display" -screen 0 1280x800x24 -nolisten tcp >"$tmp/xvfb.log" 2>&1 &
xvfb=$!
export DISPLAY=$display LANG=fr_FR.UTF-8 HOME="$tmp" XDG_DATA_HOME="$tmp/data"
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.2; done

bin/certeval --db "$tmp/exemple.certeval" >"$tmp/app.log" 2>&1 &
app=$!
for _ in $(seq 150); do
	xdotool search --name Certeval >/dev/null 2>&1 && break
	kill -0 $app 2>/dev/null || { cat "$tmp/app.log"; echo "smoke: the application exited"; exit 1; }
	sleep 0.2
done
xdotool search --name Certeval >/dev/null || { cat "$tmp/app.log"; echo "smoke: no window"; exit 1; }
sleep 3
import -window root screenshots/smoke.png
kill -0 $app || { cat "$tmp/app.log"; echo "smoke: the application died"; exit 1; }
echo "smoke: window up, screenshot in screenshots/smoke.png"
echo "1 passed, 0 failed"
exit 0
