#!/usr/bin/env python3
"""Turns tbprof.so's raw counts into folded stacks and a top-N table.

  tbprof_report.py RAW --kernel tine.elf [--user ELF]... [--vdso vdso.so]
                   [--firmware FW.elf] --folded OUT.folded --top OUT.txt [--top-n 20]

Folded stacks: one line per distinct stack, root first, frames joined by
';', then a space and the instruction count (the format flame graph tools
read). Kernel frames end in '_[k]', firmware frames in '_[fw]'. A user
program's stacks start at a frame '[NAME]': the program exec started, known
by its entry address among the --user ELFs; its frames are that ELF's
symbols (the first --user ELF where no exec was seen), or the vDSO's. The
table lists functions by the instructions executed in them (self) and by the
instructions of every stack they are on (total)."""
import argparse
import collections
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from symbols import Symbols, elf_entry, load_segments  # noqa: E402

USER, KERNEL, FIRMWARE = 0, 1, 2
SUFFIX = {USER: "", KERNEL: "_[k]", FIRMWARE: "_[fw]"}


def read_raw(path):
    meta, nodes, counts = {}, {0: None}, []
    with open(path) as f:
        if f.readline().split() != ["tbprof", "1"]:
            sys.exit(f"tbprof_report: {path} is not tbprof 1 output")
        for line in f:
            t = line.split()
            if t[0] == "node":
                nodes[int(t[1])] = (int(t[2]), t[3], int(t[4]), int(t[5], 16))
            elif t[0] == "count":
                counts.append((int(t[1]), int(t[2], 16), int(t[3])))
            else:
                meta[t[0]] = int(t[1])
    return meta, nodes, counts


VDSO_BASE = 0x3f00001000  # core/proc/vdso.h: kVdsoDataAddr, the image a page above


class Resolver:
    def __init__(self, kernel, users, vdso, firmware):
        self.kernel = Symbols(kernel)
        # Before paging the kernel runs at its physical (load) address.
        self.kphys = [(p, p + sz, v - p) for v, p, sz in load_segments(kernel) if v != p]
        self.users = [(elf_entry(u), os.path.basename(u), Symbols(u)) for u in users]
        self.vdso = Symbols(vdso, offset=VDSO_BASE) if vdso else None
        self.firmware = Symbols(firmware) if firmware else None

    def image(self, entry):
        """The --user ELF whose entry is `entry`, or None."""
        for i, (e, _, _) in enumerate(self.users):
            if e == entry:
                return i
        return None

    def image_name(self, entry):
        i = self.image(entry)
        return "[%s]" % (self.users[i][1] if i is not None else "exec %#x" % entry)

    def name(self, addr, domain, image=0):
        if domain == KERNEL:
            for lo, hi, off in self.kphys:
                if lo <= addr < hi:
                    addr += off
                    break
            n = self.kernel.lookup(addr)
        elif domain == FIRMWARE:
            n = self.firmware.lookup(addr) if self.firmware else None
            n = n or "[opensbi]"
        else:
            n = self.vdso.lookup(addr) if self.vdso else None
            if n is None and image is not None and image < len(self.users):
                n = self.users[image][2].lookup(addr)
        if n is None:
            n = "[kernel %#x]" % addr if domain == KERNEL else "[user %#x]" % (addr & ~0xfff)
        return n + SUFFIX[domain]


def domain_of(pc, meta):
    """As the plugin's domain_of."""
    if pc >= 0xffffffc000000000 or any(lo <= pc < hi for lo, hi in meta["kphys"]):
        return KERNEL
    if any(lo <= pc < hi for lo, hi in meta["fw"]):
        return FIRMWARE
    return USER


def folded_stacks(meta, nodes, counts, res):
    """Counter of frame tuples; a node's frames and its program's image are
    worked out once."""
    memo = {0: ((), 0)}

    def stack(node):
        chain = []
        while node not in memo:
            chain.append(node)
            node = nodes[node][0]
        base, image = memo[node]
        for nd in reversed(chain):
            _, kind, dom, site = nodes[nd]
            if kind == "e":
                image = res.image(site)
                base = (res.image_name(site),)
            elif kind == "p":
                base = ("[exec]",)
            else:
                base = base + (res.name(site, dom, image),)
            memo[nd] = (base, image)
        return memo[node if not chain else chain[0]]

    folded = collections.Counter()
    for node, pc, n in counts:
        frames, image = stack(node)
        folded[frames + (res.name(pc, domain_of(pc, meta), image),)] += n
    return folded


def short(name, width=100):
    """C++ template names run to hundreds of characters: the table cuts them."""
    return name if len(name) <= width else name[:width - 3] + "..."


def top_table(folded, total, n):
    self_c, total_c = collections.Counter(), collections.Counter()
    for st, c in folded.items():
        self_c[st[-1]] += c
        for fn in set(st):
            total_c[fn] += c
    lines = [f"instructions: {total:,}", "",
             f"top {n} by self (instructions executed in the function)",
             f"{'instructions':>14} {'%':>6}  symbol"]
    for fn, c in self_c.most_common(n):
        lines.append(f"{c:>14,} {100.0 * c / total:>6.2f}  {short(fn)}")
    lines += ["", f"top {n} by total (instructions under the function, itself included)",
              f"{'instructions':>14} {'%':>6}  symbol"]
    for fn, c in total_c.most_common(n):
        lines.append(f"{c:>14,} {100.0 * c / total:>6.2f}  {short(fn)}")
    return "\n".join(lines) + "\n"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("raw")
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--user", action="append", default=[],
                    help="a user program that may run (the profiled one first)")
    ap.add_argument("--vdso")
    ap.add_argument("--firmware")
    ap.add_argument("--kphys", default="0-0", help="LO-HI as given to the plugin")
    ap.add_argument("--fw", action="append", default=[], help="LO-HI as given to the plugin")
    ap.add_argument("--folded", required=True)
    ap.add_argument("--top", required=True)
    ap.add_argument("--top-n", type=int, default=20)
    ap.add_argument("--focus", help="keep only the stacks with this frame (e.g. '[forkbench]': "
                    "the program and its children, kernel work on their behalf included)")
    a = ap.parse_args()
    meta, nodes, counts = read_raw(a.raw)
    meta["kphys"] = [tuple(int(x, 0) for x in a.kphys.split("-"))]
    meta["fw"] = [tuple(int(x, 0) for x in r.split("-")) for r in a.fw]
    folded = folded_stacks(meta, nodes, counts, Resolver(a.kernel, a.user, a.vdso, a.firmware))
    attributed = sum(folded.values())
    if attributed != meta["total"]:
        sys.exit(f"tbprof_report: {attributed} instructions attributed of {meta['total']}")
    head = f"instructions of the run: {meta['total']:,}\n"
    if a.focus:
        folded = collections.Counter({st: c for st, c in folded.items() if a.focus in st})
        head += f"focus: stacks through {a.focus}\n"
    with open(a.folded, "w") as f:
        for st, c in sorted(folded.items()):
            f.write(";".join(st) + f" {c}\n")
    with open(a.top, "w") as f:
        f.write(head)
        f.write(top_table(folded, sum(folded.values()) or 1, a.top_n))
        f.write(f"\n(stack tracking: {meta.get('unmatched_returns', 0):,} returns matched no "
                f"frame, {meta.get('overflow_pushes', 0):,} pushes past the depth limit)\n")


if __name__ == "__main__":
    main()
