#!/usr/bin/env bash
# The Node.js that CI tests with and the Docker image runs, for machines whose own Node is another
# line. It fetches the official binary from the npm registry (package node-linux-<arch>, which
# holds the release tarball's bin/ and include/), unpacks it once into a cache folder and then
#   .ci/node.sh [version] -- command...   runs the command with that Node first on PATH
#   .ci/node.sh [version]                 prints that Node's bin folder (for PATH=...)
# The version defaults to the Dockerfile's NODE_VERSION, so tests and image agree; give a major
# (22) or an exact version (24.22.3). npm itself is the machine's: it runs on whichever node is on PATH.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
want="$(sed -n 's/^ARG NODE_VERSION=//p' "$here/../Dockerfile" | head -1)"
if [ $# -gt 0 ] && [ "$1" != "--" ]; then want="$1"; shift; fi
[ "${1:-}" = "--" ] && shift

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) echo "node.sh: no Node package for $(uname -m)" >&2; exit 1 ;;
esac
package="node-linux-$arch"
cache="${SSH_BBS_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ssh-bbs/node}"

# The newest release of that line (asked of the registry at most once a day), or, offline, the
# newest one already unpacked.
resolved="$cache/.resolved-$want"
version=""
if [ -n "$(find "$resolved" -mmin -1440 2>/dev/null)" ]; then version="$(cat "$resolved")"; fi
if [ -z "$version" ]; then
  version="$(npm view "$package@$want" version 2>/dev/null | tail -1 | sed "s/.*'\(.*\)'.*/\1/" || true)"
  if [ -n "$version" ]; then mkdir -p "$cache" && echo "$version" > "$resolved"; fi
fi
if [ -z "$version" ]; then
  version="$(ls "$cache" 2>/dev/null | grep -E "^${want//./\\.}(\.|$)" | sort -V | tail -1 || true)"
  [ -n "$version" ] || { echo "node.sh: cannot resolve $package@$want (offline, nothing cached)" >&2; exit 1; }
fi
dir="$cache/$version"
if [ ! -x "$dir/bin/node" ]; then
  mkdir -p "$cache"
  tmp="$(mktemp -d "$cache/.fetch.XXXXXX")"
  trap 'rm -rf "$tmp"' EXIT
  (cd "$tmp" && npm pack --silent "$package@$version" >/dev/null)
  mkdir -p "$tmp/unpacked"
  tar -xzf "$tmp"/*.tgz -C "$tmp/unpacked" --strip-components=1
  rm -rf "$dir" && mv "$tmp/unpacked" "$dir"
  rm -rf "$tmp" && trap - EXIT   # exec below would skip an EXIT trap
fi

if [ $# -eq 0 ]; then
  echo "$dir/bin"
  exit 0
fi
# Headers of the same release, so a native module built from source matches the binary.
export PATH="$dir/bin:$PATH" npm_config_nodedir="$dir"
exec "$@"
