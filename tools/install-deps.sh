#!/usr/bin/env bash
# Installs the Debian 12 packages a Makefile target needs, only those that
# are missing. Safe to run again; quiet when all is there.
#
#   tools/install-deps.sh [--bench|--coverage|--fuzz|--tsan|--asan]... [--list]
#
# The lists name every package CMake or a test needs directly: installs use
# --no-install-recommends, so nothing may come in as a mere recommendation
# (Qt6Charts' CMake config needs Qt6OpenGL, which qt6-base-dev only
# recommends). CI's first stage (tools/fresh-root-test.sh) runs the README's
# commands on a minimal Debian root to prove these lists complete.
set -euo pipefail

# make run / make test: build, the whole suite, the console offscreen.
packages=(
  build-essential cmake ninja-build ccache pkg-config git
  qt6-base-dev qt6-charts-dev qt6-websockets-dev qt6-httpserver-dev
  libqt6opengl6-dev libgl-dev
  libqt6sql6-sqlite
  fonts-dejavu-core fontconfig
  openssl  # tests make self-signed certificates for the TLS paths
  mount    # tst_diskfaults fills and freezes a tmpfs under pulsco-matchd
  poppler-utils  # pdftoppm: report tests render exported PDFs to check their charts
  haproxy  # tests/haproxy: the shipped blue-green config and tools/pulsco-staging (make staging)
  postgresql-15 postgresql-client-15  # tests/postgres: throw-away clusters (initdb, pg_ctl, createdb; amcheck)
  libqt6sql6-psql  # Qt's QPSQL driver: the tests talk to those clusters through Qt SQL
  libyaml-cpp-dev  # YAML through one library: Prometheus rule files (drills/PrometheusRules)
  prometheus  # tests/prometheus: promtool checks pulsco-matchd's /metrics; a real Prometheus scrapes it
  prometheus-alertmanager  # tests/prometheus: the console's alerts delivered to a real Alertmanager
  r-base-core  # tests/core/tst_mannwhitney: R's wilcox.test is the reference the rank-sum test is checked against
)
list_only=0
for arg in "$@"; do
  case "$arg" in
    --bench) packages+=(libbenchmark-dev wrk nginx-light python3 python3-locust hyperfine curl) ;;
    --coverage) packages+=(lcov python3) ;;
    --fuzz) packages+=(clang-14 libclang-rt-14-dev) ;;
    --asan|--tsan) ;;  # gcc's sanitizer runtimes come with build-essential (libgcc-12-dev)
    --list) list_only=1 ;;
    *) echo "install-deps: unknown option '$arg' (--bench, --coverage, --fuzz, --asan, --tsan, --list)" >&2; exit 2 ;;
  esac
done
if [[ $list_only -eq 1 ]]; then
  printf '%s\n' "${packages[@]}"
  exit 0
fi

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
