# The two commands: `make demo` (set up, build, run the main job) and `make test` (set up, build, run every test).
SHELL := /bin/bash
SETUP := scripts/setup.sh
FUZZ_SECONDS ?= 60

.PHONY: setup build demo test bench fuzz format clean

setup:
	@bash $(SETUP)

build: setup
	@cmake --preset release >/dev/null
	@cmake --build --preset release

# The operator's flow with the real programs (scripts/demo.sh); DEMO_SECONDS, DEMO_CHARGERS, DEMO_WAIT=0 shorten it.
demo: build
	@bash scripts/demo.sh

test: setup
	@cmake --workflow --preset ci

bench: build
	@bash bench/run.sh

fuzz:
	@bash $(SETUP) fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz --target fuzz_frames
	@bash fuzz/run.sh build-fuzz/bin/fuzz_frames $(FUZZ_SECONDS)

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build build-dev build-ci build-asan build-fuzz
