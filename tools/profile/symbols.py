"""Address -> function name, from `nm` of a static ELF (no pyelftools).

A symbol covers [its address, address + size) when nm knows its size, else
up to the next symbol; an address outside every symbol has no name."""
import bisect
import subprocess

NM = "riscv64-linux-gnu-nm"
CXXFILT = "riscv64-linux-gnu-c++filt"
READELF = "riscv64-linux-gnu-readelf"


class Symbols:
    def __init__(self, elf, offset=0):
        """offset: added to every symbol's address (where the ELF runs from
        an address other than the one it was linked at)."""
        out = subprocess.run([NM, "-n", "-S", "--defined-only", elf],
                             check=True, capture_output=True, text=True).stdout
        rows = []
        for line in out.splitlines():
            f = line.split()
            if len(f) == 4:
                addr, size, kind, name = int(f[0], 16), int(f[1], 16), f[2], f[3]
            elif len(f) == 3:
                addr, size, kind, name = int(f[0], 16), 0, f[1], f[2]
            else:
                continue
            if kind not in "tTwW" or name.startswith((".L", "$")):
                continue
            rows.append((addr + offset, size, name))
        rows.sort()
        names = demangle([r[2] for r in rows])
        self.starts = [r[0] for r in rows]
        self.sizes = [r[1] for r in rows]
        self.names = names
        self.cache = {}

    def lookup(self, addr):
        """The function holding addr, or None."""
        hit = self.cache.get(addr)
        if hit is not None or addr in self.cache:
            return hit
        i = bisect.bisect_right(self.starts, addr) - 1
        name = None
        if i >= 0:
            size = self.sizes[i]
            end = self.starts[i] + size if size else (
                self.starts[i + 1] if i + 1 < len(self.starts) else self.starts[i] + 1)
            if addr < end:
                name = self.names[i]
        self.cache[addr] = name
        return name


def demangle(names):
    if not any(n.startswith("_Z") for n in names):
        return names
    out = subprocess.run([CXXFILT, "-p"], input="\n".join(names) + "\n",
                         check=True, capture_output=True, text=True).stdout
    lines = out.split("\n")[:len(names)]
    return lines if len(lines) == len(names) else names


def load_segments(elf):
    """[(vaddr, paddr, memsz)] of the ELF's PT_LOAD segments."""
    out = subprocess.run([READELF, "-lW", elf], check=True, capture_output=True,
                         text=True).stdout
    segs = []
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "LOAD":
            segs.append((int(f[2], 16), int(f[3], 16), int(f[5], 16)))
    return segs


def elf_entry(elf):
    out = subprocess.run([READELF, "-hW", elf], check=True, capture_output=True,
                         text=True).stdout
    for line in out.splitlines():
        if "Entry point address:" in line:
            return int(line.split(":")[1], 16)
    return None
