# SPDX-License-Identifier: GPL-2.0
#
# xdp-perf: performance tests for XDP programs, in the shape of the kernel's
# tools/testing/selftests/bpf. Standalone: "make", "make run_tests".
# Inside a kernel tree (tools/testing/selftests/<dir>) or with KSRC pointing
# at one, the kernel's lib.mk provides run_tests and install.

CLANG		?= clang
BPFTOOL		?= bpftool
CC		?= gcc
PKG_CONFIG	?= pkg-config
Q		?= @

SRCDIR		:= $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
OUTPUT		?= $(SRCDIR)
override OUTPUT	:= $(abspath $(OUTPUT))
BUILD		:= $(OUTPUT)/build

ARCH_INCLUDE	:= /usr/include/$(shell $(CC) -dumpmachine)
LIBBPF_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags libbpf 2>/dev/null)
LIBBPF_LIBS	:= $(or $(shell $(PKG_CONFIG) --libs libbpf 2>/dev/null),-lbpf)
LIBBPF_VERSION	:= $(shell $(PKG_CONFIG) --modversion libbpf 2>/dev/null)
PCAP_CFLAGS	:= $(shell $(PKG_CONFIG) --cflags libpcap 2>/dev/null)
PCAP_LIBS	:= $(or $(shell $(PKG_CONFIG) --libs libpcap 2>/dev/null),-lpcap)
CLANG_VERSION	:= $(shell $(CLANG) -dumpversion 2>/dev/null)

# A kernel tree: the one we sit in, or KSRC=/path/to/linux.
KSFT_DIR	:= $(firstword $(wildcard $(SRCDIR)/../lib.mk) \
			$(if $(KSRC),$(wildcard $(KSRC)/tools/testing/selftests/lib.mk)))
KSFT_DIR	:= $(if $(KSFT_DIR),$(abspath $(dir $(KSFT_DIR))))

CFLAGS		+= -g -O2 -Wall -Wextra -Wno-unused-parameter \
		   -Wno-missing-field-initializers -std=gnu11 \
		   -I$(SRCDIR) -I$(BUILD) -I$(SRCDIR)/progs $(LIBBPF_CFLAGS) \
		   $(PCAP_CFLAGS) \
		   -DXDP_PERF_CLANG='"$(CLANG_VERSION)"' \
		   -DXDP_PERF_LIBBPF='"$(LIBBPF_VERSION)"'
ifneq ($(KSFT_DIR),)
CFLAGS		+= -I$(KSFT_DIR) -DHAVE_KSELFTEST_H
endif
# WERROR=1 (CI): host warnings are errors too, as they always are for BPF.
ifeq ($(WERROR),1)
CFLAGS		+= -Werror
endif
LDLIBS		+= $(LIBBPF_LIBS) $(PCAP_LIBS) -lelf -lz -lm
# SAN=1: test_perf with AddressSanitizer and UndefinedBehaviorSanitizer,
# every report fatal (.ci/run builds it in OUTPUT=... of its own).
ifeq ($(SAN),1)
SAN_FLAGS	:= -fsanitize=address,undefined \
		   -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
CFLAGS		+= $(SAN_FLAGS)
LDFLAGS		+= $(SAN_FLAGS)
endif

BPF_CFLAGS	:= -g -O2 -target bpf -mcpu=v3 -Wall -Werror \
		   -I$(SRCDIR)/progs -I$(BUILD) -I$(ARCH_INCLUDE)

# The harness: the framework and shared helpers at the top level (runner,
# stats, packets, ...) and its subsystems in folders of their own.
SUBSYSTEMS	:= wire report obj
HARNESS_SRCS	:= $(sort $(wildcard $(SRCDIR)/*.c) \
			$(foreach d,$(SUBSYSTEMS),$(wildcard $(SRCDIR)/$(d)/*.c)))
TEST_SRCS	:= $(sort $(wildcard $(SRCDIR)/prog_tests/*.c))
TEST_NAMES	:= $(basename $(notdir $(TEST_SRCS)))
BPF_SRCS	:= $(sort $(wildcard $(SRCDIR)/progs/*.bpf.c))
# Objects go to bpf/, never next to the sources: lib.mk's clean removes
# every TEST_GEN_FILES entry, and OUTPUT is often the source directory.
BPF_OBJS	:= $(patsubst $(SRCDIR)/progs/%.bpf.c,$(OUTPUT)/bpf/%.bpf.o,$(BPF_SRCS))
SKELS		:= $(patsubst $(SRCDIR)/progs/%.bpf.c,$(BUILD)/%.skel.h,$(BPF_SRCS))
HARNESS_OBJS	:= $(patsubst $(SRCDIR)/%.c,$(BUILD)/%.o,$(HARNESS_SRCS))
TEST_OBJS	:= $(patsubst $(SRCDIR)/prog_tests/%.c,$(BUILD)/prog_tests/%.o,$(TEST_SRCS))
HDRS		:= $(wildcard $(SRCDIR)/*.h $(SRCDIR)/progs/*.h \
			$(foreach d,$(SUBSYSTEMS),$(SRCDIR)/$(d)/*.h))

# Generated sweep programs: gen/gen.mk builds the points of gen/sweep.conf
# (see gen/README.md) into gen-progs/.
-include $(SRCDIR)/gen/gen.mk

# lib.mk prefixes these with $(OUTPUT)/ and installs them with rsync.
TEST_GEN_FILES	:= test_perf bpf $(if $(GEN_TARGETS),$(notdir $(GEN_OUTDIR)))
TEST_PROGS	:= run_tests.sh

.PHONY: FORCE all clean run_tests install report compare calibrate vmtest help \
	options_doc
.DEFAULT_GOAL := all

all: $(OUTPUT)/test_perf $(BPF_OBJS) $(GEN_TARGETS)

$(BUILD) $(BUILD)/prog_tests $(addprefix $(BUILD)/,$(SUBSYSTEMS)) $(OUTPUT)/bpf:
	$(Q)mkdir -p $@

$(OUTPUT)/bpf/%.bpf.o: $(SRCDIR)/progs/%.bpf.c $(wildcard $(SRCDIR)/progs/*.h) | $(OUTPUT)/bpf
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

$(BUILD)/%.skel.h: $(OUTPUT)/bpf/%.bpf.o | $(BUILD)
	$(call msg,SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $(subst -,_,$*) > $@.tmp && mv $@.tmp $@

# The git revision goes into every result; rewritten only when it changes.
$(BUILD)/version.h: FORCE | $(BUILD)
	$(Q)rev=$$(git -C $(SRCDIR) describe --always --dirty 2>/dev/null || echo unknown); \
	echo "#define XDP_PERF_GIT_REV \"$$rev\"" > $@.tmp; \
	cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

FORCE:

# The test list comes from the files in prog_tests/: nothing by hand.
$(BUILD)/tests.h: $(TEST_SRCS) | $(BUILD)
	$(call msg,GEN,$@)
	$(Q)( $(foreach t,$(TEST_NAMES),echo 'DEFINE_TEST($(t))';) ) > $@.tmp && \
		mv $@.tmp $@

$(HARNESS_OBJS): $(BUILD)/%.o: $(SRCDIR)/%.c $(HDRS) $(BUILD)/tests.h $(BUILD)/version.h \
		| $(BUILD) $(addprefix $(BUILD)/,$(SUBSYSTEMS))
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(TEST_OBJS): $(BUILD)/prog_tests/%.o: $(SRCDIR)/prog_tests/%.c $(HDRS) $(SKELS) | $(BUILD)/prog_tests
	$(call msg,CC,$@)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(OUTPUT)/test_perf: $(HARNESS_OBJS) $(TEST_OBJS)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) $^ -o $@ $(LDFLAGS) $(LDLIBS)

COLLECTION	?= xdp-perf
$(OUTPUT)/kselftest-list.txt: FORCE
	$(Q)echo "$(COLLECTION):run_tests.sh" > $@

msg = @printf '  %-8s %s\n' "$(1)" "$(patsubst $(OUTPUT)/%,%,$(2))";

# Main job: the full evaluation, results in results/<date>-<kernel>/.
report: all
	$(OUTPUT)/test_perf --report $(ARGS)

compare: all
	$(OUTPUT)/test_perf --compare $(A) $(B) $(ARGS)

# The gate's false-alarm and detection rates on this machine
# (scripts/gate-calibration.sh; ARGS="--pairs N --out DIR ...").
calibrate: all
	TEST_PERF=$(OUTPUT)/test_perf XDPGEN=$(XDPGEN) CLANG=$(CLANG) \
		BPF_CFLAGS="$(BPF_CFLAGS)" $(SRCDIR)/scripts/gate-calibration.sh $(ARGS)

# The suite as built here (OUTPUT), run in Debian's cloud kernel under
# QEMU; VMTEST_ARGS="-k KERNEL -- COMMAND" for another kernel or command.
vmtest: all
	$(SRCDIR)/vmtest.sh -o $(OUTPUT) $(VMTEST_ARGS)

# docs/running.md's option list is the output of --help: rewrite it.
options_doc: $(OUTPUT)/test_perf
	$(SRCDIR)/scripts/options-doc.sh $(OUTPUT)/test_perf $(SRCDIR)/docs/running.md

help:
	@echo "make             build test_perf, the BPF objects and the sweep programs"
	@echo "make run_tests   run every test (quick profile), KTAP output"
	@echo "make report      the full evaluation (ARGS=... passed to test_perf)"
	@echo "make compare A=OLD B=NEW   compare two result directories"
	@echo "make calibrate   the gate's false-alarm and detection rates here (ARGS=--pairs N)"
	@echo "make vmtest      run the suite inside a VM (VMTEST_ARGS=...)"
	@echo "make install INSTALL_PATH=DIR   kselftest-style install"
	@echo "make options_doc rewrite docs/running.md's option list from --help"
	@echo "Variables: KSRC=<kernel tree> to use its lib.mk/kselftest.h, OUTPUT=<dir>,"
	@echo "           WERROR=1 to make compiler warnings errors (as CI does),"
	@echo "           SAN=1 to build with ASan and UBSan (best with its own OUTPUT=)"

ifneq ($(KSFT_DIR),)
# lib.mk brings run_tests, install and clean as every kselftest has them.
# Its install copies TEST_GEN_FILES: the list goes with them, as it does
# in a standalone install (the kernel's top-level install writes its own).
TEST_GEN_FILES	+= kselftest-list.txt
EXTRA_CLEAN	:= $(BUILD)
include $(KSFT_DIR)/lib.mk
else
INSTALL_PATH	?= $(OUTPUT)/kselftest_install

run_tests: all
	$(Q)cd $(OUTPUT) && $(SRCDIR)/run_tests.sh

# The layout of an installed kselftest collection; it runs from there
# (test_perf finds its objects beside itself). Generated sources stay out.
install: all $(OUTPUT)/kselftest-list.txt
	$(Q)mkdir -p $(INSTALL_PATH)/bpf
	$(Q)install -m 0755 $(OUTPUT)/test_perf $(SRCDIR)/run_tests.sh $(INSTALL_PATH)/
	$(Q)install -m 0644 $(SRCDIR)/config $(SRCDIR)/settings $(OUTPUT)/kselftest-list.txt \
		$(INSTALL_PATH)/
	$(Q)install -m 0644 $(BPF_OBJS) $(INSTALL_PATH)/bpf/
	$(if $(GEN_TARGETS),$(Q)mkdir -p $(INSTALL_PATH)/$(notdir $(GEN_OUTDIR)))
	$(if $(GEN_TARGETS),$(Q)install -m 0644 $(GEN_OBJS) $(GEN_OUTDIR)/sweep.conf \
		$(INSTALL_PATH)/$(notdir $(GEN_OUTDIR))/)
	@echo "installed into $(INSTALL_PATH)"

clean:
	$(Q)rm -rf $(BUILD) $(OUTPUT)/bpf $(OUTPUT)/test_perf $(OUTPUT)/kselftest-list.txt \
		$(GEN_CLEAN)
endif
