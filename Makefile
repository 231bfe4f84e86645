# One non-recursive GNU Makefile. Objects go to $(BUILD) (build/ by default;
# build/asan for the sanitizer pass of `make check`).
#
#   make            build build/indexer, build/searchd, build/swedish.so
#   make demo       install deps, build, index the sample reports, run searchd
#   make check      install deps, build, run every test (also under ASan/UBSan)
#   make bench      benchmarks (see bench/README.md)
#   make install    install under PREFIX (/usr/local) and DESTDIR (dist/README.md)
#   make uninstall  remove what make install installed
#   make soak       searchd under load while the indexer adds and is killed
#                   (tests/soak/soak.py; SOAK_SECONDS=600 by default)

BUILD    ?= build
CC       ?= cc
PKGS      = sqlite3 libevent libevent_pthreads
SAN_FLAGS = -fsanitize=address,undefined -fno-omit-frame-pointer \
            -fno-sanitize-recover=all
OPT      ?= -O2 -g

CPPFLAGS += -D_GNU_SOURCE -Istemming -Icommon -Isearchd -I$(BUILD)/gen
CFLAGS   += -std=c11 $(OPT) -fPIC -Wall -Wextra -Werror -Wshadow \
            -Wstrict-prototypes -MMD -MP $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS_CORE = $(shell pkg-config --libs sqlite3 2>/dev/null || echo -lsqlite3) -lstemmer
LDLIBS_HTTP = $(shell pkg-config --libs libevent libevent_pthreads 2>/dev/null || echo -levent -levent_pthreads) -lpthread -lm
# libcrypto (SHA-256 of report files): the indexer and the unit tests only
LDLIBS_INDEXER = $(shell pkg-config --libs libcrypto 2>/dev/null || echo -lcrypto)

ifeq ($(SAN),1)
CFLAGS  += $(SAN_FLAGS)
LDFLAGS += $(SAN_FLAGS)
endif

# --- sources: every .c of a module folder; main.c and tools are programs ---
STEM_SRC    := $(filter-out stemming/extension.c,$(wildcard stemming/*.c))
COMMON_SRC  := $(wildcard common/*.c)
INDEXER_SRC := $(filter-out indexer/main.c,$(wildcard indexer/*.c))
SEARCHD_SRC := $(wildcard searchd/*/*.c)
# searchd/openapi.json as a C array (http/openapi.h).
SEARCHD_GEN  = $(BUILD)/gen/openapi_json.c
GEN_SRC      =

# Files generated at build time (the decompounding dictionary, among others)
# are added to GEN_SRC by the module that makes them.
-include stemming/module.mk

obj = $(patsubst %.c,$(BUILD)/obj/%.o,$(1))

# libstemmer has no version call: --version prints the package version
# found at build time (common/version.c).
LIBSTEMMER_VERSION := $(shell pkg-config --modversion libstemmer 2>/dev/null \
  || dpkg-query -W -f='$${Version}' libstemmer-dev 2>/dev/null)
$(BUILD)/obj/common/version.o: CPPFLAGS += \
  -DVERSION_LIBSTEMMER='"$(LIBSTEMMER_VERSION)"'

STEM_OBJ    = $(call obj,$(STEM_SRC)) $(call obj,$(GEN_SRC))
CORE_OBJ    = $(STEM_OBJ) $(call obj,$(COMMON_SRC))
INDEXER_OBJ = $(call obj,$(INDEXER_SRC))
SEARCHD_OBJ = $(call obj,$(SEARCHD_SRC) $(SEARCHD_GEN))

TEST_SRC    := $(wildcard tests/unit/check_*.c)
TEST_OBJ     = $(call obj,$(TEST_SRC) tests/unit/runner.c)

PROGRAMS = $(BUILD)/indexer $(BUILD)/searchd $(BUILD)/swedish.so

.PHONY: all deps demo check unit e2e bench soak clean install uninstall
all: $(PROGRAMS)

$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BUILD)/swedish.so: $(STEM_OBJ) $(BUILD)/obj/stemming/extension.o
	$(CC) -shared $(LDFLAGS) -o $@ $^ $(LDLIBS_CORE)

$(BUILD)/indexer: $(BUILD)/obj/indexer/main.o $(INDEXER_OBJ) $(CORE_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_CORE) $(LDLIBS_INDEXER) -lm

$(BUILD)/searchd: $(BUILD)/obj/searchd/main.o $(SEARCHD_OBJ) $(CORE_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_CORE) $(LDLIBS_HTTP)

$(BUILD)/gen/openapi_json.c: searchd/openapi.json
	@mkdir -p $(dir $@)
	{ echo '/* Made from searchd/openapi.json by the Makefile. */'; \
	  echo '#include "http/openapi.h"'; \
	  echo 'const unsigned char openapi_json[] = {'; \
	  od -An -v -tx1 $< | sed 's/ *\([0-9a-f][0-9a-f]\)/0x\1,/g'; \
	  echo '};'; \
	  echo 'const size_t openapi_json_len = sizeof(openapi_json);'; \
	} > $@.tmp && mv $@.tmp $@

# One runner for every suite: tests/unit/check_<module>.c exports
# Suite *<module>_suite(void); the list is made from the file names.
$(BUILD)/gen/suites.h: $(TEST_SRC) Makefile
	@mkdir -p $(dir $@)
	@for f in $(TEST_SRC); do n=$${f#tests/unit/check_}; \
	  echo "SUITE($${n%.c})"; done > $@.tmp && mv $@.tmp $@

$(BUILD)/obj/tests/unit/runner.o: $(BUILD)/gen/suites.h

$(BUILD)/check_all: $(TEST_OBJ) $(INDEXER_OBJ) $(SEARCHD_OBJ) $(CORE_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_CORE) $(LDLIBS_HTTP) $(LDLIBS_INDEXER) \
	  $(shell pkg-config --libs check 2>/dev/null || echo -lcheck)

# The indexer benchmark's baseline loader (bench/bench_indexer.sh).
$(BUILD)/fts5_baseline: $(BUILD)/obj/bench/fts5_baseline.o \
    $(BUILD)/obj/indexer/report.o $(BUILD)/obj/indexer/html.o \
    $(BUILD)/obj/indexer/files.o $(BUILD)/obj/common/utf8.o
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_CORE)

# Assignment linking and status classes against a truth file
# (indexer/README.md, "Assignments and status").
$(BUILD)/link_eval: $(BUILD)/obj/bench/link_eval.o $(INDEXER_OBJ) $(CORE_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_CORE) $(LDLIBS_INDEXER) -lm

# The /suggest work without HTTP (bench/bench_suggest.sh).
$(BUILD)/suggest_inproc: $(BUILD)/obj/bench/suggest_inproc.o $(SEARCHD_OBJ) \
    $(CORE_OBJ)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_CORE) $(LDLIBS_HTTP)

# --- fuzzing (tests/fuzz/, see tests/README.md) ---
# make fuzz: the libFuzzer targets built with clang (ASan, UBSan) into
# $(BUILD)/fuzz/ and each run FUZZ_SECONDS, one at a time; new inputs go to
# $(BUILD)/fuzz/corpus/TARGET, crashes to $(BUILD)/fuzz/TARGET-crash-*.
# fuzz-replay: the same targets built with $(CC) and tests/fuzz/driver.c
# (a main() over corpus files) into $(BUILD)/fuzz-replay/, which
# tests/e2e/test_fuzz_corpus.sh runs over tests/fuzz/corpus/ in make check.
FUZZ_TARGETS  = html report query tokenizer params json
FUZZ_SECONDS ?= 60
FUZZ_CC      ?= clang
FUZZ_ARGS    ?=
FUZZ_SAN      = -fsanitize=address,undefined -fno-sanitize-recover=undefined \
                -fno-omit-frame-pointer
FUZZ_CFLAGS   = -std=c11 -O1 -g -fPIC -Wall -Wextra -MMD -MP $(FUZZ_SAN) \
                -fsanitize=fuzzer-no-link \
                $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
# What the targets test, and what that needs: nothing else is built, so
# work in progress elsewhere does not stop a fuzz run.
FUZZ_LIB_SRC  = $(STEM_SRC) $(GEN_SRC) indexer/html.c indexer/report.c \
                searchd/engine/query.c common/sclass.c searchd/box/fold.c \
                searchd/http/params.c searchd/http/json.c \
                common/utf8.c
FUZZ_BIN      = $(patsubst %,$(BUILD)/fuzz/fuzz_%,$(FUZZ_TARGETS))
REPLAY_BIN    = $(patsubst %,$(BUILD)/fuzz-replay/fuzz_%,$(FUZZ_TARGETS))
LDLIBS_ALL    = $(LDLIBS_CORE) $(LDLIBS_HTTP) $(LDLIBS_INDEXER)

.PHONY: fuzz fuzz-build fuzz-replay
$(BUILD)/fuzz/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(FUZZ_CFLAGS) -c -o $@ $<

$(BUILD)/fuzz/libfuzzed.a: $(patsubst %.c,$(BUILD)/fuzz/obj/%.o,$(FUZZ_LIB_SRC))
	rm -f $@
	ar rcs $@ $^

$(BUILD)/fuzz/fuzz_%: $(BUILD)/fuzz/obj/tests/fuzz/fuzz_%.o $(BUILD)/fuzz/libfuzzed.a
	$(FUZZ_CC) -fsanitize=fuzzer $(FUZZ_SAN) -o $@ $^ $(LDLIBS_ALL)

$(BUILD)/fuzz-replay/fuzz_%: $(BUILD)/obj/tests/fuzz/fuzz_%.o \
    $(BUILD)/obj/tests/fuzz/driver.o $(call obj,$(FUZZ_LIB_SRC))
	@mkdir -p $(dir $@)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_ALL)

fuzz-build: $(FUZZ_BIN)
fuzz-replay: $(REPLAY_BIN)

# clang and its fuzzer runtime (a Recommends of clang, so named here) are
# needed only here, not by make check.
fuzz:
	@sh tools/deps clang libclang-rt-14-dev
	$(MAKE) fuzz-build
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p $(BUILD)/fuzz/corpus/$$t || exit 1; \
	  dict=; [ -f tests/fuzz/$$t.dict ] && dict=-dict=tests/fuzz/$$t.dict; \
	  echo "== fuzz $$t: $(FUZZ_SECONDS) s"; \
	  $(BUILD)/fuzz/fuzz_$$t -max_total_time=$(FUZZ_SECONDS) -timeout=10 \
	    -rss_limit_mb=2048 -print_final_stats=1 $$dict \
	    -artifact_prefix=$(BUILD)/fuzz/$$t- $(FUZZ_ARGS) \
	    $(BUILD)/fuzz/corpus/$$t tests/fuzz/corpus/$$t || exit 1; \
	done

deps:
	@sh tools/deps

demo: deps all
	@sh tools/demo

unit: $(BUILD)/check_all
	cd tests && ../$(BUILD)/check_all

e2e: all
	@BUILD=$(BUILD) sh tests/e2e/run

# The benchmarks' own programs are built by make check too, so a change
# that breaks one fails the tests, not a later make bench.
BENCH_TOOLS = $(BUILD)/fts5_baseline $(BUILD)/suggest_inproc $(BUILD)/link_eval

check: deps
	$(MAKE) all $(BUILD)/check_all $(BENCH_TOOLS)
	$(MAKE) BUILD=build/asan SAN=1 OPT="-O1 -g" all build/asan/check_all
	@sh tests/run-all

bench: deps all
	@sh bench/run

# wrk (Debian's package) drives the load; it is needed only here.
SOAK_SECONDS ?= 600
soak: all
	@sh tools/deps wrk
	@BUILD=$(BUILD) SOAK_SECONDS=$(SOAK_SECONDS) python3 tests/soak/soak.py

# --- install (dist/README.md) ---
# searchd finds its page and synonyms at ../share/aar from its own folder
# (searchd/http/datadir.h), so the layout below is fixed relative to PREFIX.
PREFIX     ?= /usr/local
DESTDIR    ?=
SYSCONFDIR ?= /etc
BINDIR      = $(PREFIX)/bin
SBINDIR     = $(PREFIX)/sbin
LIBDIR      = $(PREFIX)/lib/aar
DATADIR     = $(PREFIX)/share/aar
MANDIR      = $(PREFIX)/share/man
UNITDIR    ?= $(PREFIX)/lib/systemd/system
UNITS       = searchd.service indexer.service indexer.path indexer.timer
WWW_FILES  := $(notdir $(wildcard searchd/www/*))
DIST_SED    = sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SBINDIR@|$(SBINDIR)|g' \
              -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@DATADIR@|$(DATADIR)|g' \
              -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g'
# Every file install puts in place, DESTDIR excluded; uninstall removes
# these (the settings file only while it is as shipped).
INSTALLED   = $(BINDIR)/indexer $(SBINDIR)/searchd $(LIBDIR)/swedish.so \
              $(DATADIR)/synonyms.txt $(addprefix $(DATADIR)/www/,$(WWW_FILES)) \
              $(MANDIR)/man1/indexer.1 $(MANDIR)/man8/searchd.8 \
              $(addprefix $(UNITDIR)/,$(UNITS))

# Units, man pages and the settings file with this PREFIX's paths; always
# made again, since PREFIX may differ from the last run.
.PHONY: dist-files
dist-files:
	@mkdir -p $(BUILD)/dist
	@for f in $(UNITS); do \
	  $(DIST_SED) dist/systemd/$$f.in > $(BUILD)/dist/$$f || exit 1; done
	@$(DIST_SED) dist/man/indexer.1.in > $(BUILD)/dist/indexer.1
	@$(DIST_SED) dist/man/searchd.8.in > $(BUILD)/dist/searchd.8
	@$(DIST_SED) dist/default.in > $(BUILD)/dist/default

install: all dist-files
	install -D -m 755 $(BUILD)/indexer $(DESTDIR)$(BINDIR)/indexer
	install -D -m 755 $(BUILD)/searchd $(DESTDIR)$(SBINDIR)/searchd
	install -D -m 644 $(BUILD)/swedish.so $(DESTDIR)$(LIBDIR)/swedish.so
	install -D -m 644 searchd/synonyms.txt $(DESTDIR)$(DATADIR)/synonyms.txt
	install -d $(DESTDIR)$(DATADIR)/www
	install -m 644 $(addprefix searchd/www/,$(WWW_FILES)) $(DESTDIR)$(DATADIR)/www
	install -D -m 644 $(BUILD)/dist/indexer.1 $(DESTDIR)$(MANDIR)/man1/indexer.1
	install -D -m 644 $(BUILD)/dist/searchd.8 $(DESTDIR)$(MANDIR)/man8/searchd.8
	install -d $(DESTDIR)$(UNITDIR)
	install -m 644 $(addprefix $(BUILD)/dist/,$(UNITS)) $(DESTDIR)$(UNITDIR)
	@# An operator's settings are never overwritten.
	@if [ -e $(DESTDIR)$(SYSCONFDIR)/default/searchd ]; then \
	  echo "install: keeping $(DESTDIR)$(SYSCONFDIR)/default/searchd"; \
	else install -D -m 644 $(BUILD)/dist/default \
	  $(DESTDIR)$(SYSCONFDIR)/default/searchd; fi

uninstall: dist-files
	rm -f $(addprefix $(DESTDIR),$(INSTALLED))
	@if cmp -s $(BUILD)/dist/default $(DESTDIR)$(SYSCONFDIR)/default/searchd; \
	then rm -f $(DESTDIR)$(SYSCONFDIR)/default/searchd; \
	elif [ -e $(DESTDIR)$(SYSCONFDIR)/default/searchd ]; then \
	  echo "uninstall: keeping the edited $(DESTDIR)$(SYSCONFDIR)/default/searchd"; fi
	-rmdir $(DESTDIR)$(DATADIR)/www $(DESTDIR)$(DATADIR) $(DESTDIR)$(LIBDIR) 2>/dev/null

clean:
	rm -rf build

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)
