#!/usr/bin/env bash
# setup.sh: install the Debian packages latticectl needs (as root, on a
# fresh Debian 12), then configure and build into ./build (or $BUILD_DIR).
set -euo pipefail
cd "$(dirname "$0")/.."

PKGS=(
	build-essential pkg-config meson ninja-build
	libnats-dev libcjson-dev libedit-dev libcurl4-openssl-dev libyaml-dev libssl-dev
	nats-server scdoc python3 curl tmux zsh fish
	clang libclang-rt-14-dev
	chromium
)

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
	    missing+=("$p")
done
if ((${#missing[@]})); then
	echo "setup: installing ${missing[*]}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q >/dev/null
	apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
fi

BUILD_DIR=${BUILD_DIR:-build}
if [ ! -f "$BUILD_DIR/build.ninja" ]; then
	meson setup "$BUILD_DIR" ${MESON_ARGS:-} >/dev/null
fi
ninja -C "$BUILD_DIR" >/dev/null
echo "setup: built $BUILD_DIR/src/latticectl" >&2
