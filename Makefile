# vcfsynth: synthetic cohorts from phased VCF/BCF panels.
#   make            build the programs
#   make demo       install Debian packages if needed, build, run fit -> synth on real data
#   make check      install Debian packages if needed, build, run every test
#   make bench      benchmarks, results in bench/results/*.tsv
#   make install PREFIX=/usr/local DESTDIR=
#   make SANITIZE=1 check   the same under ASan/UBSan
#   make coverage   every test on an instrumented build, then lcov's line coverage of lib/
#   make fuzz       libFuzzer on every parser the project wrote (FUZZ_TIME s each, default 60)

VERSION  = 0.1.0
PREFIX  ?= /usr/local
DESTDIR ?=
CC      ?= cc
PKGS     = htslib gsl libcjson zlib liblzma libcrypto

OPT      ?= -O2 -g
CPPFLAGS += -D_XOPEN_SOURCE=700 -D_DEFAULT_SOURCE -Ilib -DVS_VERSION='"$(VERSION)"'
CFLAGS   += -std=c11 $(OPT) -Wall -Wextra -Werror -fopenmp \
            $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS   += $(shell pkg-config --libs $(PKGS) 2>/dev/null || echo -lhts -lgsl -lgslcblas -lcjson -lz -llzma -lcrypto) -lm
LDFLAGS  += -fopenmp

ifeq ($(SANITIZE),1)
CFLAGS  += -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
BUILD    = build-sanitize
else ifeq ($(COVERAGE),1)
OPT      = -O0 -g
CFLAGS  += --coverage
LDFLAGS += --coverage
BUILD    = build-coverage
else
BUILD    = build
endif

LIB_SRC  = $(wildcard lib/*.c)
LIB_OBJ  = $(LIB_SRC:lib/%.c=$(BUILD)/lib/%.o)
LIB      = $(BUILD)/libvcfsynth.a
TOOL_OBJ = $(BUILD)/tools/vs_tool.o
TOOLS = vcf-fit vcf-synth vcf-linkage-attack vcf-hybrid vcf-fidelity vcf-pheno
BIN      = $(TOOLS:%=$(BUILD)/bin/%)
UNIT_SRC = $(wildcard test/unit/test_*.c)
UNIT     = $(UNIT_SRC:test/unit/%.c=$(BUILD)/test/%)
HELPERS  = $(patsubst test/helpers/%.c,$(BUILD)/test/%,$(wildcard test/helpers/*.c))

# Debian 12 packages the build, the tests and the demo need
DEB_PKGS = build-essential pkg-config libhts-dev libgsl-dev zlib1g-dev liblzma-dev libcjson-dev \
           libssl-dev bcftools tabix bats bats-assert bats-support shapeit4-example plink2 \
           jq time vcftools libxml2-utils xz-utils bzip2 zstd snakemake python3-yaml
# only the HTML rendering test, the fuzz smoke and make coverage need these; the tests skip, with a message, without them
DEB_OPTIONAL = chromium clang libomp-dev lcov

.PHONY: all helpers deps demo check bench tradeoff install clean fuzz coverage
all: $(BIN)
helpers: $(HELPERS)

$(BUILD)/lib/%.o: lib/%.c lib/*.h | $(BUILD)/lib
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(LIB): $(LIB_OBJ)
	$(AR) rcs $@ $^

$(TOOL_OBJ): tools/vs_tool.c tools/vs_tool.h lib/*.h | $(BUILD)/tools
	$(CC) $(CPPFLAGS) $(CFLAGS) -Itools -c -o $@ $<

$(BUILD)/bin/%: tools/%.c tools/vs_tool.h $(TOOL_OBJ) $(LIB) | $(BUILD)/bin
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -Itools -o $@ $< $(TOOL_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/test/%: test/unit/%.c test/unit/unit.h $(LIB) | $(BUILD)/test
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -Itest/unit -o $@ $< $(LIB) $(LDLIBS)

$(BUILD)/test/vs-%: test/helpers/vs-%.c test/helpers/helper.h $(TOOL_OBJ) $(LIB) | $(BUILD)/test
	$(CC) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -Itools -o $@ $< $(TOOL_OBJ) $(LIB) $(LDLIBS)

$(BUILD)/lib $(BUILD)/bin $(BUILD)/test $(BUILD)/tools:
	mkdir -p $@

deps:
	@missing=$$(for p in $(DEB_PKGS); do dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		echo "make deps: installing $$missing"; \
		apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$missing; \
	else \
		echo "make deps: missing Debian packages: $$missing"; \
		echo "run as root: apt-get update && apt-get install -y $$missing"; exit 1; \
	fi
	@for p in $(DEB_OPTIONAL); do \
		dpkg-query -W -f='$${Status}\n' $$p 2>/dev/null | grep -q '^install ok installed' && continue; \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			{ apt-get update -q >/dev/null; DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$p; } || echo "make deps: could not install $$p (optional)"; \
		else echo "make deps: optional Debian package $$p is missing"; fi; \
	done

demo: deps all
	BUILD=$(BUILD) bash share/demo.sh

check: deps all helpers $(UNIT)
	@BUILD=$(BUILD) bash test/run.sh test/boundaries.sh $(UNIT)

# lcov: line and function coverage of lib/ by every test, in build-coverage/coverage.info
# (and build-coverage/coverage/index.html); the summary is printed.
coverage:
	rm -rf build-coverage
	-$(MAKE) --no-print-directory COVERAGE=1 check
	lcov --quiet --capture --directory build-coverage/lib --output-file build-coverage/all.info
	lcov --quiet --extract build-coverage/all.info '$(CURDIR)/lib/*' --output-file build-coverage/coverage.info
	genhtml --quiet build-coverage/coverage.info --output-directory build-coverage/coverage
	lcov --summary build-coverage/coverage.info

bench: deps all helpers
	BUILD=$(BUILD) bash bench/run.sh
	BUILD=$(BUILD) bash bench/scale

tradeoff: deps all
	BUILD=$(BUILD) bash bench/tradeoff

# libFuzzer targets (test/fuzz/fuzz_*.c) against the library built by clang
# with ASan and UBSan; each runs its seed corpus, then FUZZ_TIME seconds of
# mutations (new inputs go to build-fuzz/corpus, not to the repository).
FUZZ_TIME ?= 60
FUZZ_SAN   = -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
FUZZ_FLAGS = -std=c11 -O1 -g -fopenmp -Wall -Wextra -Werror -Wno-pass-failed $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
FUZZ_OBJ   = $(LIB_SRC:lib/%.c=build-fuzz/lib/%.o)
FUZZ_BIN   = $(patsubst test/fuzz/%.c,build-fuzz/%,$(wildcard test/fuzz/fuzz_*.c))

build-fuzz/lib/%.o: lib/%.c lib/*.h | build-fuzz/lib
	clang $(CPPFLAGS) $(FUZZ_FLAGS) $(FUZZ_SAN) -fsanitize=fuzzer-no-link -c -o $@ $<

build-fuzz/libvcfsynth.a: $(FUZZ_OBJ)
	$(AR) rcs $@ $^

build-fuzz/fuzz_%: test/fuzz/fuzz_%.c test/fuzz/fuzz.h build-fuzz/libvcfsynth.a
	clang $(CPPFLAGS) $(FUZZ_FLAGS) $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< build-fuzz/libvcfsynth.a $(LDLIBS)

build-fuzz/lib:
	mkdir -p $@

# The parsers return errors as values: leak detection stays on, so an error
# path that forgets to free fails the run as a crash would.
fuzz: $(FUZZ_BIN)
	@for f in $(FUZZ_BIN); do \
		name=$${f#build-fuzz/fuzz_}; mkdir -p build-fuzz/corpus/$$name; \
		$$f -max_total_time=$(FUZZ_TIME) -close_fd_mask=2 \
			-max_len=65536 -timeout=10 -artifact_prefix=build-fuzz/$$name- \
			build-fuzz/corpus/$$name test/fuzz/corpus/$$name > build-fuzz/$$name.log 2>&1; rc=$$?; \
		runs=$$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' build-fuzz/$$name.log); \
		echo "fuzz: $$name: $${runs:-0} executions in $(FUZZ_TIME) s, exit $$rc"; \
		grep -aE 'ERROR|SUMMARY|DEADLYSIGNAL|Test unit written' build-fuzz/$$name.log; \
		test $$rc -eq 0 || { echo "fuzz: $$name FAILED, see build-fuzz/$$name.log"; exit 1; }; \
	done

install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/share/man/man1 $(DESTDIR)$(PREFIX)/share/man/man5
	install -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/
	install -m 644 man/man1/*.1 $(DESTDIR)$(PREFIX)/share/man/man1/
	install -m 644 man/man5/*.5 $(DESTDIR)$(PREFIX)/share/man/man5/

clean:
	rm -rf build build-sanitize build-fuzz build-coverage
