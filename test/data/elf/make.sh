#!/bin/sh
# Rebuilds the ELF fixtures test/host/test_elf.cpp parses. The tests pin the
# values riscv64-linux-gnu-readelf -lh printed for the committed files
# (Debian riscv64-linux-gnu-gcc 12.2, glibc 2.36): after a rebuild with
# another toolchain, update the expected entry points and segments there.
#
#   exit-static        -static -nostdlib: _start calls exit(0); ET_EXEC
#   hello-static       -static -O2 glibc hello world; ET_EXEC, PT_TLS
#   hello-dynamic      default gcc (a PIE on Debian): ET_DYN and PT_INTERP
#   hello-dynamic-nopie  -no-pie: ET_EXEC with PT_INTERP
#   exit-static-pie    -static-pie -nostdlib: ET_DYN without PT_INTERP
#                      (Debian's cross glibc has no rcrt1.o for a glibc one)
set -eu
cd "$(dirname "$0")"
CC=${CC:-riscv64-linux-gnu-gcc}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

cat > "$tmp/exit.S" <<'SRC'
	.text
	.globl _start
_start:
	la	a0, status
	ld	a0, 0(a0)
	li	a7, 93		# exit
	ecall
	.data
status:	.dword 0
	.bss
scratch: .zero 64
SRC

cat > "$tmp/hello.c" <<'SRC'
#include <stdio.h>
int main(void) {
  puts("hello, world");
  return 0;
}
SRC

common="-Wl,--build-id=none -s"
$CC -static -nostdlib $common -o exit-static "$tmp/exit.S"
$CC -static -O2 $common -o hello-static "$tmp/hello.c"
$CC -O2 $common -o hello-dynamic "$tmp/hello.c"
$CC -O2 -no-pie $common -o hello-dynamic-nopie "$tmp/hello.c"
# gcc leaves PT_INTERP in without the explicit --no-dynamic-linker here.
$CC -static-pie -nostdlib -Wl,--no-dynamic-linker $common -o exit-static-pie "$tmp/exit.S"
