# vpnha — one GNU Makefile, no configure step.
#
#   make              every program, in build/bin/
#   make check        warnings as errors, sanitizer build, every test
#   make static       static musl binaries in build/musl/bin/
#   make fuzz         every libFuzzer target for FUZZ_TIME seconds
#   make bench        the benchmarks of tests/bench/
#   make chaos        the DDNS cluster under a nemesis (tests/chaos/),
#                     SECONDS=120, SEED= (random, printed)
#   make install      PREFIX=/usr/local DESTDIR=
#
# The same rules build every variant; a variant only changes B (its output
# directory) and the flags below.

PREFIX     ?= /usr/local
BINDIR     ?= $(PREFIX)/bin
SBINDIR    ?= $(PREFIX)/sbin
MANDIR     ?= $(PREFIX)/share/man
DATADIR    ?= $(PREFIX)/share/vpnha
DESTDIR    ?=
PKG_CONFIG ?= pkg-config
B          ?= build
FUZZ_TIME  ?= 60
SECONDS    ?= 120
SEED       ?=

WARN = -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wmissing-declarations -Wold-style-definition -Wpointer-arith \
	-Wcast-qual -Wwrite-strings -Wformat=2 -Wundef -Wvla \
	-Wimplicit-fallthrough -Wredundant-decls

ifeq ($(VARIANT),san)
# AddressSanitizer + UndefinedBehaviorSanitizer: what the tests run.
HARDEN  = -fPIE -fno-omit-frame-pointer -fsanitize=address,undefined \
	-fno-sanitize-recover=all
OPT     = -O1 -g
LDHARD  = -pie -fsanitize=address,undefined
else ifeq ($(VARIANT),musl)
HARDEN  = -D_FORTIFY_SOURCE=2 -fstack-protector-strong
OPT     = -Os
LDHARD  = -static -Wl,-z,relro,-z,now -s
PKGFLAGS = --static
else
HARDEN  = -D_FORTIFY_SOURCE=2 -fstack-protector-strong -fPIE
OPT     = -O2 -g
LDHARD  = -pie -Wl,-z,relro,-z,now
endif

CFLAGS  ?= $(OPT)
ALL_CFLAGS = -std=c11 -D_GNU_SOURCE $(WARN) $(if $(WERROR),-Werror) \
	$(HARDEN) $(CFLAGS) -Ilib -MMD -MP

# Programs: bin/NAME/NAME.c is a C program, bin/NAME/NAME.sh a script.
# Per program: LIBS_NAME (plain -l flags) and PKGS_NAME (pkg-config names).
CPROGS  := $(patsubst bin/%/,%,$(dir $(wildcard bin/*/*.c)))
CPROGS  := $(sort $(CPROGS))
SCRIPTS := $(sort $(patsubst bin/%/,%,$(dir $(wildcard bin/*/*.sh))))
LIBS_lb-size = -lm
# libsodium for every reader of vpnha.conf: a tsig-key's base64 (conf_rules.c)
PKGS_vrrpd = libsodium libcap-ng
PKGS_ddns-syncd = libsodium libcap-ng
PKGS_ddns-named = ldns libsodium libcap-ng
PKGS_vpnha-checkconf = libsodium

LIB_OBJ := $(patsubst %.c,$(B)/obj/%.o,$(wildcard lib/*.c))

all: $(CPROGS:%=$(B)/bin/%) $(SCRIPTS:%=$(B)/bin/%)

$(B)/obj/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(call pkgcflags,$<) -c -o $@ $<

$(B)/libvpnha.a: $(LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^

pkgs    = $(PKGS_$(word 2,$(subst /, ,$(1))))
pkgcflags = $(if $(call pkgs,$(1)),$(shell $(PKG_CONFIG) --cflags $(call pkgs,$(1))))

define cprog
$(B)/bin/$(1): $(patsubst %.c,$(B)/obj/%.o,$(wildcard bin/$(1)/*.c)) $(B)/libvpnha.a
	@mkdir -p $$(@D)
	$$(CC) $$(LDHARD) $$(LDFLAGS) -o $$@ $$^ $(LIBS_$(1)) \
		$(if $(PKGS_$(1)),$$(shell $$(PKG_CONFIG) --libs $(PKGFLAGS) $(PKGS_$(1))))
endef
$(foreach p,$(CPROGS),$(eval $(call cprog,$(p))))

# A script takes the run-time paths from lib/run.h, their one home: each
# @NAME@ in it becomes the string that run.h defines NAME as.
runh = $(shell sed -n 's/^\#define $(1)[[:space:]]*"\([^"]*\)".*/\1/p' lib/run.h)
RUNH_SED := $(foreach n,RUN_DEFAULT RUN_VRRPD,-e 's|@$(n)@|$(call runh,$(n))|g')
define script
$(B)/bin/$(1): bin/$(1)/$(1).sh lib/run.h
	@mkdir -p $$(@D)
	sed $(RUNH_SED) $$< >$$@.new && chmod 755 $$@.new && mv $$@.new $$@
endef
$(foreach p,$(SCRIPTS),$(eval $(call script,$(p))))

# Unit drivers and fuzz targets: tests/{unit,fuzz}/NAME.c, linked with the
# library and, for code of one program, the files named in TESTSRC_NAME
# (and the libraries in TESTLIBS_NAME).
TESTSRC_advert = bin/vrrpd/advert.c
TESTSRC_dns = bin/ddns-named/answer.c bin/ddns-named/zone.c bin/ddns-named/pool.c \
	bin/ddns-named/stats.c
TESTLIBS_dns = -lldns -lsodium
TESTSRC_dnsfeed = bin/ddns-named/feedline.c bin/ddns-named/zone.c \
	bin/ddns-named/pool.c
TESTLIBS_dnsfeed = -lldns -lsodium
TESTSRC_dnstcp = bin/ddns-named/stream.c bin/ddns-named/answer.c \
	bin/ddns-named/serve.c bin/ddns-named/xfr.c bin/ddns-named/xlog.c \
	bin/ddns-named/zone.c bin/ddns-named/pool.c bin/ddns-named/stats.c
TESTLIBS_dnstcp = -lldns -lsodium
TESTSRC_xfr = bin/ddns-named/serve.c bin/ddns-named/xfr.c bin/ddns-named/xlog.c \
	bin/ddns-named/answer.c bin/ddns-named/zone.c bin/ddns-named/pool.c \
	bin/ddns-named/stats.c
TESTLIBS_xfr = -lldns -lsodium
TESTSRC_ctlline = bin/ddns-syncd/request.c bin/ddns-syncd/addr.c
DDNS_WIRE = bin/ddns-syncd/noise.c bin/ddns-syncd/wire.c bin/ddns-syncd/table.c
TESTSRC_noise = $(DDNS_WIRE)
TESTSRC_noisehs = $(DDNS_WIRE)
TESTSRC_frame = $(DDNS_WIRE)
TESTLIBS_conf = -lsodium
TESTLIBS_noise = -lsodium
TESTLIBS_noisehs = -lsodium
TESTLIBS_frame = -lsodium
TESTSRC_journal = bin/ddns-syncd/journal.c bin/ddns-syncd/table.c \
	bin/ddns-syncd/wire.c bin/ddns-syncd/addr.c
TESTLIBS_journal = -lsodium
TESTLIBS_tsig = -lsodium
TESTLIBS_sha256 = -lsodium
testsrc = $(TESTSRC_$(1))
testinc = $(sort $(patsubst %/,-I%,$(dir $(TESTSRC_$(1)))))

UNITS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/*.c))
unit: $(UNITS:%=$(B)/unit/%)
.SECONDEXPANSION:
$(B)/unit/%: tests/unit/%.c $$(call testsrc,$$*) $(B)/libvpnha.a
	@mkdir -p $(@D)
	$(CC) $(ALL_CFLAGS) $(call testinc,$*) $(LDHARD) $(LDFLAGS) -o $@ \
		$(filter %.c,$^) $(B)/libvpnha.a $(TESTLIBS_$*) -lm

# libFuzzer targets: tests/fuzz/NAME.c, built with clang, ASan and UBSan,
# in $(FUZZ_DIR), against a library built the same way (instrumented, not
# linked with libFuzzer's main).  tests/fuzz/run and tests/fuzz.bats find
# them through VPNHA_FUZZ.
FUZZERS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/*.c))
FUZZ_CC ?= clang
FUZZ_SAN = -fsanitize=address,undefined -fno-sanitize-recover=all
FUZZ_FLAGS = -std=c11 -D_GNU_SOURCE -g -O1 -Ilib $(FUZZ_SAN)
FUZZ_DIR = $(B)/fuzz
FUZZ_LIB_OBJ := $(patsubst %.c,$(FUZZ_DIR)/obj/%.o,$(wildcard lib/*.c))
fuzz-build: $(FUZZERS:%=$(FUZZ_DIR)/%)
$(FUZZ_DIR)/obj/%.o: %.c $(wildcard lib/*.h)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer-no-link -c -o $@ $<
$(FUZZ_DIR)/libvpnha.a: $(FUZZ_LIB_OBJ)
	@rm -f $@
	$(AR) rcs $@ $^
$(FUZZ_DIR)/%: tests/fuzz/%.c $$(call testsrc,$$*) $(FUZZ_DIR)/libvpnha.a
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_FLAGS) -fsanitize=fuzzer $(call testinc,$*) -o $@ \
		$< $(call testsrc,$*) $(FUZZ_DIR)/libvpnha.a $(TESTLIBS_$*) -lm
fuzz: fuzz-build
	VPNHA_FUZZ=$(abspath $(FUZZ_DIR)) tests/fuzz/run $(FUZZ_TIME) $(FUZZERS)

san:
	$(MAKE) VARIANT=san B=build/san all unit

# The libraries' musl builds (contrib/musl-deps, cached).  pkg-config's
# variables go in the environment: make 4.3's $(shell) does not see
# variables given on the command line.
MUSL_PREFIX = $(CURDIR)/build/musl/prefix
static:
	contrib/musl-deps $(MUSL_PREFIX)
	PKG_CONFIG_LIBDIR=$(MUSL_PREFIX)/lib/pkgconfig PKG_CONFIG_PATH= \
		$(MAKE) VARIANT=musl B=build/musl \
		CC="musl-gcc -isystem $(MUSL_PREFIX)/include" all

check:
	contrib/deps
	$(MAKE) WERROR=1 all
	$(MAKE) WERROR=1 san
	$(MAKE) fuzz-build
	VPNHA_FUZZ=$(abspath $(FUZZ_DIR)) tests/run

bench: all
	tests/bench/run

# As root: five ddns-syncd of the sanitizer build in a lab, for SECONDS,
# the seed printed (SEED=N runs it again); files in build/chaos/SEED.
chaos: san
	tests/chaos/run -t $(SECONDS) $(if $(SEED),-s $(SEED))

# the README's "run it": packages, build, then the lab story (root)
demo:
	contrib/deps
	$(MAKE) all
	contrib/demo $(B)/bin

man1 = $(patsubst man/%.1,%,$(wildcard man/*.1))
man8 = $(patsubst man/%.8,%,$(wildcard man/*.8))
install: all
	install -d $(DESTDIR)$(BINDIR) $(DESTDIR)$(SBINDIR) \
		$(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(MANDIR)/man5 $(DESTDIR)$(MANDIR)/man8
	$(foreach p,$(filter $(man1),$(CPROGS) $(SCRIPTS)),install -m 755 $(B)/bin/$(p) $(DESTDIR)$(BINDIR)/ &&) true
	$(foreach p,$(filter $(man8),$(CPROGS) $(SCRIPTS)),install -m 755 $(B)/bin/$(p) $(DESTDIR)$(SBINDIR)/ &&) true
	install -m 644 $(wildcard man/*.1) $(DESTDIR)$(MANDIR)/man1/
	install -m 644 $(wildcard man/*.5) $(DESTDIR)$(MANDIR)/man5/
	$(if $(wildcard man/*.8),install -m 644 $(wildcard man/*.8) $(DESTDIR)$(MANDIR)/man8/)
	install -d $(DESTDIR)$(DATADIR)
	cp -R contrib/README contrib/runit contrib/s6 contrib/strongswan \
		contrib/frr contrib/prometheus $(DESTDIR)$(DATADIR)/

clean:
	rm -rf build

.PHONY: all unit fuzz fuzz-build san static check bench chaos demo install clean
.SECONDARY:
# a command that fails leaves no half-made target to pass for a made one
.DELETE_ON_ERROR:

-include $(shell find $(B)/obj $(B)/unit -name '*.d' 2>/dev/null)
