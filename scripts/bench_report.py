#!/usr/bin/env python3
"""Turns forkbench output into a Markdown table beside the anchors
(../shared/anchors.md: Linux 6.12 and xv6 on the same emulator) and a
gnuplot PNG of instructions per operation against the parent's memory.

    bench_report.py FORKBENCH.TXT OUTDIR [LINUX.TXT]

LINUX.TXT (docs/bench/linux.txt, written by `scripts/bench -L`) holds
figures measured on Linux 6.12 with scripts/linux-ref, in forkbench's
format; they fill in what the anchors lack (threads). Nothing here runs
Linux."""
import os
import subprocess
import sys

# Guest instructions per operation from shared/anchors.md (QEMU 7.2 virt,
# -smp 1 -icount shift=0).
LINUX = {
    ("fork", 0): 108578, ("fork", 1): 184756, ("fork", 4): 410411,
    ("fork", 16): 1299025, ("fork", 64): 4839050,
    ("vfork", 0): 29553, ("vfork", 64): 32000,
    ("forkexec", 0): 305516, ("forkexec", 1): 382562, ("forkexec", 4): 604870,
    ("forkexec", 16): 1496144, ("forkexec", 64): 5038100,
    ("vforkexec", 0): 216473, ("vforkexec", 64): 224744,
    ("null", 0): 216, ("pipe", 0): 8026,
}
XV6 = {("fork", 0): 518866, ("fork", 1): 12238602, ("fork", 4): 47480313,
       ("fork", 16): 188346748}
NAMES = {
    "fork": "fork + _exit + wait",
    "vfork": "3BSD vfork (shared VM) + _exit + wait",
    "vfork44": "4.4BSD vfork (copied VM) + _exit + wait",
    "forkexec": "fork + execve + wait",
    "vforkexec": "vfork + execve + wait",
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
    for line in open(path):
        parts = line.split()
        if len(parts) == 4 and not line.startswith("#"):
            rows[(parts[0], int(parts[1]))] = float(parts[3])
    return rows


def main():
    src, outdir = sys.argv[1], sys.argv[2]
    rows = read_rows(src)
    if len(sys.argv) > 3 and os.path.exists(sys.argv[3]):
        for k, v in read_rows(sys.argv[3]).items():
            LINUX.setdefault(k, round(v))
    sizes = sorted({s for (_, s) in rows})
    modes = [m for m in NAMES if any(k[0] == m for k in rows)]
    md = ["| mode | " + " | ".join(f"{s} MiB" for s in sizes) + " |",
          "| --- |" + " ---: |" * len(sizes)]
    for m in modes:
        cells = []
        for s in sizes:
            v = rows.get((m, s))
            t = f"{v:,.0f}" if v is not None else ""
            ref = LINUX.get((m, s))
            if v is not None and ref:
                t += f" (Linux {ref:,})"
            if v is not None and (m, s) in XV6:
                t += f" (xv6 {XV6[(m, s)]:,})"
            cells.append(t)
        md.append(f"| {NAMES[m]} | " + " | ".join(cells) + " |")
    with open(os.path.join(outdir, "forkbench.md"), "w") as f:
        f.write("\n".join(md) + "\n")
    print("\n".join(md))

    data = os.path.join(outdir, "forkbench.dat")
    with open(data, "w") as f:
        for s in sizes:
            vals = [rows.get((m, s), float("nan")) for m in ("fork", "vfork", "vfork44", "forkexec", "vforkexec")]
            lin = [LINUX.get((m, s), float("nan")) for m in ("fork", "forkexec")]
            f.write(f"{s} " + " ".join(str(v) for v in vals + lin) + "\n")
    script = f"""
set terminal pngcairo size 900,560
set output '{os.path.join(outdir, "forkbench.png")}'
set title 'Process creation on QEMU virt, 1 hart, -icount shift=0'
set xlabel "parent's touched memory (MiB)"
set ylabel 'guest instructions per operation'
set logscale y
set key top left
set grid
plot '{data}' using 1:2 with linespoints title 'Tine fork', \\
     '' using 1:3 with linespoints title 'Tine vfork (3BSD)', \\
     '' using 1:4 with linespoints title 'Tine vfork (4.4BSD)', \\
     '' using 1:5 with linespoints title 'Tine fork+exec', \\
     '' using 1:6 with linespoints title 'Tine vfork+exec', \\
     '' using 1:7 with linespoints dashtype 2 title 'Linux fork', \\
     '' using 1:8 with linespoints dashtype 2 title 'Linux fork+exec'
"""
    subprocess.run(["gnuplot"], input=script.encode(), check=True)
    os.remove(data)


if __name__ == "__main__":
    main()
