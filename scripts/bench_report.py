#!/usr/bin/env python3
"""Turns scripts/bench's output into Markdown tables and a gnuplot PNG.

    bench_report.py OUTDIR

OUTDIR (docs/bench) holds glibc.txt (the anchors' glibc forkbench and the
boot line), cow.txt (cowbench), intree.txt (the in-tree forkbench) and,
mem.txt (procmem: pages a forked child costs) and, optionally, linux.txt
and linux-mem.txt (figures measured on Linux 6.12 with `scripts/bench -L`:
they fill in what the anchors lack). Linux's figures (../shared/anchors.md, QEMU 7.2 virt, -smp 1
-icount shift=0) go beside the glibc binary's only: the in-tree binary is
a different program. Writes forkbench.md and forkbench.png."""
import os
import subprocess
import sys

# Guest instructions per operation from shared/anchors.md.
LINUX = {
    ("fork", 0): 108578, ("fork", 1): 184756, ("fork", 4): 410411,
    ("fork", 16): 1299025, ("fork", 64): 4839050,
    ("vfork", 0): 29553, ("vfork", 64): 32000,
    ("forkexec", 0): 305516, ("forkexec", 1): 382562, ("forkexec", 4): 604870,
    ("forkexec", 16): 1496144, ("forkexec", 64): 5038100,
    ("vforkexec", 0): 216473, ("vforkexec", 64): 224744,
    ("spawn", 0): 310667, ("spawn", 64): 315769,
    ("null", 0): 216, ("pipe", 0): 8026, ("boot", 0): 27600000,
}
# Issue 11's targets.
TARGET = {
    ("fork", 0): "≤ 30,000", ("fork", 64): "≤ 60,000",
    ("vfork", 0): "≤ 8,000", ("forkexec", 0): "≤ 90,000",
    ("vforkexec", 0): "≤ 60,000", ("spawn", 0): "≤ 80,000",
    ("null", 0): "≤ 120", ("pipe", 0): "≤ 2,500", ("boot", 0): "≤ 1,000,000",
    ("cow", 64): "≤ Linux / 2",
}
# Issue 11's rows, in its order.
ISSUE_ROWS = [
    (("fork", 0), "fork + _exit + wait, parent 0 MiB"),
    (("fork", 64), "fork + _exit + wait, parent 64 MiB touched"),
    (("vfork", 0), "vfork + _exit + wait (glibc vfork = 3BSD)"),
    (("forkexec", 0), "fork + execve + wait, 0 MiB"),
    (("vforkexec", 0), "vfork + execve + wait"),
    (("spawn", 0), "glibc posix_spawn + wait"),
    (("null", 0), "null syscall (getppid)"),
    (("pipe", 0), "pipe ping-pong round trip"),
    (("boot", 0), "kernel entry → first user instruction of init"),
    (("cow", 64), "a page fault that breaks COW (per page; cowbench, 64 MiB)"),
    (("cowlast", 64), "a COW fault on the last reference (per page; cowbench)"),
]
NAMES = {
    "fork": "fork + _exit + wait",
    "vfork": "3BSD vfork (shared VM) + _exit + wait",
    "vfork44": "4.4BSD vfork (copied VM) + _exit + wait",
    "forkexec": "fork + execve + wait",
    "vforkexec": "vfork + execve + wait",
    "spawn": "posix_spawn + wait",
    "null": "getppid (null syscall)",
    "pipe": "pipe ping-pong round trip",
    "thread": "pthread_create + join",
    "forkT1": "fork + _exit + wait, 1 thread alive",
    "forkT8": "fork + _exit + wait, 8 threads alive",
    "forkT64": "fork + _exit + wait, 64 threads alive",
}


def read_rows(path):
    """{(mode, MiB): instructions per operation} from forkbench lines."""
    rows = {}
    if not os.path.exists(path):
        return rows
    for line in open(path):
        parts = line.split()
        if len(parts) == 4 and not line.startswith("#"):
            rows[(parts[0], int(parts[1]))] = float(parts[3])
    return rows


def read_mem(path):
    """{part: pages per child} from procmem's lines."""
    parts = {}
    if not os.path.exists(path):
        return parts
    for line in open(path):
        words = line.split()
        if len(words) == 3 and words[2] == "pages":
            parts[words[0]] = float(words[1])
    return parts


MEM_PARTS = [
    ("total", "all of it (MemFree's fall)"),
    ("user", "the child's own pages (AnonPages)"),
    ("kernel", "the kernel's side (total - user)"),
    ("kstack", "kernel stack (KernelStack)"),
    ("ptables", "page tables (PageTables)"),
    ("slab", "kernel heap (Slab)"),
]


def mem_table(tine, linux):
    md = ["| pages per forked child | Tine | Linux 6.12 |", "| --- | ---: | ---: |"]
    for key, name in MEM_PARTS:
        t = f"{tine[key]:.2f}" if key in tine else "(not counted)"
        l = f"{linux[key]:.2f}" if key in linux else "(not measured)"
        md.append(f"| {name} | {t} | {l} |")
    return md


def fmt(v):
    return "" if v is None else f"{v:,.0f}"


def size_table(rows, linux):
    sizes = sorted({s for (m, s) in rows if m in NAMES})
    modes = [m for m in NAMES if any(k[0] == m for k in rows)]
    md = ["| mode | " + " | ".join(f"{s} MiB" for s in sizes) + " |",
          "| --- |" + " ---: |" * len(sizes)]
    for m in modes:
        cells = []
        for s in sizes:
            v = rows.get((m, s))
            t = fmt(v)
            if v is not None and linux and (m, s) in linux:
                t += f" (Linux {linux[(m, s)]:,})"
            cells.append(t)
        md.append(f"| {NAMES[m]} | " + " | ".join(cells) + " |")
    return md


def main():
    outdir = sys.argv[1]
    glibc = read_rows(os.path.join(outdir, "glibc.txt"))
    glibc.update(read_rows(os.path.join(outdir, "cow.txt")))
    intree = read_rows(os.path.join(outdir, "intree.txt"))
    linux = dict(LINUX)
    for k, v in read_rows(os.path.join(outdir, "linux.txt")).items():
        linux.setdefault(k, round(v))

    md = ["Issue 11's table: the anchors' glibc forkbench (cowbench for the "
          "COW rows), instructions per operation",
          "",
          "| operation | Tine | Linux 6.12 | target |",
          "| --- | ---: | ---: | ---: |"]
    for key, name in ISSUE_ROWS:
        lin = linux.get(key)
        md.append(f"| {name} | {fmt(glibc.get(key))} | "
                  f"{'≈ ' if key == ('boot', 0) else ''}{fmt(lin) or '(not measured)'} | "
                  f"{TARGET.get(key, '')} |")
    tine_mem = read_mem(os.path.join(outdir, "mem.txt"))
    if tine_mem:
        md += ["", "The memory a process costs: userland/bench/procmem (the same "
               "binary on both) forks 200 children that block at once in "
               "read(); /proc/meminfo before and after, per child, in 4 KiB pages:", ""]
        md += mem_table(tine_mem, read_mem(os.path.join(outdir, "linux-mem.txt")))
    md += ["", "The glibc binary by parent size (Linux beside it):", ""]
    md += size_table(glibc, linux)
    md += ["", "The in-tree forkbench (userland/bench/forkbench.c: another "
           "build of the same code, plus vfork44 and thread; no Linux figures "
           "beside it):", ""]
    md += size_table(intree, None)
    with open(os.path.join(outdir, "forkbench.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))

    sizes = sorted({s for (m, s) in glibc if m in NAMES})
    data = os.path.join(outdir, "forkbench.dat")
    with open(data, "w") as f:
        for s in sizes:
            vals = [glibc.get((m, s), float("nan"))
                    for m in ("fork", "vfork", "forkexec", "vforkexec", "spawn")]
            lin = [linux.get((m, s), float("nan")) for m in ("fork", "forkexec")]
            f.write(f"{s} " + " ".join(str(v) for v in vals + lin) + "\n")
    script = f"""
set terminal pngcairo size 900,560 noenhanced
set output '{os.path.join(outdir, "forkbench.png")}'
set title 'Process creation, the anchors glibc forkbench: QEMU virt, 1 hart, -icount shift=0'
set xlabel "parent's touched memory (MiB)"
set ylabel 'guest instructions per operation'
set logscale y
set key top left
set grid
plot '{data}' using 1:2 with linespoints title 'Tine fork', \\
     '' using 1:3 with linespoints title 'Tine vfork', \\
     '' using 1:4 with linespoints title 'Tine fork+exec', \\
     '' using 1:5 with linespoints title 'Tine vfork+exec', \\
     '' using 1:6 with linespoints title 'Tine posix_spawn', \\
     '' using 1:7 with linespoints dashtype 2 title 'Linux fork', \\
     '' using 1:8 with linespoints dashtype 2 title 'Linux fork+exec'
"""
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    os.remove(data)


if __name__ == "__main__":
    main()
