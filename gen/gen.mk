# SPDX-License-Identifier: GPL-2.0
#
# Generated sweep programs, included by the top-level Makefile (before its
# harness and link rules: HARNESS_OBJS gets the spec library).
#
#   $(BUILD)/xdpgen            the generator (host CC)
#   $(GEN_OUTDIR)/NAME.bpf.c   one per point of $(GEN_CONF), never committed
#   $(GEN_OUTDIR)/NAME.bpf.o   compiled with the Makefile's BPF_CFLAGS
#   $(GEN_OUTDIR)/sweep.conf   copy of the sweep, read by the tests
#
# Adding a sweep point is one line in gen/sweep.conf (see gen/README.md).
# GEN_CONF=FILE builds another sweep.

GEN_SRCDIR	:= $(SRCDIR)/gen
GEN_CONF	?= $(GEN_SRCDIR)/sweep.conf
GEN_OUTDIR	:= $(OUTPUT)/gen-progs
XDPGEN		:= $(BUILD)/xdpgen
HOSTCC		?= $(CC)
XDPGEN_CFLAGS	:= -g -O2 -Wall -Wextra -std=gnu11 -I$(GEN_SRCDIR) \
		   $(if $(filter 1,$(WERROR)),-Werror)

# Point names: first word of every line that is not blank or a comment.
GEN_NAMES	:= $(shell sed -e 's/\#.*//' $(GEN_CONF) 2>/dev/null | \
			awk 'NF { print $$1 }')
GEN_OBJS	:= $(patsubst %,$(GEN_OUTDIR)/%.bpf.o,$(GEN_NAMES))
GEN_TARGETS	:= $(XDPGEN) $(GEN_OBJS) $(GEN_OUTDIR)/sweep.conf
GEN_CLEAN	:= $(GEN_OUTDIR) $(XDPGEN)

# The spec library (gen/gen_spec.h: specs, sweep file, formulas) is shared
# with test_perf: the Makefile's harness rule compiles it and links it.
GEN_LIB_SRCS	:= $(addprefix $(GEN_SRCDIR)/,gen_spec.c gen_sweep.c gen_formula.c)
GEN_LIB_OBJS	:= $(patsubst $(GEN_SRCDIR)/%.c,$(BUILD)/gen/%.o,$(GEN_LIB_SRCS))
HARNESS_OBJS	+= $(GEN_LIB_OBJS)
$(GEN_LIB_OBJS): | $(BUILD)/gen
$(HARNESS_OBJS) $(TEST_OBJS): $(GEN_SRCDIR)/gen_spec.h

# xdpgen: the library and the emitter (gen_emit.c), for the host.
$(XDPGEN): $(GEN_SRCDIR)/xdpgen.c $(GEN_SRCDIR)/gen_emit.c $(GEN_LIB_SRCS) \
	   $(GEN_SRCDIR)/gen_emit.h $(GEN_SRCDIR)/gen_spec.h | $(BUILD)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOSTCC) $(XDPGEN_CFLAGS) $(filter %.c,$^) -o $@

$(GEN_OUTDIR) $(BUILD)/gen:
	$(Q)mkdir -p $@

$(GEN_OUTDIR)/sweep.conf: $(GEN_CONF) | $(GEN_OUTDIR)
	$(Q)cp $< $@

# xdpgen leaves an identical file untouched: editing one line of the sweep
# recompiles only the programs that changed.
$(GEN_OUTDIR)/%.bpf.c: $(GEN_CONF) $(XDPGEN) | $(GEN_OUTDIR)
	$(Q)$(XDPGEN) --conf $(GEN_CONF) --point $* -o $@

$(GEN_OUTDIR)/%.bpf.o: $(GEN_OUTDIR)/%.bpf.c $(SRCDIR)/progs/xdp_fwd_base.bpf.h \
		       $(SRCDIR)/progs/xdp_fwd.h
	$(call msg,GEN-BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@

.PRECIOUS: $(GEN_OUTDIR)/%.bpf.c

.PHONY: gen gen_test
gen: $(GEN_TARGETS)

# The generator's own tests: fuzzed command lines, formulas vs. emitter.
gen_test: $(XDPGEN)
	$(Q)$(GEN_SRCDIR)/test_xdpgen.sh $(XDPGEN)
