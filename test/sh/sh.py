#!/usr/bin/env python3
"""A BusyBox sh script suite: pipelines, redirections, here-documents,
subshells, $(...), background jobs, wait, trap and kill (test/sh/*.sh).
Each script runs under Debian's riscv64 busybox-static on Tine and under
qemu-riscv64 (Linux); its output (stdout and stderr together) and its exit
status must be the same.

    sh.py --kernel tine.elf --mkinitrd mkinitrd.py --busybox BUSYBOX
          --srcdir test/sh --smp N [--list FILE] [NAME...]

Prints "ok NAME" or "FAIL NAME" with a diff (Linux first), then one line
"N passed, M failed"; exits 1 if anything failed.
"""
import argparse
import difflib
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
# The applets the scripts run as programs (the rest are ash builtins). Tine
# resolves no symbolic links yet: each is a copy of busybox, which picks the
# applet by argv[0].
APPLETS = ["sh", "cat", "seq", "sort", "head", "tail", "tr", "wc", "sleep",
           "true", "false", "sed", "timeout", "mkdir", "rm"]
SCRIPT_TIMEOUT_S = 30

DRIVER = """export PATH={bindir}
cd /
for t in {tests}; do
  echo "=== BEGIN $t"
  timeout -s KILL {timeout} sh "{srcdir}/$t.sh" 2>&1
  echo "=== END $t $?"
done
echo "=== DONE"
"""


def driver(bindir, srcdir, tests):
    return DRIVER.format(bindir=bindir, srcdir=srcdir, tests=" ".join(tests),
                         timeout=SCRIPT_TIMEOUT_S)


def run_tine(args, tests, tmp):
    specs = [f"bin/busybox={args.busybox}"]
    specs += [f"bin/{a}={args.busybox}" for a in APPLETS]
    # ash gives a background job /dev/null as its stdin: until devfs, an
    # empty file (read-only, as the initrd is).
    null = os.path.join(tmp, "null")
    open(null, "w").close()
    specs.append(f"dev/null={null}")
    specs += [f"s/{t}.sh={os.path.join(args.srcdir, t + '.sh')}" for t in tests]
    script = os.path.join(tmp, "driver.sh")
    with open(script, "w") as f:
        f.write(driver("/bin", "/s", tests))
    specs.append(f"s/driver.sh={script}")
    cpio = os.path.join(tmp, "sh.cpio")
    subprocess.run([sys.executable, args.mkinitrd, cpio] + specs, check=True,
                   stdout=subprocess.DEVNULL)
    cmd = ["qemu-system-riscv64", "-M", "virt", "-smp", str(args.smp), "-m", "512M",
           "-nographic", "-no-reboot", "-bios", OPENSBI, "-kernel", args.kernel,
           "-initrd", cpio, "-append", "init=/bin/sh -- /s/driver.sh"]
    limit = SCRIPT_TIMEOUT_S * len(tests) + 60
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=limit)
        return drop_kernel_notes(r.stdout.decode(errors="replace"))
    except subprocess.TimeoutExpired as e:
        return (e.stdout or b"").decode(errors="replace") + "\n(QEMU killed)\n"


def run_linux(args, tests, tmp):
    bindir = os.path.join(tmp, "bin")
    os.mkdir(bindir)
    for a in ["busybox"] + APPLETS:
        os.symlink(os.path.abspath(args.busybox), os.path.join(bindir, a))
    r = subprocess.run(["qemu-riscv64", os.path.join(bindir, "sh"), "-c",
                        driver(bindir, os.path.abspath(args.srcdir), tests)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=SCRIPT_TIMEOUT_S * len(tests) + 60)
    return r.stdout.decode(errors="replace")


def split(console):
    """Each script's output and status line, keyed by name."""
    outputs, cur, lines = {}, None, []
    for line in console.replace("\r\n", "\n").split("\n"):
        m = re.match(r"^=== (BEGIN|END) (\S+)(.*)", line)
        if m and m.group(1) == "BEGIN":
            cur, lines = m.group(2), []
        elif m and cur == m.group(2):
            outputs[cur] = lines + [f"(exit status{m.group(3)})"]
            cur = None
        elif cur is not None:
            lines.append(line)
    return outputs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--mkinitrd", required=True)
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--srcdir", required=True)
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--list", help="a file of NAMEs, one a line (# comments)")
    ap.add_argument("tests", nargs="*")
    args = ap.parse_args()
    if args.list:
        with open(args.list) as f:
            args.tests += [l.strip() for l in f if l.strip() and not l.startswith("#")]
    with tempfile.TemporaryDirectory() as tmp:
        linux = split(run_linux(args, args.tests, tmp))
        tine = split(run_tine(args, args.tests, tmp))
    passed = failed = 0
    for t in args.tests:
        want, got = linux.get(t), tine.get(t)
        if want is None:
            print(f"FAIL {t} (no output under qemu-riscv64)")
        elif got == want:
            print(f"ok {t}")
            passed += 1
            continue
        elif got is None:
            print(f"FAIL {t} (no output on Tine: the boot ended or hung before it)")
        else:
            print(f"FAIL {t}")
            for l in difflib.unified_diff(want, got, "linux", "tine", lineterm=""):
                print("    " + l)
        failed += 1
    print(f"{passed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
