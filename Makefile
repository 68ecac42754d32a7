# Two entry points for a fresh Debian 12 machine: `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= RelWithDebInfo
JOBS ?= $(shell nproc)
EXAMPLE ?= resources/examples/ota_asdl/tb_ota.asdl

.PHONY: deps configure build run test bench clean format asan tsan tidy fuzz

deps:
	@bash packaging/install-deps.sh

# The default preset (CMakePresets.json) with the directory and build type given here.
configure: deps
	@cmake --preset default -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) >/dev/null

build: configure
	@cmake --build $(BUILD_DIR) -j $(JOBS)

run: build
	./$(BUILD_DIR)/bin/wavebench $(EXAMPLE)

test: build
	cd $(BUILD_DIR) && ctest --output-on-failure -j $(JOBS)

bench: build
	/usr/bin/python3 bench/bench_stream.py --build $(BUILD_DIR)
	bash bench/bench_plot.sh --build $(BUILD_DIR)

# The whole suite under AddressSanitizer + UBSan (build-asan/); the threaded engine, session
# and job tests under ThreadSanitizer (build-tsan/). Environment, test selection and
# suppressions: the presets in CMakePresets.json, lsan.supp, tsan.supp.
asan: deps
	@cmake --preset asan >/dev/null
	cmake --build --preset asan -j $(JOBS)
	ctest --preset asan -j $(JOBS)

tsan: deps
	@cmake --preset tsan >/dev/null
	cmake --build --preset tsan -j $(JOBS)
	ctest --preset tsan -j $(JOBS)

# The libFuzzer targets (fuzz/, the `fuzz` preset in build-fuzz/), each for FUZZ_SECONDS
# from its seeds (fuzz/corpus/<target>) with its dictionary (fuzz/dict/). New inputs go to
# build-fuzz/corpus/, crashes, timeouts and out-of-memory inputs to build-fuzz/artifacts/;
# any of those fails the run. `make fuzz FUZZ_TARGETS=fuzz_job_spec` runs one.
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?= fuzz_spice_reader fuzz_asdl_reader fuzz_probe_map_json fuzz_probe_map_yaml \
	fuzz_job_spec fuzz_tree_json fuzz_asdl_rc fuzz_workbook fuzz_store_reader
fuzz: deps
	@cmake --preset fuzz >/dev/null
	cmake --build --preset fuzz -j $(JOBS)
	bash fuzz/run_fuzzers.sh $(CURDIR)/build-fuzz $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# clang-tidy (.clang-tidy) over our sources; needs only the configured compile commands.
# `make tidy TIDY_FILES='(core|ui)/'` widens it.
TIDY_FILES ?= core/
tidy: configure
	run-clang-tidy -p $(BUILD_DIR) -quiet -j $(JOBS) '^$(CURDIR)/$(TIDY_FILES).*\.cpp$$'

format:
	clang-format -i $$(git ls-files '*.cpp' '*.h')

clean:
	rm -rf $(BUILD_DIR)
