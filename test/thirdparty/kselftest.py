#!/usr/bin/env python3
"""Linux's own kselftests on Tine. Each listed selftest is built from
Debian's linux-source-6.12 with the stock riscv64-linux-gnu-gcc, static,
and run as init in one Tine boot; its TAP lines ("TAP version", the plan,
"ok"/"not ok", not the "#" notes) and its exit status must equal
kselftest/NAME.expected: what Linux 6.12 prints.

NAME.expected: lines starting with "#" say where the lines come from and
are not compared; then the TAP lines, in order, then "exit N". A line that
is not TAP-shaped (an older selftest that prints "PASS" rather than TAP)
must appear in the console as a whole line, in that order among the rest.

    kselftest.py --kernel tine.elf --mkinitrd mkinitrd.py --fetch SCRIPT
                 --thirdparty DIR --list kselftests.txt --smp N [--icount]
"""
import argparse
import os
import re
import subprocess
import sys
import tempfile

# The kernel's note that a program called a syscall Tine lacks is not the
# program's output: test/kernel_note.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from kernel_note import drop_kernel_notes  # noqa: E402

OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
HERE = os.path.dirname(os.path.abspath(__file__))
TAP = re.compile(r"^(TAP version \d+|1\.\.\d+|(not )?ok \d+.*)$")


def read_expected(path):
    """The compared lines of a NAME.expected: all but its "#" comments."""
    with open(path) as f:
        return [l.rstrip("\n") for l in f if not l.startswith("#")]


def tap_lines(text, extra=()):
    """The console's TAP lines, and its lines equal to one of `extra`."""
    lines = [l.rstrip() for l in text.replace("\r\n", "\n").split("\n")]
    return [l for l in lines if TAP.match(l) or l in extra]


def run_tine(args, exe, tmp):
    name = os.path.basename(exe)
    cpio = os.path.join(tmp, name + ".cpio")
    subprocess.run([sys.executable, args.mkinitrd, cpio, f"bin/{name}={exe}"], check=True,
                   stdout=subprocess.DEVNULL)
    cmd = ["qemu-system-riscv64", "-M", "virt", "-smp", str(args.smp), "-m", "256M",
           "-nographic", "-no-reboot", "-bios", OPENSBI, "-kernel", args.kernel,
           "-initrd", cpio, "-append", f"init=/bin/{name}"]
    if args.icount:
        cmd += ["-icount", "shift=0,align=off,sleep=off"]
    cmd += os.environ.get("TINE_QEMU_EXTRA", "").split()  # e.g. -gdb tcp::1234
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=120)
        return drop_kernel_notes(r.stdout.decode(errors="replace")), r.returncode
    except subprocess.TimeoutExpired as e:
        return (e.stdout or b"").decode(errors="replace"), "timeout"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--mkinitrd", required=True)
    ap.add_argument("--fetch", required=True)
    ap.add_argument("--thirdparty", required=True)
    ap.add_argument("--list", required=True)
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--icount", action="store_true",
                    help="guest time counts instructions (1 hart only): a host that "
                         "stalls QEMU cannot make a selftest's timeout expire early")
    args = ap.parse_args()
    subprocess.run([args.fetch, args.thirdparty], check=True)
    with open(args.list) as f:
        tests = [l.split() for l in f if l.strip() and not l.startswith("#")]
    passed = failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for src, name in tests:
            sdir = os.path.join(args.thirdparty, "selftests")
            exe = os.path.join(tmp, name)
            # -D_GNU_SOURCE= as selftests/lib.mk builds every selftest (proc/'s
            # sources rely on it for CLONE_FILES and friends). A suite's own
            # headers beside its tests' folder are found as its Makefile finds
            # them (futex/functional/Makefile: INCLUDES := -I../include).
            path = os.path.join(sdir, src)
            inc = os.path.join(os.path.dirname(path), "..", "include")
            subprocess.run(["riscv64-linux-gnu-gcc", "-O2", "-static", "-D_GNU_SOURCE=", "-I", sdir]
                           + (["-I", inc] if os.path.isdir(inc) else [])
                           + ["-o", exe, path, "-lpthread"], check=True)
            want = read_expected(os.path.join(HERE, "kselftest", name + ".expected"))
            extra = {l for l in want[:-1] if not TAP.match(l)}
            out, status = run_tine(args, exe, tmp)
            got = tap_lines(out, extra) + [f"exit {status}"]
            if got == want:
                print(f"ok {name} ({len(got)} lines, as Linux)")
                passed += 1
                continue
            failed += 1
            print(f"FAIL {name}: expected (Linux), then Tine's:")
            print("    " + "\n    ".join(want))
            print("    ---")
            print("    " + "\n    ".join(got))
            print("  console tail:\n    " + "\n    ".join(out.rstrip().split("\n")[-12:]))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
