# WriftSync — build, test and demo. `make test` installs what the tests need (Debian packages, a Python
# virtualenv with the official WriftAI client) so that it works on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
SWIFT ?= swift
VENV := .build-venv
PYTHON ?= python3
# Debian packages, by what needs them: each target installs only its own, and only those missing, through
# scripts/install-debian-packages.sh, which starts and enables no service (see the script).
# The build: libgit2 for GitSource (found with pkg-config), GPGME for OpenPGP commit signatures, OpenSSL's
# libcrypto for hashes and SSH signatures (SystemCrypto), and git.
BUILD_PACKAGES := libgit2-dev libgpgme-dev libssl-dev pkg-config git
# The demo, on top of the build: scripts/demo.sh talks to the emulator with curl.
DEMO_PACKAGES := curl
# The tests, on top of the build: git (daemon, http-backend), openssh-server (its sshd binary, run by the tests
# with their own config) and openssl for the test servers, curl, GNU time for wriftsync's peak memory, gnupg,
# which makes and signs with the tests' OpenPGP keys (ssh-keygen, in openssh-client, the SSH ones), and
# chromium (headless), which loads the status page in the browser tests.
TEST_PACKAGES := openssh-server openssh-client openssl curl time gnupg chromium
INSTALL_PACKAGES := scripts/install-debian-packages.sh

.PHONY: all build release test fuzz deps build-deps demo-deps test-deps venv demo bench clean

all: build

## build-deps, demo-deps, test-deps: the Debian packages of the build, the demo and the tests.
build-deps:
	@$(INSTALL_PACKAGES) $(BUILD_PACKAGES)

demo-deps:
	@$(INSTALL_PACKAGES) $(BUILD_PACKAGES) $(DEMO_PACKAGES)

test-deps:
	@$(INSTALL_PACKAGES) $(BUILD_PACKAGES) $(TEST_PACKAGES)

## deps: every Debian package of the build, the demo and the tests.
deps:
	@$(INSTALL_PACKAGES) $(BUILD_PACKAGES) $(DEMO_PACKAGES) $(TEST_PACKAGES)

## venv: a Python virtualenv with the official `wriftai` client, for the emulator's conformance test, and
## `jsonschema`, the oracle of the JSON Schema validator's differential test.
venv: $(VENV)/.installed-2

# The stamp is renamed whenever the packages change, so that existing virtualenvs get the new ones.
$(VENV)/.installed-2:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet wriftai==0.34.0 jsonschema==4.26.0
	touch $@

## build: a debug build of every product.
build: build-deps
	$(SWIFT) build

## release: an optimised build of the executables, with the Swift runtime and Foundation linked in as
## deploy/Dockerfile links them: they run without a Swift installation and start sooner.
release: build-deps
	$(SWIFT) build -c release --static-swift-stdlib --product wriftsync
	$(SWIFT) build -c release --static-swift-stdlib --product wriftai-emulator

## test: build everything (failing on any compiler warning in our code), then run every test, at most
## TEST_WIDTH at once: all ~900 started together on two cores made a half-second wait take a minute, past the
## real-clock bounds some tests keep (a client's timeout), and the run took no less time.
TEST_WIDTH ?= 8
test: test-deps venv
	@mkdir -p .build
	$(SWIFT) build --build-tests 2>&1 | tee .build/build-tests.log
	@if grep -E "^$(CURDIR)/(Sources|Tests)/[^:]+:[0-9]+:[0-9]+: warning:" .build/build-tests.log; then \
		echo "error: compiler warnings in WriftSync code (listed above)"; exit 1; \
	fi
	SWT_EXPERIMENTAL_MAXIMUM_PARALLELIZATION_WIDTH=$(TEST_WIDTH) $(SWIFT) test --skip-build

## fuzz: the declaration fuzzer at length (make test runs 20,000 cases with a fixed seed). It prints its seed;
## failing inputs, and the case in flight, are saved under .build/fuzz/ with the command that replays them.
FUZZ_CASES ?= 1000000
FUZZ_SEED ?= random
fuzz: build-deps
	$(SWIFT) build --build-tests
	FUZZ_CASES=$(FUZZ_CASES) FUZZ_SEED=$(FUZZ_SEED) FUZZ_CHECKPOINT=1 $(SWIFT) test --skip-build --filter DeclarationFuzzTests

## demo: Examples/config-repo over git://, the emulator, then validate, plan, apply, a change and drift
## (Examples/README.md says exactly what it covers).
demo: demo-deps build
	@bash scripts/demo.sh

## bench: performance figures (not part of `make test`): one release build in its own scratch path with the
## benchmark targets (WRIFTSYNC_BENCH=1), the in-process micro-benchmarks (ordo-one/benchmark), then the
## end-to-end suite against the emulator on loopback. Prints the table, writes bench/results.json.
## The executables measured are built as they ship (deploy/Dockerfile), with the Swift runtime linked in: a
## dynamically linked wriftsync took 6–10 ms longer to start (loading and binding 15 more shared libraries).
## One `swift build` makes all four executables (Package.swift leaves the tests out of this build), the
## micro-benchmarks among them, run by their own `--out` (not `swift package benchmark`, whose plugin built
## everything they use a second time in a scratch path of its own: see Benchmarks/).
BENCH_SCRATCH := .build-bench
BENCH_BUILD := WRIFTSYNC_BENCH=1 $(SWIFT) build -c release -Xswiftc -static-stdlib --scratch-path $(BENCH_SCRATCH)
bench: deps
	@mkdir -p bench/tmp
	$(BENCH_BUILD)
	rm -f bench/tmp/micro.json
	$(BENCH_SCRATCH)/release/WriftSyncBenchmarks --out bench/tmp/micro.json
	$(BENCH_SCRATCH)/release/wriftsync-bench --bin $(BENCH_SCRATCH)/release --work bench/tmp --out bench/results.json --micro bench/tmp/micro.json

clean:
	rm -rf .build $(VENV)
