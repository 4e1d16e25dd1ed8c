#!/bin/sh
# Dumps the device trees the kernel receives in a1 on QEMU, i.e. after
# OpenSBI's fixups (/reserved-memory, disabled monitor hart, PLIC M contexts
# rewritten to 0xffffffff), which `-M ...,dumpdtb=` does not show.
# Needs Debian 12's qemu-system-riscv64 7.2, opensbi, gdb-multiarch, dtc.
# Writes *.dtb and their *.dts text forms next to this script, and compiles
# the hand-written visionfive2-like.dts, which no QEMU machine can produce.
set -eu

cd "$(dirname "$0")"
FW=${FW:-/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin}
PORT=${GDB_PORT:-$((20000 + $$ % 20000))}
KERNEL_ENTRY=0x80200000   # where fw_dynamic jumps with a0=hartid, a1=fdt

tmp=$(mktemp -d)
qemu_pid=
cleanup() {
  [ -n "$qemu_pid" ] && kill "$qemu_pid" 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT INT TERM

# The "kernel": a single `j .` (0x0000006f, little-endian). The hardware
# breakpoint stops the boot hart before it runs.
printf '\157\000\000\000' >"$tmp/spin.bin"

# dump OUT INFERIORS QEMU-ARGS...
# sifive_u has two CPU clusters (E51, U54s) that gdb sees as two inferiors;
# OpenSBI boots a U54, so both must be attached and scheduled.
dump() {
  out=$1 inferiors=$2
  shift 2
  qemu-system-riscv64 "$@" -bios "$FW" -kernel "$tmp/spin.bin" \
    -display none -monitor none -serial "file:$tmp/$out.console" \
    -gdb "tcp:127.0.0.1:$PORT" -S </dev/null 2>"$tmp/$out.qemu" &
  qemu_pid=$!
  sleep 1
  if [ "$inferiors" = 2 ]; then
    set -- -ex 'target extended-remote 127.0.0.1:'"$PORT" \
      -ex 'add-inferior' -ex 'inferior 2' -ex 'attach 2' \
      -ex 'set schedule-multiple on'
  else
    set -- -ex 'target remote 127.0.0.1:'"$PORT"
  fi
  gdb-multiarch -q -batch -ex 'set architecture riscv:rv64' "$@" \
    -ex "hbreak *$KERNEL_ENTRY" -ex 'continue' \
    -ex 'p/x $a0' -ex 'p/x $a1' \
    -ex "dump binary memory $tmp/$out.raw \$a1 \$a1+0x10000" \
    >"$tmp/$out.gdb" 2>&1 || { cat "$tmp/$out.gdb"; exit 1; }
  kill "$qemu_pid" 2>/dev/null || true
  wait "$qemu_pid" 2>/dev/null || true
  qemu_pid=

  # Keep only the blob itself: totalsize is the big-endian word at offset 4.
  magic=$(od -An -tx1 -N4 "$tmp/$out.raw" | tr -d ' \n')
  [ "$magic" = d00dfeed ] || { echo "$out: no FDT at a1"; cat "$tmp/$out.gdb"; exit 1; }
  size=$((0x$(od -An -tx1 -j4 -N4 "$tmp/$out.raw" | tr -d ' \n')))
  [ "$size" -le 65536 ] || { echo "$out: totalsize $size exceeds the 64 KiB dumped"; exit 1; }
  head -c "$size" "$tmp/$out.raw" >"$out"
  dtc -q -I dtb -O dts -o "${out%.dtb}.dts" "$out"
  echo "$out: $size bytes; boot hart (a0), FDT address (a1):" \
    $(sed -n 's/^\$[12] = //p' "$tmp/$out.gdb")
}

dtc -q -I dts -O dtb -o visionfive2-like.dtb visionfive2-like.dts

dump virt-1hart.dtb 1 -M virt -smp 1 -m 256M
dump virt-4hart.dtb 1 -M virt -smp 4 -m 256M -append "ktest console=x"
dump sifive_u.dtb 2 -M sifive_u -smp 5 -m 1G
