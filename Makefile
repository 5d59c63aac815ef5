# Pulsco Ops Console — the two quickstart commands are `make run` and `make test`.
# Each installs missing Debian packages, configures (CMake presets, Ninja,
# ccache) and builds incrementally before doing its job.

.PHONY: all deps build run test bench coverage asan format clean help

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
	@echo "make asan      AddressSanitizer+UBSan build of the test suite"
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

asan: deps
	@test -f build-asan/build.ninja || $(CMAKE) --preset asan
	$(CMAKE) --build --preset asan
	$(CTEST) --preset asan

format:
	git ls-files '*.cpp' '*.h' | xargs clang-format -i

clean:
	rm -rf build build-release build-coverage build-asan
