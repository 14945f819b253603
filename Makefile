.PHONY: dev test build setup
dev:
	bash scripts/dev.sh
test:
	bash scripts/test.sh
build:
	bash scripts/setup.sh && bash scripts/build.sh
setup:
	bash scripts/setup.sh
