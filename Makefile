# racelab - build, grade, test and bench targets.
#
#   make grade   grade the working copy of every lab (installs Debian packages as root)
#   make report  the same as one page for a browser: build/report.html
#   make submit  check every lab, then pack the student files into submission.tar.gz
#   make test    the project's own test suite
#   make bench   median grading time per lab and TSan overhead (REPEAT=N)
#   make bench-detect   racelab run against TSan, Helgrind and DRD on tests/corpus/
#   make handout | autograder | classroom | autolab   packages for a class, in
#                $(DIST) (LAB=ID... picks the labs graded; harness/package/)
#
# Every target first runs harness/install-deps.sh, which installs missing
# Debian packages when run as root and otherwise prints the apt-get line.

CC        ?= clang
ifeq ($(origin CC),default)
CC        := clang
endif
BUILD     := build
PKGS      := inih jansson libarchive libxml-2.0 nettle
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

.PHONY: all deps test-deps grade report submit test unit e2e bench bench-detect clean format handout autograder classroom autolab

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
PROBE_CHECK := $(BUILD)/obj/probe-tsan.o $(BUILD)/obj/probe-plain.o $(BUILD)/obj/probe-schedule.o

$(BUILD)/obj/probe-schedule.o: harness/probe/probe_schedule.c harness/probe/probe_schedule.h | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) -std=gnu11 $(WARN) -O2 -g -c $< -o $@

$(BUILD)/obj/probe-tsan.o: harness/probe/probe.c $(wildcard harness/probe/*.h) | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $< (TSan)")
	$(Q)$(CC) -std=gnu11 $(WARN) -fsanitize=thread -O1 -g -c $< -o $@

$(BUILD)/obj/probe-plain.o: harness/probe/probe.c $(wildcard harness/probe/*.h) | deps
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

# report: the same check as one self-contained HTML page (racelab check
# --format html); exit status 1 (not full marks yet) does not fail make.
REPORT_HTML := $(BUILD)/report.html

report: deps $(RACELAB)
	@$(RACELAB) check $(LABS) --format html --output $(REPORT_HTML); rc=$$?; \
	if [ $$rc -le 1 ]; then echo "racelab: the report is in $(REPORT_HTML): open file://$(CURDIR)/$(REPORT_HTML)"; fi; \
	[ $$rc -le 1 ]

# submit: checks every lab first and prints each lab's score, warning (never
# stopping) when one would not earn full marks, then `racelab pack` writes
# submission.tar.gz in the project folder: the student files of every lab
# and racelab-manifest.txt with their SHA-256.
SUBMIT_CHECK := $(BUILD)/submit-check.txt

submit: deps $(RACELAB)
	@echo "racelab: checking every lab before packing (the whole report goes to $(SUBMIT_CHECK))"
	@$(RACELAB) check $(LABS) > $(SUBMIT_CHECK); rc=$$?; \
	grep -v -e '^ ' -e '^$$' -e '^note:' $(SUBMIT_CHECK); \
	if [ $$rc -eq 1 ]; then \
	    echo "racelab: warning: not every lab earns full marks yet (see above; make report shows why); packing anyway"; \
	elif [ $$rc -ne 0 ]; then \
	    echo "racelab: warning: the check did not finish (exit status $$rc); packing anyway"; \
	fi
	@$(RACELAB) pack

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

# Detection against other tools on tests/corpus/ (racelab run, plain TSan,
# Helgrind, DRD); valgrind is installed for this target only.
bench-detect: $(RACELAB)
	@harness/install-deps.sh --bench-detect
	@tests/bench/bench_detect.sh

# Packages for a class (harness/package/): the students' handout, and the
# graders' bundles with the hidden tests. LAB=ID... fixes the labs graded.
DIST ?= dist
LAB  ?=
export DIST

handout:
	@harness/package/handout.sh

autograder: $(BUILD)/mkzip
	@harness/package/autograder.sh $(BUILD)/mkzip $(LAB)

classroom:
	@harness/package/classroom.sh $(LAB)

autolab:
	@harness/package/autolab.sh $(LAB)

$(BUILD)/mkzip: harness/package/mkzip.c | deps
	@mkdir -p $(dir $@)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(CC) $(ALLCFLAGS) $< $(LDLIBS) -o $@

format:
	clang-format -i harness/*.c harness/*.h harness/probe/*.[ch] tests/unit/*.[ch] tests/e2e/*.[ch]

clean:
	rm -rf $(BUILD) dist
