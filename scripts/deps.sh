#!/usr/bin/env bash
# Installs the Debian packages Certeval needs when they are missing.
#   scripts/deps.sh run    what building and running the application needs
#   scripts/deps.sh test   that, plus what the test suite needs
# It says what it installs, uses apt-get as root or through sudo, and does
# nothing when everything is there already.
set -euo pipefail

run_pkgs=(gcc pkg-config libgl1-mesa-dev libx11-dev libxcursor-dev libxrandr-dev
	libxinerama-dev libxi-dev libxxf86vm-dev)
test_pkgs=(xvfb xauth poppler-utils qpdf imagemagick xdotool x11-utils zbar-tools)

want=("${run_pkgs[@]}")
[ "${1:-run}" = test ] && want+=("${test_pkgs[@]}")

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "certeval: installing missing system packages: ${missing[*]}"
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "certeval: run as root or install sudo" >&2; exit 1; }
	sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
if ! command -v go >/dev/null; then
	echo "certeval: Go is not on PATH; install Go 1.26 (https://go.dev/dl) and retry" >&2
	exit 1
fi
