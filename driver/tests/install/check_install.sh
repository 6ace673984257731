#!/bin/sh
# check_install.sh TMP VERSION SONAME "PUBLIC_HEADERS" MOTECC_LIB: make test-install's checks on the
# copy `make install PREFIX=/usr DESTDIR=TMP/root` wrote.
#   - the files: bin/mote, lib/libmote.so.VERSION with the links SONAME and libmote.so, libmote.a,
#     libmotecc.a, the headers, lib/pkgconfig/mote.pc, share/man/man1/mote.1;
#   - the shared library's soname is SONAME, and it exports exactly the functions the public
#     headers declare (no Verilator, FST, LZ4 or mote__ symbol);
#   - mote.pc names PREFIX's paths (never TMP): pkg-config with TMP/root as its sysroot gives the
#     flags that build driver/tests/install/app.c against the installed headers and library, and
#     the program, run with the installed libmote.so (not the build tree's), agrees with the
#     reference bit for bit;
#   - the installed mote prints its version; man finds the page; the bash completion, driving the
#     installed mote, completes its commands and options.
set -eu
tmp=$1 version=$2 soname=$3 hdrs=$4
root=$tmp/root
fail() { echo "test-install: $*" >&2; exit 1; }

for f in bin/mote lib/libmote.so.$version lib/$soname lib/libmote.so lib/libmote.a lib/libmotecc.a \
	 lib/pkgconfig/mote.pc share/man/man1/mote.1 include/mote/mote.h include/mote/mote_hw.h \
	 include/mote/mote_geometry.h include/mote/mote_compiler.h include/mote/mote_kernels.h \
	 share/bash-completion/completions/mote; do
	[ -e "$root/usr/$f" ] || fail "usr/$f not installed"
done
[ "$(readlink "$root/usr/lib/$soname")" = "libmote.so.$version" ] || fail "$soname does not link to libmote.so.$version"
got=$(objdump -p "$root/usr/lib/libmote.so.$version" | awk '$1 == "SONAME" { print $2 }')
[ "$got" = "$soname" ] || fail "soname '$got', expected $soname"

# exports: exactly the public functions
nm -D --defined-only "$root/usr/lib/libmote.so.$version" | awk '$2 ~ /^[TtWw]$/ { sub(/@.*/, "", $3); print $3 }' | sort -u > "$tmp/exports.txt"
grep -ohE '\bmote_[a-z0-9_]+[[:space:]]*\(' $hdrs | tr -d ' (' | grep -v '^mote__' | sort -u > "$tmp/public.txt"
extra=$(comm -23 "$tmp/exports.txt" "$tmp/public.txt")
[ -z "$extra" ] || fail "exported but not public: $(echo $extra | head -c 300)"
missing=$(comm -13 "$tmp/exports.txt" "$tmp/public.txt")
[ -z "$missing" ] || fail "public but not exported: $missing"
nexp=$(wc -l < "$tmp/exports.txt")
other=$(nm -D --defined-only "$root/usr/lib/libmote.so.$version" | awk '$3 !~ /^(mote_|MOTE_)/' | wc -l)
[ "$other" = 0 ] || fail "$other other symbols exported"

# mote.pc: the installed paths, and a program built and run against them
grep -q "$tmp" "$root/usr/lib/pkgconfig/mote.pc" && fail "mote.pc names the staging directory"
grep -qx 'prefix=/usr' "$root/usr/lib/pkgconfig/mote.pc" || fail "mote.pc: prefix is not /usr"
export PKG_CONFIG_SYSROOT_DIR="$root" PKG_CONFIG_LIBDIR="$root/usr/lib/pkgconfig"
cflags=$(pkg-config --cflags mote) libs=$(pkg-config --libs mote)
[ "$(pkg-config --modversion mote)" = "$version" ] || fail "mote.pc version $(pkg-config --modversion mote)"
# shellcheck disable=SC2086
cc -std=c11 -Wall -Wextra -Werror $cflags -o "$tmp/app" driver/tests/install/app.c "$root/usr/lib/libmotecc.a" $libs \
	-lprotobuf-c -lm || fail "app.c does not build against the installed copy"
lib=$(LD_LIBRARY_PATH="$root/usr/lib" ldd "$tmp/app" | awk '$1 == "'"$soname"'" { print $3 }')
[ "$lib" = "$root/usr/lib/$soname" ] || fail "app resolves $soname to '$lib', not the installed copy"
out=$(LD_LIBRARY_PATH="$root/usr/lib" "$tmp/app") || { printf '%s\n' "$out"; fail "app failed"; }
printf '%s\n' "$out" | grep -q "^libmote $version " || fail "app: '$out'"
printf '%s\n' "$out" | grep -q ": 0 of [1-9][0-9]* bytes differ" || fail "app: '$out'"

v=$("$root/usr/bin/mote" --version) || fail "installed mote --version failed"
case $v in "mote $version "*) ;; *) fail "mote --version: '$v'";; esac
MANPATH="$root/usr/share/man" man -w mote > /dev/null 2>&1 || [ -s "$root/usr/share/man/man1/mote.1" ] || fail "no man page"
grep -q '^\.TH MOTE 1' "$root/usr/share/man/man1/mote.1" || fail "mote.1 is not a man page"
# bash completion: the installed script, driving the installed mote, completes commands and options
comp=$(bash -c '. "$1/usr/share/bash-completion/completions/mote"
	c() { COMP_WORDS=("$@"); COMP_CWORD=$(( $# - 1 )); COMPREPLY=(); _mote; echo "${COMPREPLY[*]}"; }
	c "$1/usr/bin/mote" ""; c "$1/usr/bin/mote" compile m.onnx --k; c "$1/usr/bin/mote" eval m.mote --pre
	c "$1/usr/bin/mote" prune m.onnx --skip; c "$1/usr/bin/mote" prune m.onnx --pattern ""' _ "$root")
[ "$(printf '%s\n' "$comp" | sed -n 1p)" = "info gemm conv compile run eval prune selftest ops --help --version" ] &&
	[ "$(printf '%s\n' "$comp" | sed -n 2p)" = "--keep-tensors" ] && [ "$(printf '%s\n' "$comp" | sed -n 3p)" = "--predictions" ] &&
	[ "$(printf '%s\n' "$comp" | sed -n 4p)" = "--skip --skip-first" ] && [ "$(printf '%s\n' "$comp" | sed -n 5p)" = "2:4" ] ||
	fail "bash completion: '$comp'"
echo "test-install: installed under $root/usr (PREFIX /usr): libmote.so.$version (soname $soname, $nexp functions"
echo "  exported, the public headers' own), headers, mote.pc, mote(1); app.c built with pkg-config against them:"
printf '%s\n' "$out" | sed 's/^/  /'
echo "  $v"
