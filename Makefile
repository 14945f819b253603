.PHONY: dev test build setup bench bench-quick
dev:
	bash scripts/dev.sh
test:
	bash scripts/test.sh
build:
	bash scripts/setup.sh && bash scripts/build.sh
setup:
	bash scripts/setup.sh
bench:
	bash scripts/bench.sh
bench-quick:
	bash scripts/bench.sh --quick
