# Pulsco Ops Console — the two quickstart commands are `make run` and `make test`.
# Each installs missing Debian packages, configures (CMake presets, Ninja,
# ccache) and builds incrementally before doing its job.

.PHONY: all deps build run staging drills-live alert-rules test bench coverage test-asan asan test-tsan fuzz ci fresh-root-test format clean help

CMAKE ?= cmake
CTEST ?= ctest

# Let ccache share objects between clones (CI builds a fresh clone each run)
# and with the fresh Debian root of CI's first stage: its compiler comes from
# the same Debian package, so it has the same size and mtime, which is what
# ccache's default compiler_check compares (tools/fresh-root-test.sh).
# Five builds (dev, asan, tsan, fuzz, release) need more than the 5 GB default.
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1
export CCACHE_MAXSIZE ?= 20G

# Extra flags for the console started by `make run`, e.g.
# make run CONSOLE_ARGS="--simulate surge-5000 --speed 10".
CONSOLE_ARGS ?=

all: build

help:
	@echo "make run       build and launch pulsco-console on the embedded simulator"
	@echo "make test      build and run the whole test suite (ctest)"
	@echo "make staging   HAProxy + blue + green pulsco-matchd on loopback (docs/haproxy.md)"
	@echo "make drills-live  the shipped drills not in the suite, on a staging stack (docs/drills.md)"
	@echo "make alert-rules  regenerate resources/alerts/pulsco.rules.yml (docs/prometheus.md)"
	@echo "make bench     release build, run tests/bench, print BENCH lines"
	@echo "make coverage  coverage build, tests, line coverage per folder"
	@echo "make test-asan AddressSanitizer+UBSan build of the whole test suite (alias: make asan)"
	@echo "make test-tsan ThreadSanitizer build of the threaded suites"
	@echo "make fuzz      libFuzzer+ASan+UBSan on every parser, FUZZ_SECONDS (30) each"
	@echo "make fresh-root-test  the README's two commands on a minimal Debian 12 root (root only)"
	@echo "make ci        what CI runs (.ci/run): fresh root (make test there), test-asan, test-tsan, fuzz"
	@echo "make format    clang-format every C++ file"

deps:
	@tools/install-deps.sh

build: deps
	@test -f build/build.ninja || $(CMAKE) --preset dev
	$(CMAKE) --build --preset dev

run: build
	build/bin/pulsco-console $(CONSOLE_ARGS)

# A local blue-green stack on loopback: HAProxy + blue + green pulsco-matchd
# (docs/haproxy.md). Ctrl+C stops it. E.g. make staging STAGING_ARGS="--base-port 18000".
STAGING_ARGS ?=
staging: build
	tools/pulsco-staging $(STAGING_ARGS)

# The shipped drills that tst_live_drills leaves out, each on its own
# throw-away staging stack with a scripted trainee (docs/drills.md); a few
# minutes each, so outside `make test`.
drills-live: build
	$(CMAKE) --build --preset dev --target live_drills_more
	QT_QPA_PLATFORM=offscreen QTEST_FUNCTION_TIMEOUT=1800000 build/tests/live_drills_more

# The shipped alert rules in Prometheus' format, regenerated from the
# console's (tst_prometheus_rules fails when the file drifts from them).
alert-rules: build
	build/bin/pulsco-rules export --to resources/alerts/pulsco.rules.yml

test: build
	$(CTEST) --preset dev

bench:
	@tools/install-deps.sh --bench
	@test -f build-release/build.ninja || $(CMAKE) --preset release
	$(CMAKE) --build --preset release
	tools/run-benchmarks.sh build-release

coverage:
	@tools/install-deps.sh --coverage
	@test -f build-coverage/build.ninja || $(CMAKE) --preset coverage
	$(CMAKE) --build --preset coverage
	find build-coverage -name '*.gcda' -delete
	$(CTEST) --preset coverage
	tools/coverage-report.sh build-coverage

# AddressSanitizer + UBSan (-O1) build of the whole suite; leaks are
# reported too (LSan). Options and suppressions: CMakePresets.json, docs/testing.md.
test-asan: deps
	@tools/install-deps.sh --asan
	@test -f build-asan/build.ninja || $(CMAKE) --preset asan
	$(CMAKE) --build --preset asan
	$(CTEST) --preset asan

asan: test-asan

ci:
	.ci/run

# The README's two commands as a newcomer runs them: a minimal Debian 12
# root with only git and make, a clean clone of HEAD, `make test`, then the
# console as `make run` starts it, offscreen, to a screenshot. Needs root.
fresh-root-test:
	tools/fresh-root-test.sh

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build build-release build-coverage build-asan build-tsan build-fuzz

# --- Hardening (tests/fuzz, docs/security.md): never part of `make test` ---

FUZZ_SECONDS ?= 30

# libFuzzer + ASan + UBSan on every parser (the `fuzz` preset), FUZZ_SECONDS
# each; the targets are the ones tests/fuzz/CMakeLists.txt lists.
.PHONY: fuzz
fuzz:
	@tools/install-deps.sh --fuzz
	@test -f build-fuzz/build.ninja || $(CMAKE) --preset fuzz
	$(CMAKE) --build --preset fuzz
	tools/run-fuzzers.sh build-fuzz $(FUZZ_SECONDS)

# ThreadSanitizer build of the suites labelled `threaded` (the simulator
# worker, the live client, the HTTP server, group-commit store, matchd).
.PHONY: test-tsan
test-tsan: deps
	@tools/install-deps.sh --tsan
	@test -f build-tsan/build.ninja || $(CMAKE) --preset tsan
	$(CMAKE) --build --preset tsan
	$(CTEST) --preset tsan
