# Pulsco Ops Console — the two quickstart commands are `make run` and `make test`.
# Each installs missing Debian packages, configures (CMake presets, Ninja,
# ccache) and builds incrementally before doing its job.

.PHONY: all deps build run test bench coverage test-asan asan test-tsan fuzz ci format clean help

CMAKE ?= cmake
CTEST ?= ctest

# Let ccache share objects between clones (CI builds a fresh clone each run).
export CCACHE_BASEDIR := $(CURDIR)
export CCACHE_NOHASHDIR := 1

all: build

help:
	@echo "make run       build and launch pulsco-console on the embedded simulator"
	@echo "make test      build and run the whole test suite (ctest)"
	@echo "make bench     release build, run tests/bench, print BENCH lines"
	@echo "make coverage  coverage build, tests, line coverage per folder"
	@echo "make test-asan AddressSanitizer+UBSan build of the whole test suite (alias: make asan)"
	@echo "make test-tsan ThreadSanitizer build of the threaded suites"
	@echo "make fuzz      libFuzzer+ASan+UBSan on every parser, FUZZ_SECONDS (30) each"
	@echo "make ci        what CI runs (.ci/run): test, test-asan, test-tsan, fuzz"
	@echo "make format    clang-format every C++ file"

deps:
	@tools/install-deps.sh

build: deps
	@test -f build/build.ninja || $(CMAKE) --preset dev
	$(CMAKE) --build --preset dev

run: build
	build/bin/pulsco-console

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
	@test -f build-asan/build.ninja || $(CMAKE) --preset asan
	$(CMAKE) --build --preset asan
	$(CTEST) --preset asan

asan: test-asan

ci:
	.ci/run

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build build-release build-coverage build-asan build-tsan build-fuzz

# --- Hardening (tests/fuzz, docs/security.md): never part of `make test` ---

FUZZ_SECONDS ?= 30
FUZZ_TARGETS = http_request queue_config scenario drill alert_rules rollout_plan \
               metric_expression prometheus_text metrics_snapshot event_message

# libFuzzer + ASan + UBSan on every parser, FUZZ_SECONDS each, from the seeds
# in tests/fuzz/corpus/<target>/; the grown corpus stays in build-fuzz/corpus/.
# A crash stops the run; its input is in build-fuzz/crashes/<target>/ and goes
# to tests/fuzz/regressions/<target>/ once understood (replayed by make test).
.PHONY: fuzz
fuzz:
	@tools/install-deps.sh --fuzz
	@test -f build-fuzz/build.ninja || CC=clang-14 CXX=clang++-14 $(CMAKE) -S . -B build-fuzz -G Ninja \
	  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER_LAUNCHER=ccache \
	  -DPULSCO_BUILD_TESTS=OFF -DPULSCO_BUILD_FUZZ=ON \
	  "-DCMAKE_CXX_FLAGS=-fsanitize=address,undefined,fuzzer-no-link -fno-omit-frame-pointer -fno-sanitize-recover=undefined"
	$(CMAKE) --build build-fuzz -j2 --target pulsco_fuzz_targets
	@set -e; for t in $(FUZZ_TARGETS); do \
	  mkdir -p build-fuzz/corpus/$$t build-fuzz/crashes/$$t; \
	  echo "fuzz_$$t: $(FUZZ_SECONDS) s"; \
	  build-fuzz/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -max_len=8192 -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 -artifact_prefix=build-fuzz/crashes/$$t/ \
	    build-fuzz/corpus/$$t tests/fuzz/corpus/$$t > build-fuzz/fuzz_$$t.log 2>&1 \
	    || { tail -n 40 build-fuzz/fuzz_$$t.log; echo "fuzz_$$t FAILED: see build-fuzz/crashes/$$t/"; exit 1; }; \
	  grep -h "stat::number_of_executed_units" build-fuzz/fuzz_$$t.log; \
	done

# ThreadSanitizer build of the threaded parts: the simulator worker, the live
# client, the HTTP server, group-commit store and pulsco-matchd.
.PHONY: test-tsan
test-tsan: deps
	@test -f build-tsan/build.ninja || $(CMAKE) --preset tsan
	$(CMAKE) --build --preset tsan
	$(CTEST) --preset tsan
