# driver/install.mk: make install, and the test that builds a program against the installed copy.
#
#   make install [PREFIX=/usr/local] [DESTDIR=]
#       $(PREFIX)/bin/mote; $(PREFIX)/lib/libmote.so.MAJOR.MINOR.PATCH with its libmote.so.MAJOR and
#       libmote.so links, libmote.a, libmotecc.a (the compiler and reference executor, static; the
#       host kernels it calls are libmote's, which carries driver/kernels/'s library);
#       $(PREFIX)/include/mote/ (mote.h, its geometry and generated mote_hw.h, the host kernels,
#       the .mote format, the compiler); $(PREFIX)/lib/pkgconfig/mote.pc pointing at those paths;
#       $(PREFIX)/share/man/man1/mote.1; $(PREFIX)/share/bash-completion/completions/mote.  DESTDIR is prepended to every path written, never to
#       the paths written into mote.pc (a staged install, as packagers do).
#   make test-install
#       installs into a scratch DESTDIR with PREFIX=/usr, then builds driver/tests/install/app.c
#       with pkg-config reading the installed mote.pc (its sysroot the scratch directory) and runs
#       it against the installed libmote.so: a GEMM on the simulated 8x8 array checked against
#       the installed reference executor (libmotecc.a); the library's exports must be exactly
#       the functions the public headers declare; the installed mote runs.

PREFIX  ?= /usr/local
DESTDIR ?=
INSTALL_HDRS := include/mote/mote.h include/mote/mote_geometry.h include/mote/mote_kernels.h \
                include/mote/mote_model_format.h include/mote/mote_compiler.h $(BUILD)/include/mote/mote_hw.h

.PHONY: install test-install
install: all
	install -d $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/lib/pkgconfig $(DESTDIR)$(PREFIX)/include/mote \
	  $(DESTDIR)$(PREFIX)/share/man/man1
	install -m 755 $(MOTE_CLI) $(DESTDIR)$(PREFIX)/bin/mote
	install -m 755 $(DRV_LIB_REAL) $(DESTDIR)$(PREFIX)/lib/
	ln -sf $(notdir $(DRV_LIB_REAL)) $(DESTDIR)$(PREFIX)/lib/$(DRV_SONAME)
	ln -sf $(DRV_SONAME) $(DESTDIR)$(PREFIX)/lib/libmote.so
	install -m 644 $(DRV_LIB_A) $(MOTECC_LIB) $(DESTDIR)$(PREFIX)/lib/
	install -m 644 $(INSTALL_HDRS) $(DESTDIR)$(PREFIX)/include/mote/
	install -m 644 driver/cli/mote.1 $(DESTDIR)$(PREFIX)/share/man/man1/mote.1
	install -d $(DESTDIR)$(PREFIX)/share/bash-completion/completions
	install -m 644 driver/cli/mote.bash $(DESTDIR)$(PREFIX)/share/bash-completion/completions/mote
	printf '%s\n' 'prefix=$(PREFIX)' 'libdir=$${prefix}/lib' 'includedir=$${prefix}/include' '' \
	  'Name: mote' 'Description: mote accelerator driver (simulator backend included)' \
	  'Version: $(DRV_VERSION)' 'Cflags: -I$${includedir}' 'Libs: -L$${libdir} -lmote' \
	  'Libs.private: $(DRV_LDLIBS)' > $(DESTDIR)$(PREFIX)/lib/pkgconfig/mote.pc

INSTALL_TMP := $(BUILD)/test-install
test-install: all
	@rm -rf $(INSTALL_TMP) && mkdir -p $(INSTALL_TMP)
	@$(MAKE) --no-print-directory install PREFIX=/usr DESTDIR=$(abspath $(INSTALL_TMP))/root > $(INSTALL_TMP)/install.log
	@sh driver/tests/install/check_install.sh $(abspath $(INSTALL_TMP)) $(DRV_VERSION) $(DRV_SONAME) \
	  "$(DRV_PUBLIC_H)" $(MOTECC_LIB)
MOTE_TESTS += test-install
