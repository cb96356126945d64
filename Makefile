# Thin wrapper over the npm scripts. `make run` and `make test` do all set-up on a fresh machine.
.PHONY: setup build run test parser typecheck lint unit bench check-corpus clean

setup:
	@bash scripts/setup.sh

build: setup
	npm run build

run: build
	node bin/mptcpdrill.js run suites/

# `npm test` builds dist/ first (the integration and kernel tests run the compiled CLI).
test: setup
	npm run gen:parser -- --check
	npm run typecheck
	npm run lint
	npm test

parser: setup
	npm run gen:parser

typecheck lint: setup
	npm run $@

bench: build
	npm run bench

check-corpus: build
	node bin/mptcpdrill.js check ../shared/corpus/gpd ../shared/corpus/mpd

clean:
	rm -rf reports/* node_modules dist
