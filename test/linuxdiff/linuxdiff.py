#!/usr/bin/env python3
"""The differential suite: static glibc programs built with the stock
compiler run on Linux (qemu-riscv64, user mode) and on Tine (QEMU virt, all
programs in one boot under runner.c), and each must print the same lines and
end the same way on both.

qemu-user is not a perfect Linux (it runs vfork as a plain fork, for one).
Where it is wrong, NAME.expected beside NAME.c holds what a real Linux
kernel prints; Tine is held to that file and qemu-user is not consulted for
that program. Such a file says in its first line, as a comment starting with
'#', why it exists.

Timing lines can differ on a loaded host, on either side (qemu-riscv64's CPU
clocks are the host's). A program that differs is run once more, alone, on
both sides, and passes only if that second run agrees; its first
difference is still printed. At most MAX_RETRIES programs get a second
run, so a kernel that breaks many programs still fails at once."""
import argparse
import os
import re
import subprocess
import sys
import tempfile

# The kernel's note that a program called a syscall Tine lacks is not the
# program's output: test/kernel_note.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from kernel_note import is_kernel_note  # noqa: E402

OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
MAX_RETRIES = 3


def clean(text):
    return [l.rstrip() for l in text.replace("\r", "").splitlines()]


def linux_transcript(prog, srcdir):
    name = os.path.basename(prog)
    expected = os.path.join(srcdir, name + ".expected")
    if os.path.exists(expected):
        with open(expected) as f:
            lines = [l.rstrip("\n") for l in f if not l.startswith("#")]
        return lines, "real Linux (" + name + ".expected)"
    try:
        r = subprocess.run(["qemu-riscv64", prog], capture_output=True, timeout=120,
                           stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired:
        return ["linux: timed out"], "qemu-riscv64"
    lines = clean(r.stdout.decode(errors="replace"))
    end = f"exit {r.returncode}" if r.returncode >= 0 else f"signal {-r.returncode}"
    return lines + [end], "qemu-riscv64"


def tine_transcripts(kernel, mkinitrd, runner, progs, smp, timeout, extra=(), memory="256M"):
    with tempfile.TemporaryDirectory() as tmp:
        cpio = os.path.join(tmp, "diff.cpio")
        # The names go in a file: the kernel command line is too short for
        # them all (init takes at most 32 arguments, as Linux's).
        names = os.path.join(tmp, "ldlist")
        with open(names, "w") as f:
            f.write("".join(os.path.basename(p) + "\n" for p in progs))
        files = [f"bin/ldrunner={runner}", f"etc/ldlist={names}"]
        files += [f"bin/{os.path.basename(p)}={p}" for p in progs]
        files += list(extra)  # e.g. @busybox-links.txt: /bin/sh for system()
        subprocess.run([sys.executable, mkinitrd, cpio] + files, check=True,
                       capture_output=True)
        cmd = ["qemu-system-riscv64", "-M", "virt", "-smp", str(smp), "-m", memory,
               "-nographic", "-no-reboot", "-bios", OPENSBI, "-kernel", kernel,
               "-initrd", cpio, "-append", "init=/bin/ldrunner"]
        cmd += os.environ.get("TINE_QEMU_EXTRA", "").split()  # e.g. -gdb tcp::1234
        try:
            r = subprocess.run(cmd, stdin=subprocess.DEVNULL, capture_output=True,
                               timeout=timeout)
            out, status = r.stdout.decode(errors="replace"), r.returncode
        except subprocess.TimeoutExpired as e:
            out, status = (e.stdout or b"").decode(errors="replace"), "timeout"
    result, cur = {}, None
    for line in clean(out):
        if is_kernel_note(line):
            continue
        m = re.match(r"@@@ begin (\S+)$", line)
        if m:
            cur = m.group(1)
            result[cur] = []
            continue
        m = re.match(r"@@@ end (\S+) (.*)$", line)
        if m and cur == m.group(1):
            result[cur].append(m.group(2))
            cur = None
            continue
        if cur is not None:
            result[cur].append(line)
    return result, out, status


def print_difference(what, want, got):
    print(f"differs: {what}:")
    for i in range(max(len(got), len(want))):
        a = want[i] if i < len(want) else "<none>"
        b = got[i] if i < len(got) else "<none>"
        mark = "  " if a == b else "!="
        print(f"   {mark} linux: {a!r:50} tine: {b!r}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--mkinitrd", required=True)
    ap.add_argument("--runner", required=True)
    ap.add_argument("--srcdir", required=True)
    ap.add_argument("--smp", default="1")
    ap.add_argument("--timeout", type=int, default=400)
    ap.add_argument("--extra", action="append", default=[],
                    help="another mkinitrd.py spec for the boot (DEST=SRC, @LIST)")
    ap.add_argument("--memory", default="256M", help="the guest's RAM (QEMU -m)")
    ap.add_argument("programs", nargs="+")
    args = ap.parse_args()

    tine, console, status = tine_transcripts(args.kernel, args.mkinitrd, args.runner,
                                             args.programs, args.smp, args.timeout,
                                             args.extra, args.memory)
    failed = passed = retries = 0
    for prog in args.programs:
        name = os.path.basename(prog)
        want, source = linux_transcript(prog, args.srcdir)
        got = tine.get(name)
        if got is None:
            print(f"FAIL {name}: did not run on Tine")
            failed += 1
            continue
        if got != want:
            print_difference(f"{name} (Tine at {args.smp} harts vs {source})", want, got)
            if retries < MAX_RETRIES:
                retries += 1
                want, source = linux_transcript(prog, args.srcdir)
                again, _, _ = tine_transcripts(args.kernel, args.mkinitrd, args.runner, [prog],
                                               args.smp, args.timeout, args.extra, args.memory)
                got = again.get(name)
                if got == want:
                    passed += 1
                    print(f"ok {name} (on a second run, alone: {len(got)} lines, same as {source})")
                    continue
                if got is not None:
                    print_difference(f"{name} (second run, alone)", want, got)
            failed += 1
            print(f"FAIL {name}")
        else:
            passed += 1
            print(f"ok {name} ({len(got)} lines, same as {source})")
    if "@@@ done" not in console:
        print(f"FAIL: Tine did not finish the run (QEMU status {status}); console tail:")
        print("\n".join(console.splitlines()[-30:]))
        failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
