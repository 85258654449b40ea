# Makefile - builds libchurn (static + shared), the tools and the tests.
#
#   make            library and tools          make check      all tests
#                   (make needs only the build dependencies; make check
#                   also the test tools: tools/install-deps --help)
#   make sanitize   tests under ASan + UBSan   make valgrind   tests under valgrind
#   make faults     allocation-failure sweep   make tsan       threads under TSan
#   make demo       the main job on bundled data
#   make install PREFIX=/usr/local DESTDIR=    make uninstall
#                   (library, header, tools, man pages in share/man)
#   make lint       banned calls, exported symbols
#   make fuzz FUZZ_SECONDS=60   libFuzzer targets (clang), each N seconds
#   make MPI=1 / MPI=0   tools with / without --mpi (default: with, when
#                   mpicc is on PATH)
#
# User CFLAGS/LDFLAGS are added to, never replaced by, the flags below.

PREFIX  ?= /usr/local
LIBDIR  ?= $(PREFIX)/lib
INCDIR  ?= $(PREFIX)/include
BINDIR  ?= $(PREFIX)/bin
MANDIR  ?= $(PREFIX)/share/man
PCDIR   ?= $(LIBDIR)/pkgconfig
BUILD   ?= build
CC      ?= cc
CFLAGS  ?= -O2 -g

VERSION := $(shell sed -n 's/^\#define CHURN_VERSION_STRING "\(.*\)"/\1/p' ml/churn.h)
MAJOR   := $(firstword $(subst ., ,$(VERSION)))
SONAME  := libchurn.so.$(MAJOR)

# OpenBLAS and XGBoost are not linked: libchurn opens them the first time
# a fit needs them (models/blas.h, models/xgb_lib.h).
DEP_LIBS    = -lgsl -ljansson -lsvm -lz -lm -lpthread -ldl

# Private headers are included by their folder ("ml/eval.h",
# "models/model.h") from the root (-I.), so an include shows where it
# comes from; -Iml is for churn.h, the public header, included alone.
REQ_CFLAGS = -std=c11 -Wall -Wextra -Werror -D_POSIX_C_SOURCE=200809L \
              -fPIC -fvisibility=hidden -DCHURN_BUILDING -I. -Iml \
              $(SAN_FLAGS)
ALL_CFLAGS = $(REQ_CFLAGS) $(CFLAGS)
ALL_LDFLAGS := $(SAN_FLAGS) $(LDFLAGS)

LIB_SRC  := $(wildcard ml/*.c features/*.c datasets/*.c models/*.c)
LIB_OBJ  := $(LIB_SRC:%.c=$(BUILD)/obj/%.o)
TOOL_SRC := $(wildcard tools/churn-*.c)
TOOLS    := $(TOOL_SRC:tools/%.c=$(BUILD)/bin/%)
# The reference: one page per tool (section 1) and the library (3).
MAN1     := $(wildcard docs/man/*.1)
MAN3     := $(wildcard docs/man/*.3)
TEST_SRC := $(wildcard tests/test_*.c)
TESTS    := $(TEST_SRC:tests/%.c=$(BUILD)/tests/%)
TEST_HELPERS := $(wildcard tests/helpers/*.c)

# The fuzz targets with a plain main (tests/fuzz/replay.c): make check
# replays their seeds and the bad-input corpus with any compiler.
REPLAYS  := $(patsubst tests/fuzz/%.c,$(BUILD)/replay/%,\
              $(wildcard tests/fuzz/fuzz_*.c))

STATIC := $(BUILD)/libchurn.a
SHARED := $(BUILD)/libchurn.so.$(VERSION)

.PHONY: all deps test-deps check test sanitize valgrind demo bench install \
        uninstall clean lint fuzz fuzz-build faults run-faults run-faults-all \
        tsan run-tsan
.DELETE_ON_ERROR:

all: deps $(STATIC) $(SHARED) $(TOOLS) $(BUILD)/churn.pc

# Installs missing Debian packages (as root) or says what to install:
# for `make` the build dependencies only, for `make check` the test tools
# (cmocka, xmllint, valgrind) as well.
deps:
	@tools/install-deps --ensure --build

test-deps:
	@tools/install-deps --ensure

# Header dependencies come from the .d files that -MMD writes.
$(BUILD)/obj/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -MMD -MP -c $< -o $@

-include $(LIB_OBJ:.o=.d)

# Nothing compiles before the dependencies are there.
$(LIB_OBJ) $(TOOLS) $(REPLAYS): | deps
$(TESTS): | test-deps

$(STATIC): $(LIB_OBJ)
	@rm -f $@
	ar rcs $@ $^

$(SHARED): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) $(ALL_LDFLAGS) -o $@ $^ $(DEP_LIBS)
	ln -sf libchurn.so.$(VERSION) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $(BUILD)/libchurn.so

# Tools include only churn.h (and tools/cli.h, their shared helpers). A
# tool split in files names its others below; every .c prerequisite is
# linked in.
CLI_SRC := tools/cli.c tools/cli_train.c tools/cli_table.c tools/cli_kpi.c \
           tools/cli_clv.c
$(BUILD)/bin/%: tools/%.c $(CLI_SRC) tools/cli.h $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.c,$^) $(STATIC) \
	    $(DEP_LIBS)

# churn-eval's terminal report.
$(BUILD)/bin/churn-eval: tools/eval_print.c tools/eval_print.h

# MPI: only churn-train, churn-score and churn-features link it, through
# tools/mpi.c; libchurn never does. On when mpicc is on PATH, unless
# MPI=0; MPI=1 insists. Without it their --mpi says how to get it.
MPICC ?= mpicc
ifeq ($(origin MPI),undefined)
MPI := $(if $(shell command -v $(MPICC) 2>/dev/null),1,0)
endif
MPI_TOOLS := $(addprefix $(BUILD)/bin/,churn-train churn-score churn-features)
ifeq ($(MPI),1)
MPI_CC := $(MPICC)
MPI_DEF := -DCHURN_MPI=1
else
MPI_CC := $(CC)
MPI_DEF :=
endif

# Remembers the MPI setting, so that switching it relinks the tools.
$(BUILD)/mpi.mode: FORCE
	@mkdir -p $(BUILD)
	@echo "$(MPI) $(MPI_CC)" | cmp -s - $@ || echo "$(MPI) $(MPI_CC)" > $@

$(BUILD)/obj/tools/mpi.o: tools/mpi.c tools/mpi.h tools/cli.h ml/churn.h \
                          $(BUILD)/mpi.mode
	@mkdir -p $(dir $@)
	$(MPI_CC) $(ALL_CFLAGS) $(MPI_DEF) -c $< -o $@

$(MPI_TOOLS): $(BUILD)/bin/%: tools/%.c $(CLI_SRC) tools/cli.h \
              tools/shards.c tools/shards.h tools/mpi.h \
              $(BUILD)/obj/tools/mpi.o $(STATIC)
	@mkdir -p $(dir $@)
	$(MPI_CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $(filter %.c %.o,$^) \
	    $(STATIC) $(DEP_LIBS)

# Unit tests link the static library, so they can reach churn__ internals.
$(BUILD)/tests/%: tests/%.c $(TEST_HELPERS) $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/helpers $(ALL_LDFLAGS) -o $@ $< $(TEST_HELPERS) \
	    $(STATIC) $(DEP_LIBS) -lcmocka

# The examples of the public API (tests/example/): churn.h only, no test
# tools; make check builds them and tests/cli/example.sh runs them.
EXAMPLES := $(BUILD)/examples/score_one

$(BUILD)/examples/%: tests/example/%.c $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC) $(DEP_LIBS)

$(BUILD)/replay/%: tests/fuzz/%.c tests/fuzz/replay.c tests/fuzz/fuzz_util.h \
                   $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< tests/fuzz/replay.c \
	    $(STATIC) $(DEP_LIBS)

# The pkg-config file; written again at install time, since PREFIX may
# differ between the build and the install.
define write_pc
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$(LIBDIR)' \
	  'includedir=$(INCDIR)' '' 'Name: churn' \
	  'Description: customer churn prediction library' \
	  'Version: $(VERSION)' 'Cflags: -I$${includedir}' \
	  'Libs: -L$${libdir} -lchurn' \
	  'Libs.private: $(DEP_LIBS)' > $(1)
endef

$(BUILD)/churn.pc: ml/churn.h Makefile
	@mkdir -p $(BUILD)
	$(call write_pc,$@)

# Runs every unit test binary, then the command-line tests. A failing test
# fails the target, after all have run, so one run shows every failure.
check: all $(TESTS) $(REPLAYS) $(EXAMPLES)
	@BUILD=$(BUILD) TEST_WRAPPER="$(TEST_WRAPPER)" SAN_FLAGS="$(SAN_FLAGS)" \
	    CHURN_MPI_BUILT=$(MPI) tests/run-all $(TESTS)

test: check

# The whole suite under ASan + UBSan, then the allocation-failure sweep.
sanitize:
	$(MAKE) BUILD=build-san SAN_FLAGS="-fsanitize=address,undefined \
	    -fno-sanitize-recover=all -fno-omit-frame-pointer" \
	    CFLAGS="-O1 -g" check
	$(MAKE) faults

# Allocation-failure injection (tests/faults/faults.c): allocation N of a
# training, a scoring, a feature and a booster run fails, for every N.
# Twice: under ASan + LeakSanitizer with -Wl,--wrap (tests/faults/wrap.c),
# which reaches the allocations of our own objects only; then, in the
# plain build, with malloc interposed for the whole process
# (tests/faults/interpose.c), which reaches those inside GSL, jansson and
# the C library too, and lists what it leaves out (libsvm, XGBoost).
FAULT_WRAP := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup \
              -Wl,--wrap=aligned_alloc \
              -Wl,--wrap=getline,--wrap=open_memstream
FAULT_SRC  := tests/faults/faults.c tests/faults/faults.h \
              tests/helpers/thread_comm.c

$(BUILD)/tests/faults: $(FAULT_SRC) tests/faults/wrap.c $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/helpers -Imodels $(ALL_LDFLAGS) \
	    $(FAULT_WRAP) -o $@ \
	    tests/faults/faults.c tests/faults/wrap.c \
	    tests/helpers/thread_comm.c $(STATIC) $(DEP_LIBS)

$(BUILD)/tests/faults-all: $(FAULT_SRC) tests/faults/interpose.c $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -Itests/helpers -Imodels $(ALL_LDFLAGS) -o $@ \
	    tests/faults/faults.c tests/faults/interpose.c \
	    tests/helpers/thread_comm.c $(STATIC) $(DEP_LIBS)

# One OpenBLAS thread: LeakSanitizer stops every thread for each of the
# thousands of leak checks, and a pool of idle BLAS threads makes that slow.
run-faults: $(BUILD)/tests/faults
	OPENBLAS_NUM_THREADS=1 $(BUILD)/tests/faults

run-faults-all: $(BUILD)/tests/faults-all
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 $(BUILD)/tests/faults-all

faults:
	$(MAKE) BUILD=build-faults SAN_FLAGS="-fsanitize=address \
	    -fno-omit-frame-pointer" CFLAGS="-O1 -g" run-faults
	$(MAKE) run-faults-all

# The 8-thread scoring test under ThreadSanitizer. One OpenBLAS thread:
# OpenBLAS's own pool (not instrumented) hands work over by spinning on
# flags, which TSan cannot see as synchronisation and reports as races in
# dgemm; our threads are still eight. Likewise one OpenMP thread for
# XGBoost (libgomp is not instrumented either), while eight of ours share
# one booster (test_xgb, and test_threads' gbdt model).
run-tsan: $(BUILD)/tests/test_threads $(BUILD)/tests/test_distributed \
          $(BUILD)/tests/test_xgb
	OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1" \
	    $(BUILD)/tests/test_threads
	OPENBLAS_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1" \
	    $(BUILD)/tests/test_distributed
	OMP_NUM_THREADS=1 TSAN_OPTIONS="halt_on_error=1" \
	    $(BUILD)/tests/test_xgb

tsan:
	$(MAKE) BUILD=build-tsan SAN_FLAGS="-fsanitize=thread" CFLAGS="-O1 -g" \
	    run-tsan

valgrind:
	$(MAKE) BUILD=build-vg CFLAGS="-O1 -g" \
	    TEST_WRAPPER="valgrind -q --error-exitcode=99 --leak-check=full \
	    --errors-for-leak-kinds=definite,indirect" check

# libFuzzer targets (tests/fuzz/fuzz_*.c), one per reader and the model
# loader, built with clang under ASan + UBSan into their own folder and
# run FUZZ_SECONDS each from the seeds in tests/fuzz/seeds/<target>/.
FUZZ_SECONDS ?= 60
FUZZ_BUILD   ?= build-fuzz
FUZZ_SAN     := -fsanitize=address,undefined -fno-sanitize-recover=all \
                -fno-omit-frame-pointer
FUZZ_TARGETS := $(patsubst tests/fuzz/%.c,$(FUZZ_BUILD)/fuzz/%,\
                  $(wildcard tests/fuzz/fuzz_*.c))

ifneq ($(BUILD),$(FUZZ_BUILD))
fuzz: fuzz-build
	@tests/fuzz/run $(FUZZ_BUILD) $(FUZZ_SECONDS)

fuzz-build: $(FUZZ_TARGETS)

# The library itself, instrumented for coverage (no libFuzzer main); the
# CSV reader's buffer starts at 64 bytes, so that small inputs cross its
# refills and growth.
$(FUZZ_BUILD)/libchurn.a: FORCE
	@$(MAKE) --no-print-directory BUILD=$(FUZZ_BUILD) CC=clang \
	    SAN_FLAGS="$(FUZZ_SAN) -fsanitize=fuzzer-no-link" \
	    CFLAGS="-O1 -g -DCSV_INITIAL_BUFFER=64" $(FUZZ_BUILD)/libchurn.a

$(FUZZ_BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz_util.h \
                      $(FUZZ_BUILD)/libchurn.a
	@mkdir -p $(dir $@)
	clang $(REQ_CFLAGS) -O1 -g $(FUZZ_SAN) -fsanitize=fuzzer -o $@ $< \
	    $(FUZZ_BUILD)/libchurn.a $(DEP_LIBS)
endif

.PHONY: FORCE
FORCE:

demo: all
	@tools/demo $(BUILD)

# Benchmark programs: built only for `make bench`, never by `make check`.
BENCH_BIN := $(BUILD)/bench/bench_predict $(BUILD)/bench/bench_logistic \
             $(BUILD)/bench/bench_parse

$(BUILD)/bench/%: tests/bench/%.c $(STATIC)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(ALL_LDFLAGS) -o $@ $< $(STATIC) $(DEP_LIBS)

# Sizes and repetitions: make bench BENCH_ARGS="--reps 5 --events 2000000"
bench: all $(BENCH_BIN)
	@tests/bench/run $(BUILD) $(BENCH_ARGS)

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(INCDIR) $(DESTDIR)$(BINDIR) \
	    $(DESTDIR)$(PCDIR)
	install -m 644 ml/churn.h $(DESTDIR)$(INCDIR)/churn.h
	install -m 644 $(STATIC) $(DESTDIR)$(LIBDIR)/libchurn.a
	install -m 755 $(SHARED) $(DESTDIR)$(LIBDIR)/libchurn.so.$(VERSION)
	ln -sf libchurn.so.$(VERSION) $(DESTDIR)$(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(DESTDIR)$(LIBDIR)/libchurn.so
	$(call write_pc,$(DESTDIR)$(PCDIR)/churn.pc)
	install -m 755 $(TOOLS) $(DESTDIR)$(BINDIR)/
	install -d $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man3
	install -m 644 $(MAN1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(MAN3) $(DESTDIR)$(MANDIR)/man3/

uninstall:
	rm -f $(DESTDIR)$(INCDIR)/churn.h $(DESTDIR)$(LIBDIR)/libchurn.a \
	    $(DESTDIR)$(LIBDIR)/libchurn.so.$(VERSION) \
	    $(DESTDIR)$(LIBDIR)/$(SONAME) $(DESTDIR)$(LIBDIR)/libchurn.so \
	    $(DESTDIR)$(PCDIR)/churn.pc \
	    $(addprefix $(DESTDIR)$(BINDIR)/,$(notdir $(TOOLS))) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man1/,$(notdir $(MAN1))) \
	    $(addprefix $(DESTDIR)$(MANDIR)/man3/,$(notdir $(MAN3)))

# Banned calls (STYLE.md rule 11) and symbols the shared library exports
# beyond churn_* (rule 1).
lint: $(SHARED)
	@bad=$$(grep -nE '\b(strcpy|strcat|sprintf|vsprintf|gets|atoi|atol|atof|strtok|setlocale)\s*\(' \
	    $(LIB_SRC) $(wildcard tools/*.c) \
	    ml/*.h */*.h 2>/dev/null); \
	if [ -n "$$bad" ]; then echo "banned calls:"; echo "$$bad"; exit 1; fi
	@dup=$$(grep -nE '^static [a-z ]*\b(sigmoid|log1p_exp)\(' $(LIB_SRC)); \
	if [ -n "$$dup" ]; then echo "defined once, in models/logit.c:"; \
	    echo "$$dup"; exit 1; fi
	@extra=$$(nm -D --defined-only $(SHARED) | awk '$$2 ~ /[TDBR]/ {print $$3}' \
	    | grep -v '^churn_' | grep -vE '^(_init|_fini|_edata|_end|__bss_start)$$'); \
	if [ -n "$$extra" ]; then echo "exported beyond churn_*:"; echo "$$extra"; exit 1; fi
	@echo "lint: ok"

clean:
	rm -rf build build-san build-vg build-fuzz build-faults build-tsan
