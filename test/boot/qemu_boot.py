#!/usr/bin/env python3
"""Boots Tine on QEMU and checks what it prints; a boot test for meson test.

Fails when QEMU does not exit within the timeout (a hang), when its exit
status is not the expected one, or when an expected line is missing. With
--ktest it also requires the self-test summary `N passed, 0 failed`.
"""
import argparse
import os
import re
import subprocess
import sys

OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--machine", default="virt")
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--mem", default="256M")
    ap.add_argument("--append", default="")
    ap.add_argument("--timeout", type=float, default=120)
    ap.add_argument("--ktest", action="store_true",
                    help="require 'N passed, 0 failed' with N > 0")
    ap.add_argument("--harts", type=int, help="harts the summary must show")
    ap.add_argument("--ram-mib", type=int, help="RAM the summary must show")
    ap.add_argument("--expect", action="append", default=[],
                    help="a regular expression some output line must match")
    ap.add_argument("--at-most", action="append", default=[], metavar="N:REGEX",
                    help="no more than N output lines may match REGEX")
    ap.add_argument("--exit-status", type=int, default=0)
    ap.add_argument("--icount", action="store_true")
    ap.add_argument("--initrd", help="a second initrd for the loader to pass")
    args = ap.parse_args()

    cmd = ["qemu-system-riscv64", "-M", args.machine, "-smp", str(args.smp),
           "-m", args.mem, "-nographic", "-no-reboot", "-bios", OPENSBI,
           "-kernel", args.kernel]
    if args.initrd:
        cmd += ["-initrd", args.initrd]
    if args.append:
        cmd += ["-append", args.append]
    if args.icount:
        cmd += ["-icount", "shift=0,align=off,sleep=off"]
    cmd += os.environ.get("TINE_QEMU_EXTRA", "").split()  # e.g. -gdb tcp::1234
    print("$ " + " ".join(cmd), flush=True)
    try:
        proc = subprocess.run(cmd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=args.timeout)
        out = proc.stdout.decode(errors="replace")
        status = proc.returncode
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        sys.stdout.write(out)
        print(f"\nFAIL: QEMU still running after {args.timeout}s (hang)")
        return 1
    sys.stdout.write(out)
    lines = out.replace("\r", "").splitlines()
    failures = []

    if status != args.exit_status:
        failures.append(f"QEMU exit status {status}, want {args.exit_status}")
    summary = [l for l in lines if l.startswith("tine: ") and " online, " in l]
    if args.harts is not None or args.ram_mib is not None:
        if not summary:
            failures.append("no boot summary line")
        else:
            m = re.match(r"tine: (\d+) harts? online, (\d+) MiB RAM, (\d+) MiB free",
                         summary[0])
            if not m:
                failures.append(f"malformed summary: {summary[0]}")
            else:
                harts, ram, free = map(int, m.groups())
                if args.harts is not None and harts != args.harts:
                    failures.append(f"summary shows {harts} harts, want {args.harts}")
                if args.ram_mib is not None and ram != args.ram_mib:
                    failures.append(f"summary shows {ram} MiB RAM, want {args.ram_mib}")
                if not 0 < free < ram:
                    failures.append(f"free memory {free} MiB out of range")
                word = "hart" if harts == 1 else "harts"
                if f" {word} online" not in summary[0]:
                    failures.append("summary uses the wrong plural")
    if args.ktest:
        results = [re.match(r"(\d+) passed, (\d+) failed$", l) for l in lines]
        results = [m for m in results if m]
        if len(results) != 1:
            failures.append("no single 'N passed, M failed' line")
        else:
            passed, failed = int(results[0].group(1)), int(results[0].group(2))
            if failed != 0 or passed == 0:
                failures.append(f"self-tests: {passed} passed, {failed} failed")
    for pattern in args.expect:
        if not any(re.search(pattern, l) for l in lines):
            failures.append(f"no line matches {pattern!r}")
    for limit in args.at_most:
        n, pattern = limit.split(":", 1)
        hits = sum(1 for l in lines if re.search(pattern, l))
        if hits > int(n):
            failures.append(f"{hits} lines match {pattern!r}, at most {n} may")

    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
