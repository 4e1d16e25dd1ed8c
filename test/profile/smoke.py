#!/usr/bin/env python3
"""profile-smoke: scripts/profile on spin.c's program, and its output checked:

- every instruction the plugin counted is in the folded stacks (the report
  refuses otherwise; the sum is checked again here);
- spin(), a loop of known length, has 2 * 1,000,000 instructions of its own
  and a few more (its return and the constant), not one fewer;
- that count agrees with QEMU's own: under -icount shift=0 the guest clock
  is the instruction count, and the program reads the timer (10 MHz on
  virt: 100 instructions a tick) around spin(), so ticks * 100 is spin's
  count to within a tick or two;
- spin's one stack is [PROGRAM];_start;spin (the exec frame, its caller);
- the write() system call reaches the kernel's trap entry and the write
  handler on stacks that start in the program: [PROGRAM];_start;sys3;...
- the top table and the flame graph SVG are written.

    smoke.py --profile scripts/profile --prog spin --out DIR
"""
import argparse
import os
import re
import subprocess
import sys

ITERS = 1000000
NS_PER_TICK = 100  # virt's timebase is 10 MHz; under -icount shift=0, 1 ns = 1 instruction


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--profile", required=True)
    ap.add_argument("--prog", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--smp", default="1")
    a = ap.parse_args()
    cmd = [a.profile, "--smp", a.smp, "--timeout", "120", "--out", a.out, a.prog]
    print("$ " + " ".join(cmd), flush=True)
    env = dict(os.environ, TINE_NO_BUILD="1")
    r = subprocess.run(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, env=env, timeout=170)
    out = r.stdout.decode(errors="replace").replace("\r", "")
    print(out)
    failures = []
    if r.returncode != 0:
        failures.append(f"scripts/profile exit status {r.returncode}, want 0")
    m = re.search(r"spin: ticks (\d+)", out)
    if not m:
        failures.append("the program's output is missing")
    total = None
    raw = os.path.join(a.out, "raw.txt")
    if os.path.exists(raw):
        for line in open(raw):
            if line.startswith("total "):
                total = int(line.split()[1])
    folded = {}
    path = os.path.join(a.out, "profile.folded")
    if os.path.exists(path):
        for line in open(path):
            stack, _, n = line.rstrip("\n").rpartition(" ")
            folded[stack] = folded.get(stack, 0) + int(n)
    attributed = sum(folded.values())
    if not total or attributed != total:
        failures.append(f"{attributed} instructions in the folded stacks, plugin counted {total}")
    spin = sum(n for st, n in folded.items() if st.split(";")[-1].startswith("spin"))
    print(f"spin: {spin} instructions of its own, loop {2 * ITERS}")
    if not 2 * ITERS < spin <= 2 * ITERS + 8:
        failures.append(f"spin has {spin} instructions, want {2 * ITERS} + at most 8")
    if m:
        qemu = int(m.group(1)) * NS_PER_TICK
        print(f"QEMU's clock over spin(): {qemu} instructions")
        if abs(qemu - spin) > 2 * NS_PER_TICK:
            failures.append(f"spin has {spin} instructions, QEMU's clock says {qemu}")
    spin_stacks = [st.split(";") for st in folded if st.split(";")[-1].startswith("spin")]
    if (len(spin_stacks) != 1 or len(spin_stacks[0]) != 3 or
            not spin_stacks[0][0].startswith("[") or spin_stacks[0][1] != "_start"):
        failures.append(f"spin's stacks: {spin_stacks}, want one [PROGRAM];_start;spin")
    stacks = [st.split(";") for st in folded]
    syscall = [f for f in stacks if len(f) > 3 and f[1] == "_start" and f[2].startswith("sys3")]
    for want in ("trap_entry_[k]", "tine::syscall_dispatch_[k]", "tine::linux_sys_write_[k]"):
        if not any(want in st for st in syscall):
            failures.append(f"no stack [PROGRAM];_start;sys3;...;{want}")
    for f in ("top.txt", "profile.svg"):
        p = os.path.join(a.out, f)
        if not os.path.exists(p) or os.path.getsize(p) == 0:
            failures.append(f"{f} not written")
    if os.path.exists(os.path.join(a.out, "profile.svg")):
        svg = open(os.path.join(a.out, "profile.svg")).read()
        if "<svg" not in svg or "tine::kmain_[k]" not in svg or "spin" not in svg:
            failures.append("profile.svg lacks the kmain_[k] or the spin frames")
    for f in failures:
        print("FAIL: " + f)
    print(f"profile-smoke: {'FAIL' if failures else 'PASS'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
