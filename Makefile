# Checks outside the test command. CI runs ./scripts/test, which includes the chaos suite with a
# 30-second soak; these targets run the soak for longer and print the Reliability table.
#
#   make soak                              10 minutes at 500 records/s, faults 1-5 in turn
#   make soak SOAK_MINUTES=60 SOAK_RATE=1000
#   make reliability                       the chaos suite, then its table (README "Reliability")
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

SOAK_MINUTES ?= 10
SOAK_RATE ?= 500

.PHONY: build soak reliability

build:
	bash scripts/install-deps.sh
	swift build --build-tests

soak: build
	SOAK_SECONDS=$$(( $(SOAK_MINUTES) * 60 )) SOAK_RATE=$(SOAK_RATE) \
		swift test --skip-build --filter 'ChaosTests/soak' 2>&1 | grep --line-buffered -E '^soak:|^\| |passed|failed|recorded an issue'

reliability: build
	swift test --skip-build --filter ChaosTests 2>&1 | tee .build/reliability.log
	@printf '\n| Scenario | Records | Lost | Duplicates | Dead-lettered |\n|---|---:|---:|---:|---:|\n'
	@grep '^| ' .build/reliability.log
