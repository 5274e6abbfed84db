# racelab - build, grade, test and bench targets.
#
#   make grade   grade the working copy of every lab (installs Debian packages as root)
#   make test    the project's own test suite
#   make bench   median grading time per lab and TSan overhead (REPEAT=N)
#
# Every target first runs harness/install-deps.sh, which installs missing
# Debian packages when run as root and otherwise prints the apt-get line.

CC        ?= clang
ifeq ($(origin CC),default)
CC        := clang
endif
BUILD     := build
PKGS      := inih jansson libarchive libxml-2.0
CFLAGS    ?= -O2 -g
WARN      := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wno-unused-parameter
ALLCFLAGS  = -std=c11 -D_GNU_SOURCE $(WARN) $(CFLAGS) -Iharness $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
LDLIBS     = $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lpthread -lm

HARNESS_SRC := $(wildcard harness/*.c)
HARNESS_OBJ := $(patsubst harness/%.c,$(BUILD)/obj/%.o,$(HARNESS_SRC))
LIB_OBJ     := $(filter-out $(BUILD)/obj/main.o,$(HARNESS_OBJ))
UNIT_SRC    := $(wildcard tests/unit/test_*.c)
UNIT_BIN    := $(patsubst tests/unit/%.c,$(BUILD)/tests/%,$(UNIT_SRC))
E2E_SRC     := $(wildcard tests/e2e/test_*.c)
E2E_BIN     := $(patsubst tests/e2e/%.c,$(BUILD)/tests/%,$(E2E_SRC))
RACELAB     := $(BUILD)/racelab
LABS        ?=

.PHONY: all deps test-deps grade test unit e2e bench clean format

all: $(RACELAB)

deps:
	@harness/install-deps.sh

test-deps:
	@harness/install-deps.sh --test

# V=1 shows the compiler's command lines
Q := $(if $(V),,@)

$(BUILD)/obj/%.o: harness/%.c $(wildcard harness/*.h harness/probe/*.h) | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALLCFLAGS) -c $< -o $@

# The probe is compiled into every lab binary at grading time; here it is
# only checked, strictly, in both of its variants.
PROBE_CHECK := $(BUILD)/obj/probe-tsan.o $(BUILD)/obj/probe-plain.o

$(BUILD)/obj/probe-tsan.o: harness/probe/probe.c harness/probe/probe.h | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (TSan)")
	$(Q)$(CC) -std=gnu11 $(WARN) -fsanitize=thread -O1 -g -c $< -o $@

$(BUILD)/obj/probe-plain.o: harness/probe/probe.c harness/probe/probe.h | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (plain)")
	$(Q)$(CC) -std=gnu11 $(WARN) -DPROBE_NO_TSAN -O2 -g -c $< -o $@

$(RACELAB): $(HARNESS_OBJ) $(PROBE_CHECK)
	@$(if $(Q),echo "  LINK    $@")
	$(Q)$(CC) $(ALLCFLAGS) $(HARNESS_OBJ) $(LDLIBS) -o $@

$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJ) $(wildcard tests/unit/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALLCFLAGS) -Itests/unit $< $(LIB_OBJ) $(LDLIBS) -lcmocka -o $@

$(BUILD)/tests/%: tests/e2e/%.c tests/e2e/e2e.c $(LIB_OBJ) $(wildcard tests/e2e/*.h)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALLCFLAGS) -Itests/e2e $< tests/e2e/e2e.c $(LIB_OBJ) $(LDLIBS) -lcmocka -o $@

# grade: exit status 1 only means "not full marks yet" and does not fail make.
grade: deps $(RACELAB)
	@$(RACELAB) check $(LABS); rc=$$?; [ $$rc -le 1 ]

unit: test-deps $(UNIT_BIN)
	@tests/run-suite.sh $(UNIT_BIN)

e2e: test-deps $(RACELAB) $(E2E_BIN)
	@tests/run-suite.sh $(E2E_BIN)

test: test-deps $(RACELAB) $(UNIT_BIN) $(E2E_BIN)
	@tests/run-suite.sh $(UNIT_BIN) $(E2E_BIN)

$(BUILD)/bench: tests/bench/bench.c $(LIB_OBJ)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALLCFLAGS) $< $(LIB_OBJ) $(LDLIBS) -o $@

bench: deps $(RACELAB) $(BUILD)/bench
	@$(BUILD)/bench $(REPEAT)

format:
	clang-format -i harness/*.c harness/*.h harness/probe/*.[ch] tests/unit/*.[ch] tests/e2e/*.[ch]

clean:
	rm -rf $(BUILD) dist
