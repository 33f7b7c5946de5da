# users-grpc: `make run` and `make test` are the two set-up commands (README).
SHELL := bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

TOOLS_DIR := $(CURDIR)/.tools
TOOLS_BIN := $(TOOLS_DIR)/bin
export PATH := $(TOOLS_BIN):$(CURDIR)/node_modules/.bin:$(PATH)
# The Go tools build from the Go module proxy into .tools/ (pinned here).
HELM_VERSION := v3.22.0
GRPCURL_VERSION := v1.9.3
GRPC_HEALTH_PROBE_VERSION := v0.4.62
GHZ_VERSION := v0.120.0
HELM_DOCS_VERSION := v1.14.2
GO_INSTALL := GOBIN=$(TOOLS_BIN) GOFLAGS=-mod=mod CGO_ENABLED=0 go install

ADDRESS ?= 0.0.0.0:8000

.PHONY: help
help: ## list the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F ':.*## ' '{printf "  %-20s %s\n", $$1, $$2}'

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

.PHONY: install
install: node_modules/.installed ## install npm dependencies (npm ci)

$(TOOLS_BIN)/helm-$(HELM_VERSION):
	$(GO_INSTALL) helm.sh/helm/v3/cmd/helm@$(HELM_VERSION)
	@touch $@
$(TOOLS_BIN)/grpcurl-$(GRPCURL_VERSION):
	$(GO_INSTALL) github.com/fullstorydev/grpcurl/cmd/grpcurl@$(GRPCURL_VERSION)
	@touch $@
$(TOOLS_BIN)/grpc-health-probe-$(GRPC_HEALTH_PROBE_VERSION):
	$(GO_INSTALL) github.com/grpc-ecosystem/grpc-health-probe@$(GRPC_HEALTH_PROBE_VERSION)
	@touch $@
$(TOOLS_BIN)/helm-docs-$(HELM_DOCS_VERSION):
	$(GO_INSTALL) github.com/norwoodj/helm-docs/cmd/helm-docs@$(HELM_DOCS_VERSION)
	@touch $@
$(TOOLS_BIN)/ghz-$(GHZ_VERSION):
	$(GO_INSTALL) github.com/bojand/ghz/cmd/ghz@$(GHZ_VERSION)
	@touch $@

.PHONY: tools
tools: $(TOOLS_BIN)/helm-$(HELM_VERSION) $(TOOLS_BIN)/grpcurl-$(GRPCURL_VERSION) $(TOOLS_BIN)/grpc-health-probe-$(GRPC_HEALTH_PROBE_VERSION) $(TOOLS_BIN)/helm-docs-$(HELM_DOCS_VERSION) ## build the pinned Go tools into .tools/bin

.PHONY: gen
gen: install ## regenerate gen/ from proto/ (ts-proto stubs and the reflection descriptor set)
	buf generate
	buf build --as-file-descriptor-set -o - | node scripts/embed-descriptor-set.js gen/descriptor_set.ts

.PHONY: check-gen
check-gen: gen ## fail when gen/ is not what proto/ generates
	@git diff --exit-code --stat -- gen/ || { echo "gen/ is out of date: run 'make gen' and commit it"; exit 1; }
	@test -z "$$(git status --porcelain -- gen/)" || { git status --porcelain -- gen/; echo "gen/ has files git does not know: run 'make gen' and commit them"; exit 1; }

.PHONY: buf-lint
buf-lint: install ## lint the proto files
	buf lint

.PHONY: breaking
breaking: install ## check proto/ against the v1 contract image
	buf breaking --against proto/images/user-v1.binpb

.PHONY: typecheck
typecheck: install ## tsc --noEmit over src, gen, test
	tsc --noEmit -p .

.PHONY: lint
lint: install ## eslint
	eslint --max-warnings=0 .

.PHONY: build
build: install ## bundle dist/users-server.js and dist/users-cli.js
	node scripts/build.js
	chmod +x dist/users-server.js dist/users-cli.js

.PHONY: test-deps
test-deps: ## system tools the tests drive: tmux, zsh and fish (users-cli completion in real shells), via apt-get when missing
	@missing=""; for tool in tmux zsh fish; do command -v $$tool >/dev/null || missing="$$missing $$tool"; done; \
	if [ -n "$$missing" ]; then echo "installing$$missing with apt-get"; apt-get update -qq && apt-get install -y -qq $$missing >/dev/null; fi

.PHONY: jest
jest: install build tools test-deps ## run the jest suites (unit, gRPC, end-to-end, chart) with coverage of src/ (lines >= 95%, branches >= 85%)
	@rm -f .jest-results.json
	jest --ci --coverage --json --outputFile=.jest-results.json
	@node -e 'const r = require("./.jest-results.json"); console.log(`jest: $${r.numPassedTests} passed, $${r.numFailedTests} failed, $${r.numPendingTests} skipped`)'
	node scripts/check-test-files.js

.PHONY: readme
readme: install ## regenerate README.md's generated sections (the users-server settings table)
	node scripts/render-readme.js

.PHONY: helm-lint
helm-lint: tools ## helm lint --strict: default values, then each charts/users-grpc/ci/*-values.yaml
	helm lint --strict charts/users-grpc
	for values in charts/users-grpc/ci/*-values.yaml; do helm lint --strict charts/users-grpc -f "$$values"; done

.PHONY: helm-docs
helm-docs: tools ## regenerate charts/users-grpc/README.md (values table) from values.yaml and README.md.gotmpl
	helm-docs --chart-search-root charts --log-level warning

.PHONY: check-helm-docs
check-helm-docs: helm-docs ## fail when the chart README's values table is not what values.yaml gives
	@git diff --exit-code --stat -- charts/ || { echo "charts/users-grpc/README.md is out of date: run 'make helm-docs' and commit it"; exit 1; }

.PHONY: runtime-test
runtime-test: build tools ## the chart's Deployment on podman (kube play) from the Dockerfile's image: 65532, read-only root, list and health (root; see scripts/runtime-test.sh)
	bash scripts/runtime-test.sh

.PHONY: test
test: buf-lint breaking check-gen typecheck lint helm-lint check-helm-docs jest runtime-test ## every check, from a fresh clone

.PHONY: run
run: build ## build and start the server with the sample users on port 8000
	dist/users-server.js --address=$(ADDRESS)

.PHONY: bench
bench: build tools $(TOOLS_BIN)/ghz-$(GHZ_VERSION) ## page cost, start-up, memory, and throughput of a local server with ghz (bench/run.sh; README: Performance)
	bash bench/run.sh

.PHONY: bench-memory
bench-memory: install ## worst-case memory of one stored user (what --max-users multiplies; the chart test uses it)
	node bench/memory-per-user.js $${BENCH_MEMORY_USERS:-10000}

.PHONY: bench-pglite-commits
bench-pglite-commits: install ## single-row commits on a pglite: directory, PGlite's fsync off beside users-server's fsync on (README: Storage)
	node bench/pglite-commits.js $${BENCH_COMMITS:-500}

.PHONY: bench-cli
bench-cli: build ## users-cli start-up beside node -e 0 (also in make bench); BENCH_NODE=path for another Node
	env -u NODE_EXTRA_CA_CERTS $${BENCH_NODE:-node} bench/cli-startup.js $${BENCH_CLI_ROUNDS:-20}

.PHONY: bench-cli-phases
bench-cli-phases: build ## where the time of one users-cli get goes, phase by phase, beside node -e 0
	env -u NODE_EXTRA_CA_CERTS node bench/cli-phases.js $${BENCH_CLI_ROUNDS:-20}

.PHONY: clean
clean: ## remove build outputs and tools
	rm -rf dist .tools
