#!/usr/bin/env python3
"""BusyBox's own shell tests on Tine: Debian's riscv64 busybox-static runs
the scripts of BusyBox's test suite (shell/ash_test, from Debian's busybox
source package) in one boot, and each script's output must equal the
NAME.right file the suite ships, which is what Linux gives.

    ash.py --kernel tine.elf --mkinitrd mkinitrd.py --fetch fetch-thirdparty
           --thirdparty DIR --smp N [--linux] [--list FILE] TEST...

TEST is a script's path under ash_test without ".tests" (ash-signals/catch).
With --linux the same driver runs under qemu-riscv64 instead of Tine: the
suite's reference, to see which scripts Linux-through-qemu-user passes.
Prints "ok NAME" or "FAIL NAME" and a diff per script, then one line
"N passed, M failed"; exits 1 if anything failed.
"""
import argparse
import difflib
import os
import re
import shutil
import subprocess
import sys
import tempfile

OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
# The applets the scripts run as programs (the rest are ash builtins). Tine's
# initrd has no links yet: each is a copy of busybox, which picks the applet
# by argv[0].
APPLETS = ["sh", "sleep", "cat", "grep", "sed", "timeout", "true", "false"]
# Per script: a hung script is killed (SIGKILL: the scripts trap TERM) and
# shows as a failure.
SCRIPT_TIMEOUT_S = 20

DRIVER = """export PATH=/bin
export THIS_SH=/bin/sh
for t in {tests}; do
  cd "{root}/$(dirname $t)"
  echo "=== BEGIN $t"
  timeout -s KILL {timeout} sh "./$(basename $t).tests" 2>&1
  echo "=== END $t $?"
done
echo "=== DONE"
"""


def driver(root, tests):
    return DRIVER.format(tests=" ".join(tests), root=root, timeout=SCRIPT_TIMEOUT_S)


def run_tine(args, tests, tmp):
    specs = [f"bin/busybox={args.thirdparty}/busybox"]
    specs += [f"bin/{a}={args.thirdparty}/busybox" for a in APPLETS]
    null = os.path.join(tmp, "null")
    open(null, "w").close()
    specs.append(f"dev/null={null}")  # read-only and empty until /dev exists
    for t in tests:
        src = os.path.join(args.thirdparty, "ash_test", t + ".tests")
        specs.append(f"t/{t}.tests={src}")
    script = os.path.join(tmp, "driver.sh")
    with open(script, "w") as f:
        f.write(driver("/t", tests))
    specs.append(f"t/driver.sh={script}")
    cpio = os.path.join(tmp, "user.cpio")
    subprocess.run([sys.executable, args.mkinitrd, cpio] + specs, check=True,
                   stdout=subprocess.DEVNULL)
    cmd = ["qemu-system-riscv64", "-M", "virt", "-smp", str(args.smp), "-m", "512M",
           "-nographic", "-no-reboot", "-bios", OPENSBI, "-kernel", args.kernel,
           "-initrd", cpio, "-append", "init=/bin/sh -- /t/driver.sh"]
    if args.icount:
        cmd += ["-icount", "shift=0,align=off,sleep=off"]
    cmd += os.environ.get("TINE_QEMU_EXTRA", "").split()  # e.g. -gdb tcp::1234
    limit = SCRIPT_TIMEOUT_S * len(tests) + 60
    try:
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=limit)
        return r.stdout.decode(errors="replace")
    except subprocess.TimeoutExpired as e:
        out = (e.stdout or b"").decode(errors="replace")
        return out + f"\n(tine: QEMU killed after {limit} s)\n"


def run_linux(args, tests, tmp):
    bindir = os.path.join(tmp, "bin")
    os.mkdir(bindir)
    for a in ["busybox"] + APPLETS:
        os.symlink(os.path.abspath(os.path.join(args.thirdparty, "busybox")),
                   os.path.join(bindir, a))
    root = os.path.join(args.thirdparty, "ash_test")
    script = driver(root, tests).replace("export PATH=/bin", f"export PATH={bindir}")
    script = script.replace("THIS_SH=/bin/sh", f"THIS_SH={bindir}/sh")
    r = subprocess.run(["qemu-riscv64", os.path.join(bindir, "sh"), "-c", script],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, timeout=SCRIPT_TIMEOUT_S * len(tests) + 60)
    return r.stdout.decode(errors="replace")


def split(console):
    """The output of each script, keyed by name, from the console log."""
    outputs, cur, lines = {}, None, []
    for line in console.replace("\r\n", "\n").split("\n"):
        m = re.match(r"^=== (BEGIN|END) (\S+)", line)
        if m and m.group(1) == "BEGIN":
            cur, lines = m.group(2), []
        elif m and cur:
            outputs[cur] = "\n".join(lines)
            cur = None
        elif cur is not None:
            lines.append(line)
    return outputs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel")
    ap.add_argument("--mkinitrd")
    ap.add_argument("--fetch", required=True)
    ap.add_argument("--thirdparty", required=True)
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--linux", action="store_true")
    ap.add_argument("--icount", action="store_true",
                    help="guest time counts instructions (one per ns), not the host's clock")
    ap.add_argument("--list", help="a file of TESTs, one per line (# comments)")
    ap.add_argument("tests", nargs="*")
    args = ap.parse_args()
    if args.list:
        with open(args.list) as f:
            args.tests += [l.strip() for l in f if l.strip() and not l.startswith("#")]
    subprocess.run([args.fetch, args.thirdparty], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        console = (run_linux if args.linux else run_tine)(args, args.tests, tmp)
    outputs = split(console)
    passed = failed = 0
    for t in args.tests:
        with open(os.path.join(args.thirdparty, "ash_test", t + ".right")) as f:
            want = f.read().rstrip("\n")
        got = outputs.get(t)
        if got is not None and got.rstrip("\n") == want:
            print(f"ok {t}")
            passed += 1
            continue
        failed += 1
        print(f"FAIL {t}" + (" (no output: the boot ended or hung before it)" if got is None else ""))
        if got is not None:
            for d in difflib.unified_diff(want.split("\n"), got.rstrip("\n").split("\n"),
                                          "linux", "tine", lineterm="", n=1):
                print("    " + d)
    if "=== DONE" not in console:
        print("console tail:\n" + "\n".join(console.rstrip().split("\n")[-15:]))
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
