# Thin wrapper over the npm scripts. `make run` and `make test` do all set-up on a fresh machine.
.PHONY: setup run test parser typecheck lint unit bench check-corpus clean

setup:
	@bash scripts/setup.sh

run: setup
	npx mptcpdrill run suites/

test: setup
	npm run gen:parser -- --check
	npm run typecheck
	npm run lint
	npm test

parser: setup
	npm run gen:parser

typecheck lint: setup
	npm run $@

bench: setup
	npm run bench

check-corpus: setup
	npx mptcpdrill check ../shared/corpus/gpd ../shared/corpus/mpd

clean:
	rm -rf reports/* node_modules
