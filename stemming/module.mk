# stemming/module.mk: build-time generated sources of stemming/, included by
# the top Makefile.
#
# The decompounding dictionary is generated from hunspell-sv's Swedish
# dictionary (Debian package hunspell-sv, installed by tools/deps; LGPL-3)
# by stemming/tools/mkdict into $(BUILD)/gen/swedish_dict.c. The repository
# carries no copy of the word list.

# Included before the Makefile's own targets: keep "all" the default goal.
all:

SV_DICT_DIR ?= /usr/share/hunspell
SV_AFF      := $(SV_DICT_DIR)/sv_SE.aff
SV_DIC      := $(SV_DICT_DIR)/sv_SE.dic

GEN_SRC += $(BUILD)/gen/swedish_dict.c

$(BUILD)/mkdict: stemming/tools/mkdict.c stemming/dict.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -std=c11 -O2 -Wall -Wextra -Werror -o $@ $< -lstemmer

$(SV_AFF) $(SV_DIC):
	@echo "error: $@ is missing: the Swedish dictionary (Debian package" \
	  "hunspell-sv) is needed to build the decompounding table;" \
	  "run 'make deps' (or apt-get install hunspell-sv)" >&2
	@exit 1

$(BUILD)/gen/swedish_dict.c: $(BUILD)/mkdict $(SV_AFF) $(SV_DIC)
	@mkdir -p $(dir $@)
	$(BUILD)/mkdict $(SV_AFF) $(SV_DIC) > $@.tmp
	mv $@.tmp $@

# The tokenizer benchmark program (bench/bench_tokenizer.sh builds and runs
# it; not part of "all").
$(BUILD)/tokenizer_bench: $(BUILD)/obj/bench/tokenizer_bench.o \
    $(patsubst %.c,$(BUILD)/obj/%.o,$(STEM_SRC) $(GEN_SRC))
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS_CORE)
