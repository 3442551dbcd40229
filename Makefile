# The two commands: `make demo` (set up, build, run the main job) and `make test` (set up, build, run every test).
SHELL := /bin/bash
SETUP := scripts/setup.sh
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := frames http_api scenario

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

# Every libFuzzer target for FUZZ_SECONDS each (clang); crash inputs land in tests/fixtures/fuzz/<target>/.
fuzz:
	@bash $(SETUP) fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@rc=0; for t in $(FUZZ_TARGETS); do bash fuzz/run.sh $$t $(FUZZ_SECONDS) || rc=1; done; exit $$rc

format:
	@git ls-files '*.cpp' '*.hpp' | xargs clang-format -i

clean:
	rm -rf build build-dev build-ci build-asan build-fuzz
