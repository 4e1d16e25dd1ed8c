#!/usr/bin/env python3
"""Runs one static riscv64 program on Linux (qemu-riscv64, user-mode) and on
Tine (QEMU virt, the program as init's only job) and requires the same
output lines (those starting with "raw:") and the same exit status.

qemu-riscv64 is not a perfect Linux: it runs vfork as a plain fork. Where
that matters the program prints "raw: NAME VALUE expect WANT", WANT being
what Linux's semantics imply, computed by the program from the call it made.
Tine must see WANT; on such lines qemu-riscv64 is held to the WANT part only
(its VALUE is reported when it departs). Nothing here knows any line's value."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
EXPECT = re.compile(r"^(?P<key>.*) (?P<value>\S+) expect (?P<want>\S+)$")


def program_lines(text):
    return [l.strip() for l in text.replace("\r", "").splitlines() if l.startswith("raw:")]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--mkinitrd", required=True)
    ap.add_argument("--program", required=True)
    ap.add_argument("--smp", default="2")
    args = ap.parse_args()

    linux = subprocess.run(["qemu-riscv64", args.program], capture_output=True, timeout=60)
    with tempfile.TemporaryDirectory() as tmp:
        cpio = os.path.join(tmp, "prog.cpio")
        subprocess.run([sys.executable, args.mkinitrd, cpio, f"bin/prog={args.program}"],
                       check=True, capture_output=True)
        tine = subprocess.run(
            ["qemu-system-riscv64", "-M", "virt", "-smp", args.smp, "-m", "256M",
             "-nographic", "-no-reboot", "-bios", OPENSBI, "-kernel", args.kernel,
             "-initrd", cpio, "-append", "init=/bin/prog"],
            stdin=subprocess.DEVNULL, capture_output=True, timeout=120)
    lin = program_lines(linux.stdout.decode(errors="replace"))
    tin = program_lines(tine.stdout.decode(errors="replace"))
    failures = []
    if len(lin) != len(tin):
        failures.append(f"{len(lin)} lines on Linux, {len(tin)} on Tine")
    notes = []
    for a, b in zip(lin, tin):
        ea, eb = EXPECT.match(a), EXPECT.match(b)
        if ea and eb:
            if (ea["key"], ea["want"]) != (eb["key"], eb["want"]):
                failures.append(f"Linux: {a!r}, Tine: {b!r}")
            elif eb["value"] != eb["want"]:
                failures.append(f"Tine: {b!r}: saw {eb['value']}, Linux semantics: {eb['want']}")
            if ea["value"] != ea["want"]:
                notes.append(f"qemu-riscv64 departs from Linux here: {a!r}")
        elif a != b:
            failures.append(f"Linux: {a!r}, Tine: {b!r}")
    if linux.returncode != tine.returncode:
        failures.append(f"exit status {linux.returncode} on Linux, {tine.returncode} on Tine")
    for l in tin:
        print("tine  " + l)
    for n in notes:
        print("note: " + n)
    for f in failures:
        print("FAIL: " + f)
    print(f"{len(tin)} lines compared, {len(failures)} differences")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
