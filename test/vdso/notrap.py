#!/usr/bin/env python3
"""Boots Tine with notrap (notrap.c) as init and the kernel's `strace`
option, and checks the trace: no clock syscall (clock_gettime 113,
clock_getres 114, gettimeofday 169) while glibc calls the clocks through the
vDSO, exactly three clock_gettime syscalls in the phase that makes them.

    notrap.py --kernel tine.elf --mkinitrd mkinitrd.py --prog notrap
              [--machine M] [--smp N] [--mem SIZE]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
CLOCK_SYSCALLS = {"113", "114", "169"}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--mkinitrd", required=True)
    ap.add_argument("--prog", required=True)
    ap.add_argument("--machine", default="virt")
    ap.add_argument("--smp", default="1")
    ap.add_argument("--mem", default="256M")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        cpio = os.path.join(tmp, "user.cpio")
        subprocess.run([sys.executable, args.mkinitrd, cpio, "bin/notrap=" + args.prog],
                       check=True, stdout=subprocess.DEVNULL)
        cmd = ["qemu-system-riscv64", "-M", args.machine, "-smp", args.smp, "-m", args.mem,
               "-nographic", "-no-reboot", "-bios", OPENSBI, "-kernel", args.kernel,
               "-initrd", cpio, "-append", "init=/bin/notrap strace"]
        print("$ " + " ".join(cmd), flush=True)
        try:
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, timeout=240)
        except subprocess.TimeoutExpired:
            print("FAIL: QEMU still running after 240 s")
            return 1
    out = r.stdout.decode(errors="replace").replace("\r", "")
    phase, counts = None, {"vdso": {}, "syscall": {}}
    for line in out.splitlines():
        if line.startswith("phase "):
            phase = line.split()[1]
            continue
        m = re.search(r"\] syscall (\d+)\(", line)
        if m and phase in counts:
            counts[phase][m.group(1)] = counts[phase].get(m.group(1), 0) + 1
    failures = []
    if phase != "end":
        failures.append(f"the program did not finish (last phase {phase})")
    if r.returncode != 0:
        failures.append(f"QEMU exit status {r.returncode}, want 0")
    trapped = {n: c for n, c in counts["vdso"].items() if n in CLOCK_SYSCALLS}
    if trapped:
        failures.append(f"clock syscalls through the vDSO: {trapped}")
    if counts["syscall"].get("113", 0) != 3:
        failures.append(f"direct clock_gettime syscalls traced "
                        f"{counts['syscall'].get('113', 0)} times, want 3")
    print(f"syscalls traced while glibc read the clocks 11000 times: {counts['vdso']}")
    print(f"syscalls traced in the direct phase: {counts['syscall']}")
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


sys.exit(main())
