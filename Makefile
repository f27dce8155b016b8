# swarmlb: `make demo` shows the main job, `make test` runs every test. Both install what they need.
SWIFT ?= swift
BIN := .build/debug/swarmlb

.PHONY: all build deps test unit host-tests vm-tests docker-test demo bench fuzz docs docs-check install lint clean

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

# A real Docker swarm node in the VM per Docker release in DOCKER (default 20 28: bookworm's 20.10 on legacy and nft,
# sid's 28.5 on nft; 26 is trixie's 26.1 on nft), one-CPU VMs side by side: swarmlb against Docker's own tools and
# resolver (Tests/docker/run). CI runs it after make test (.ci/run).
DOCKER ?= 20 28
docker-test: build
	@DOCKER="$(DOCKER)" scripts/test-all docker

demo: build
	Tests/vm/run scripts/demo

# Benchmarks of a release build: inspect in the VM (bench/results.txt), apply in the VM against the
# classic batch tools and Docker's way (bench/apply-results.txt; 4 GB for 10,000 services), then on
# this machine one firewall commit of 10,000 mark rules against iptables-nft/legacy-restore
# (bench/firewall-results.txt), the resolver against knot and dnsmasq (bench/dns-results.txt), and the
# overlay plane: 1,000 peers against ip/bridge, batch and one process per entry, and inspect --all of a
# node of scripts/demo-cluster against the classic tools per namespace (bench/overlay-results.txt).
# Linked -no-pie: a static executable with no load-time relocations (40,000 otherwise), which
# emulation makes costly at every start (docs/benchmarks.md); the binaries lose ASLR, so only here.
# No $$ORIGIN run path: the Swift libraries are linked in, and the loader would look for each shared
# library in the build directory's subdirectories first.
bench: deps
	@scripts/install-deps bench
	$(SWIFT) build -c release --static-swift-stdlib -Xlinker -no-pie --disable-local-rpath
	Tests/vm/run scripts/bench-inspect
	SWARMLB_VM_CPUS=1 SWARMLB_VM_MEM=4G Tests/vm/run 'SWARMLB=.build/release/swarmlb scripts/bench-apply'
	scripts/bench-firewall
	scripts/bench-dns
	scripts/bench-overlay

# libFuzzer on the DNS query parser (FUZZ_SECONDS, default 60); corpus seeds in Tests/fuzz/corpus. Then the
# services-file readers against each other (ServicesFileFuzzTests) for as long, from a new seed.
fuzz:
	scripts/fuzz $(FUZZ_SECONDS)

# Regenerates man/ and completions/ from the argument parser; the results are committed.
# generate-manual cannot write ENVIRONMENT, EXAMPLES, SEE ALSO or more exit statuses than 0 and >0:
# scripts/man-sections adds them to each page. DOCS_DIR lets docs-check write elsewhere.
DOCS_DIR ?= .
docs: build
	@mkdir -p $(DOCS_DIR)/man $(DOCS_DIR)/completions
	$(SWIFT) build --product generate-manual
	for x in swarmlb swarmlb-dns; do .build/debug/generate-manual .build/debug/$$x --output-directory $(DOCS_DIR)/man; done
	for page in $(DOCS_DIR)/man/*.1; do scripts/man-sections $$page; done
	$(BIN) --generate-completion-script bash > $(DOCS_DIR)/completions/swarmlb.bash
	$(BIN) --generate-completion-script zsh > $(DOCS_DIR)/completions/_swarmlb
	$(BIN) --generate-completion-script fish > $(DOCS_DIR)/completions/swarmlb.fish

# Fails when the committed man pages or completions differ from what the parser generates now (CI).
# The man pages' date line is left out of the comparison.
docs-check: build
	@d=$$(mktemp -d); $(MAKE) -s docs DOCS_DIR=$$d >/dev/null; \
	  diff -r -I '^\.Dd ' man $$d/man && diff -r completions $$d/completions; rc=$$?; rm -rf $$d; \
	  [ $$rc = 0 ] || { echo "docs-check: man/ or completions/ is stale; run make docs and commit" >&2; exit 1; }; \
	  echo "docs-check: man pages and completions match the parser"

# make install PREFIX=/usr/local [DESTDIR=...]: both executables (swarmlb execs swarmlb-dns from its own
# directory for `dns serve`), the man pages and the bash, zsh and fish completions. SKIP_BUILD=1 installs
# what is built.
PREFIX ?= /usr/local
CONFIG ?= debug
install: $(if $(SKIP_BUILD),,build)
	@test -x .build/$(CONFIG)/swarmlb-dns || { echo "install: .build/$(CONFIG)/swarmlb-dns is missing: swarmlb execs it from its own directory (dns serve)" >&2; exit 1; }
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/bash-completion/completions \
	  $(DESTDIR)$(PREFIX)/share/zsh/site-functions $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d
	install -m 755 .build/$(CONFIG)/swarmlb .build/$(CONFIG)/swarmlb-dns $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 completions/swarmlb.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/swarmlb
	install -m 644 completions/_swarmlb $(DESTDIR)$(PREFIX)/share/zsh/site-functions/_swarmlb
	install -m 644 completions/swarmlb.fish $(DESTDIR)$(PREFIX)/share/fish/vendor_completions.d/swarmlb.fish

# swift-format (the toolchain's `swift format`) with .swift-format, strictly, on the whole tree; then the
# dependency rule of CONTRIBUTING.md (scripts/check-layers).
lint:
	$(SWIFT) format lint --strict --recursive Sources Tests Package.swift
	scripts/check-layers

clean:
	rm -rf .build
