# The two commands of the README:
#   make run    installs what is missing, builds, creates the sample workspace
#               on first run and opens the application on it
#   make test   installs the test tools too and runs the whole suite
GO      ?= go
BIN     := bin/certeval
SAMPLE  ?= var/exemple.certeval
# Packages cheap enough to test under the race detector (no Fyne).
RACE    := ./i18n/ ./rubric/ ./jury/ ./grading/ ./parcel/ ./seal/ ./sheet/ ./storage/ ./issue/ ./demo/
# Fuzz targets of the parsers, a short run each: package:target.
FUZZ    := rubric:FuzzParseJSON rubric:FuzzParseORA2 jury:FuzzParseCandidates parcel:FuzzRead \
           seal:FuzzVerifyPayload rubric:FuzzScore
FUZZTIME ?= 10s

.PHONY: run test deps deps-test build fmt vet unit race fuzz smoke package

run: deps build
	@test -f $(SAMPLE) || (mkdir -p $(dir $(SAMPLE)) && $(BIN) demo --db $(SAMPLE))
	$(BIN) --db $(SAMPLE)

test: deps-test fmt vet unit race fuzz smoke

deps:
	@scripts/deps.sh run

deps-test:
	@scripts/deps.sh test

build:
	$(GO) build -o $(BIN) ./cmd/certeval

fmt:
	@out=$$(gofmt -l $$(git ls-files '*.go' 2>/dev/null || find . -name '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

unit:
	$(GO) test -count=1 ./...

race:
	$(GO) test -count=1 -race -short $(RACE)

fuzz:
	@for f in $(FUZZ); do \
		pkg=$${f%%:*}; name=$${f##*:}; \
		echo "fuzz $$pkg $$name ($(FUZZTIME))"; \
		$(GO) test -run='^$$' -fuzz="^$$name$$" -fuzztime=$(FUZZTIME) ./$$pkg/ || exit 1; \
	done

smoke:
	scripts/smoke.sh

# A desktop package (Certeval.tar.xz with the .desktop file and icon). The fyne
# tool reads FyneApp.toml from the current folder (the root) and packages the
# binary built just before; it deletes that binary when done.
package: deps build
	$(GO) run fyne.io/tools/cmd/fyne@v1.7.4 package --os linux --exe $(BIN)
