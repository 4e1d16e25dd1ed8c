#!/usr/bin/env python3
"""BusyBox's own shell tests on Tine: Debian's riscv64 busybox-static runs
the scripts of BusyBox's test suite (shell/ash_test, from Debian's busybox
source package) in one boot, and each script's output must equal the
NAME.right file the suite ships, which is what Linux gives.

    ash.py --kernel tine.elf --mkinitrd mkinitrd.py --fetch fetch-thirdparty
           --thirdparty DIR --smp N [--linux] [--list FILE [--section S]]
           [--console LOG] TEST...

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

# The kernel's note that a program called a syscall Tine lacks is not the
# program's output: test/kernel_note.py.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
from kernel_note import drop_kernel_notes  # noqa: E402

OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
# The suite's helper programs (run-all builds them with the host's gcc): here
# static riscv64 glibc programs, on PATH after the applets' folder but not in
# it, as run-all has them in the test folder ("command -p -V recho" must not
# find them).
HELPERS = ["recho", "zecho", "printenv"]
# ~root expands to root's home (var-expand-tilde-in-parameter-expansion), as
# on the Linux the .right files come from.
PASSWD = "root:x:0:0:root:/root:/bin/sh\n"
# Per script: a hung script is killed (SIGKILL: the scripts trap TERM) and
# shows as a failure.
SCRIPT_TIMEOUT_S = 20

# As run-all: the script's shell is "ash" (its messages name it), C-library
# locale variables unset, the .config's FEATURE_FANCY_ECHO (which Debian's
# build has) exported, stdin not a terminal. The output is compared after
# run-all's two filters (see filtered()). Status 77 is run-all's "skip".
DRIVER = """export PATH=/bin:/t/bin
export THIS_SH=/bin/ash
export CONFIG_FEATURE_FANCY_ECHO=y
unset LANG LANGUAGE LC_COLLATE LC_CTYPE LC_MONETARY LC_MESSAGES LC_NUMERIC LC_TIME LC_ALL
for t in {tests}; do
  cd "{root}/${{t%/*}}"
  echo "=== BEGIN $t"
  timeout -s KILL {timeout} ash "./${{t##*/}}.tests" 2>&1 </dev/null
  echo "=== END $t $?"
done
echo "=== DONE"
"""


def driver(root, bindir, helpers, tests):
    return DRIVER.format(tests=" ".join(tests), root=root, timeout=SCRIPT_TIMEOUT_S).replace(
        "PATH=/bin:/t/bin", f"PATH={bindir}:{helpers}").replace("THIS_SH=/bin/", f"THIS_SH={bindir}/")


def applets(args):
    """The applets of the busybox under test (busybox --list), each run as a
    link to busybox, as the image's /bin."""
    r = subprocess.run(["qemu-riscv64", os.path.join(args.thirdparty, "busybox"), "--list"],
                       stdout=subprocess.PIPE, check=True)
    # Not /bin/init: the image's init (which runs the init= program) stays.
    return [a for a in r.stdout.decode().split() if a not in ("busybox", "init")]


def build_helpers(args, tmp):
    out = {}
    for h in HELPERS:
        exe = os.path.join(tmp, h)
        subprocess.run(["riscv64-linux-gnu-gcc", "-O2", "-static", "-std=gnu89", "-w",
                        "-o", exe, os.path.join(args.thirdparty, "ash_test", h + ".c")],
                       check=True)
        out[h] = exe
    return out


def suite_files(args, tests):
    """Every file of the scripts' folders: some scripts source or run their
    neighbours (arith1.sub...), some read their own .right (redir6)."""
    files = []
    for d in sorted({t.split("/")[0] for t in tests}):
        src = os.path.join(args.thirdparty, "ash_test", d)
        files += [(f"{d}/{f}", os.path.join(src, f)) for f in sorted(os.listdir(src))]
    return files


def run_tine(args, tests, tmp):
    specs = [f"bin/busybox={args.thirdparty}/busybox"]
    specs += [f"bin/{a}->busybox" for a in applets(args)]
    specs += [f"t/bin/{h}={exe}" for h, exe in build_helpers(args, tmp).items()]
    specs += [f"t/{rel}={src}" for rel, src in suite_files(args, tests)]
    passwd = os.path.join(tmp, "passwd")
    with open(passwd, "w") as f:
        f.write(PASSWD)
    specs.append(f"etc/passwd={passwd}")
    script = os.path.join(tmp, "driver.sh")
    with open(script, "w") as f:
        f.write(driver("/t", "/bin", "/t/bin", tests))
    specs.append(f"t/driver.sh={script}")
    speclist = os.path.join(tmp, "specs")
    with open(speclist, "w") as f:
        f.write("\n".join(specs) + "\n")
    cpio = os.path.join(tmp, "user.cpio")
    subprocess.run([sys.executable, args.mkinitrd, cpio, "@" + speclist], check=True,
                   stdout=subprocess.DEVNULL)
    cmd = ["qemu-system-riscv64", "-M", "virt", "-smp", str(args.smp), "-m", "512M",
           "-nographic", "-no-reboot", "-bios", OPENSBI, "-kernel", args.kernel,
           "-initrd", cpio, "-append", "init=/bin/ash -- /t/driver.sh"]
    if args.icount:
        cmd += ["-icount", "shift=0,align=off,sleep=off"]
    cmd += os.environ.get("TINE_QEMU_EXTRA", "").split()  # e.g. -gdb tcp::1234
    limit = SCRIPT_TIMEOUT_S * len(tests) + 60
    # The console goes to a file as it comes (--console: one to watch).
    log = args.console or os.path.join(tmp, "console")
    with open(log, "wb") as out:
        try:
            subprocess.run(cmd, stdout=out, stderr=subprocess.STDOUT,
                           stdin=subprocess.DEVNULL, timeout=limit)
            killed = ""
        except subprocess.TimeoutExpired:
            killed = f"\n(tine: QEMU killed after {limit} s)\n"
    with open(log, "rb") as f:
        return drop_kernel_notes(f.read().decode(errors="replace")) + killed


def run_linux(args, tests, tmp):
    bindir = os.path.join(tmp, "bin")
    os.mkdir(bindir)
    for a in ["busybox"] + applets(args):
        os.symlink(os.path.abspath(os.path.join(args.thirdparty, "busybox")),
                   os.path.join(bindir, a))
    hdir = os.path.join(tmp, "helpers")
    os.mkdir(hdir)
    for h, exe in build_helpers(args, tmp).items():
        os.rename(exe, os.path.join(hdir, h))
    root = os.path.join(tmp, "t")
    for rel, src in suite_files(args, tests):
        os.makedirs(os.path.dirname(os.path.join(root, rel)), exist_ok=True)
        shutil.copy2(src, os.path.join(root, rel))
    r = subprocess.run(["qemu-riscv64", os.path.join(bindir, "ash"), "-c",
                        driver(root, bindir, hdir, tests)],
                       stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                       stdin=subprocess.DEVNULL, cwd=root,
                       timeout=SCRIPT_TIMEOUT_S * len(tests) + 60)
    return r.stdout.decode(errors="replace")


def split(console):
    """The output and exit status of each script, keyed by name, from the
    console log."""
    outputs, cur, lines = {}, None, []
    for line in console.replace("\r\n", "\n").split("\n"):
        m = re.match(r"^=== (BEGIN|END) (\S+)(?: (\d+))?", line)
        if m and m.group(1) == "BEGIN":
            cur, lines = m.group(2), []
        elif m and cur:
            outputs[cur] = ("\n".join(lines), int(m.group(3) or -1))
            cur = None
        elif cur is not None:
            lines.append(line)
    return outputs


def filtered(out):
    """run-all's filters of C-library differences: no "using fallback suid
    method" line, no quotes in "invalid option" messages."""
    lines = [l for l in out.split("\n") if l != "ash: using fallback suid method"]
    return "\n".join(l.replace("'", "") if ": invalid option " in l else l for l in lines)


def read_list(path, section):
    """The TESTs of one section of a list: a "[NAME]" line starts section
    NAME; the lines before the first are section "signals"."""
    tests, cur = [], "signals"
    with open(path) as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            if line.startswith("[") and line.endswith("]"):
                cur = line[1:-1]
            elif cur == section:
                tests.append(line)
    return tests


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
    ap.add_argument("--section", default="signals",
                    help="the part of the --list to run: the lines after its [SECTION] line")
    ap.add_argument("--console", help="Tine's console log goes to this file as it comes")
    ap.add_argument("--verbose", action="store_true", help="print the console log")
    ap.add_argument("--set-aside", action="append", default=[], metavar="TEST",
                    help="leave TEST out of this run (the caller says why)")
    ap.add_argument("tests", nargs="*")
    args = ap.parse_args()
    if args.list:
        args.tests += read_list(args.list, args.section)
    args.tests = [t for t in args.tests if t not in args.set_aside]
    subprocess.run([args.fetch, args.thirdparty], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        console = (run_linux if args.linux else run_tine)(args, args.tests, tmp)
    outputs = split(console)
    if args.verbose:
        print(console)
    passed = failed = 0
    for t in args.tests:
        with open(os.path.join(args.thirdparty, "ash_test", t + ".right"),
                  errors="replace") as f:
            want = f.read().rstrip("\n")
        got, status = outputs.get(t, (None, None))
        if got is not None:
            got = filtered(got)
        if status == 77:
            print(f"skip {t} (exit 77: a feature the busybox build lacks)")
            failed += 1
            continue
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
