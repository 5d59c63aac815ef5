#!/usr/bin/env bash
# Installs the Debian 12 packages the build, tests and benchmarks need,
# only those that are missing. Safe to run again; quiet when all is there.
set -euo pipefail

packages=(
  build-essential cmake ninja-build ccache pkg-config
  qt6-base-dev qt6-charts-dev qt6-websockets-dev qt6-httpserver-dev
  libqt6sql6-sqlite libgl-dev
  fonts-dejavu-core fontconfig
  openssl  # tests make self-signed certificates for the TLS paths
)
case "${1:-}" in
  --bench) packages+=(libbenchmark-dev wrk nginx-light python3-locust hyperfine) ;;
  --coverage) packages+=(lcov python3) ;;
  --fuzz) packages+=(clang libclang-rt-14-dev) ;;
esac

missing=()
for p in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0

echo "install-deps: installing missing Debian packages: ${missing[*]}"
sudo=""
if [[ $(id -u) -ne 0 ]]; then
  command -v sudo >/dev/null || { echo "install-deps: not root and no sudo; install: ${missing[*]}" >&2; exit 1; }
  sudo="sudo"
fi
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
