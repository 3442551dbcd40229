# The two commands: `make demo` (set up, build, run the main job) and `make test` (set up, check the formatting, build,
# run every test, then the unit tests of the network layer under ASan + UBSan).
SHELL := /bin/bash
SETUP := scripts/setup.sh
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := frames http_api scenario pki proxy_header

.PHONY: setup build demo test format-check asan-test bench fuzz format clean

# Ends at once when nothing changed since its last complete run (a stamp in build/, see scripts/setup.sh).
setup:
	@bash $(SETUP)

build: setup
	@cmake --preset release >/dev/null
	@cmake --build --preset release

# The operator's flow with the real programs (scripts/demo.sh); DEMO_SECONDS, DEMO_CHARGERS, DEMO_WAIT=0 shorten it.
demo: build
	@bash scripts/demo.sh

test: setup format-check
	@cmake --workflow --preset ci
	@$(MAKE) --no-print-directory asan-test

# Every tracked C++ file as .clang-format wants it (`make format` fixes them).
format-check:
	@git ls-files -z '*.cpp' '*.hpp' | xargs -0 -r -P 2 -n 50 clang-format --dry-run -Werror

# The unit tests of ocpp/net and ocpp/peer built with ASan + UBSan and run (the asan-unit presets).
asan-test:
	@cmake --workflow --preset asan-unit

bench: build
	@bash bench/run.sh

# Every libFuzzer target for FUZZ_SECONDS each (clang); crash inputs land in fuzz/crashes/<target>/.
fuzz:
	@bash $(SETUP) fuzz
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz --target $(addprefix fuzz_,$(FUZZ_TARGETS))
	@rc=0; for t in $(FUZZ_TARGETS); do bash fuzz/run.sh $$t $(FUZZ_SECONDS) || rc=1; done; exit $$rc

format:
	@git ls-files -z '*.cpp' '*.hpp' | xargs -0 -r clang-format -i

clean:
	rm -rf build build-dev build-ci build-asan build-fuzz
