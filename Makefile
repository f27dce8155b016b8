# swarmlb: `make demo` shows the main job, `make test` runs every test. Both install what they need.
SWIFT ?= swift
BIN := .build/debug/swarmlb

.PHONY: all build deps test unit host-tests vm-tests demo bench fuzz docs clean

all: build

deps:
	@scripts/install-deps build test vm

build: deps
	$(SWIFT) build

# Unit tests, host kernel tests (iptables, addresses, namespaces), then IPVS tests in the VM.
test: build
	@scripts/test-all

unit: deps
	$(SWIFT) test

# The kernel suites on each iptables backend (legacy, nft), then the tests about both at once.
host-tests: build
	@scripts/test-all host

vm-tests: build
	@scripts/test-all vm

demo: build
	Tests/vm/run scripts/demo

# Benchmarks of a release build: inspect in the VM (bench/results.txt), then on this machine one
# firewall commit of 10,000 mark rules against iptables-nft/legacy-restore (bench/firewall-results.txt)
# and the resolver against knot and dnsmasq (bench/dns-results.txt).
bench: deps
	@scripts/install-deps bench
	$(SWIFT) build -c release --static-swift-stdlib
	Tests/vm/run scripts/bench-inspect
	scripts/bench-firewall
	scripts/bench-dns

# libFuzzer on the DNS query parser (FUZZ_SECONDS, default 60); corpus seeds in Tests/fuzz/corpus.
fuzz:
	scripts/fuzz $(FUZZ_SECONDS)

# Regenerates man/ and completions/ from the argument parser; the results are committed.
docs: build
	$(SWIFT) package --allow-writing-to-directory man generate-manual --output-directory man
	$(BIN) --generate-completion-script bash > completions/swarmlb.bash
	$(BIN) --generate-completion-script zsh > completions/_swarmlb
	$(BIN) --generate-completion-script fish > completions/swarmlb.fish

clean:
	rm -rf .build
