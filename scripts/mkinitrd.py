#!/usr/bin/env python3
"""Builds Tine's initrd: a cpio archive in the "newc" format.

    mkinitrd.py [--strip STRIP] OUT SPEC...
        Writes OUT from the SPECs:
          DEST=SRC       the file SRC stored at path DEST (e.g.
                         bin/init=/build/userland/init), a regular file of
                         mode 0755;
          DEST->TARGET   a symbolic link at DEST whose target is TARGET
                         (bin/ls->busybox: /bin/ls names /bin/busybox), mode
                         0777 as Linux's symlinks; TARGET is stored as given
                         and need not exist in the archive;
          @LIST          the SPECs in the file LIST, one a line (blank lines
                         and lines starting with # skipped).
        plus a directory entry (mode 0755) for every directory on the way
        (bin, tests, ...), parents first. With --strip, ELF files are stored
        stripped by that program (the build keeps the debug info).

    mkinitrd.py --incbin OUT.S CPIO
        Writes the assembly file that links CPIO into the kernel between
        initrd_start and initrd_end, in section .initrd. It is rewritten
        every time, so its object (and the kernel) is rebuilt whenever the
        archive changes.

newc: each entry is the magic "070701", thirteen 8-digit hex fields (ino,
mode, uid, gid, nlink, mtime, filesize, devmajor, devminor, rdevmajor,
rdevminor, namesize including the NUL, check = 0), the name and its NUL
padded to a multiple of 4, then the data padded to a multiple of 4. Names
have no leading "/". The last entry is "TRAILER!!!". Everything here is
deterministic: uid/gid 0, mtime 0, inodes numbered in order.
"""
import argparse
import os
import subprocess
import sys
import tempfile

S_IFDIR = 0o040000
S_IFREG = 0o100000
S_IFLNK = 0o120000


PAGE = 4096
PATH_MAX = 4096


def entry(ino, mode, name, data=b"", nlink=1, pad=0):
    name_b = name.encode() + b"\0" * (1 + pad)
    fields = [ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name_b), 0]
    hdr = b"070701" + b"".join(b"%08x" % f for f in fields)
    out = hdr + name_b
    out += b"\0" * (-len(out) % 4)
    out += data
    out += b"\0" * (-len(data) % 4)
    return out


def read_maybe_stripped(src, strip):
    with open(src, "rb") as f:
        data = f.read()
    if not strip or not data.startswith(b"\x7fELF"):
        return data
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "stripped")
        subprocess.run([strip, "-o", out, src], check=True)
        with open(out, "rb") as f:
            return f.read()


def expand(specs):
    """The SPECs with each @LIST replaced by the lines of LIST."""
    out = []
    for spec in specs:
        if spec.startswith("@"):
            with open(spec[1:]) as f:
                out += [l.strip() for l in f
                        if l.strip() and not l.lstrip().startswith("#")]
        else:
            out.append(spec)
    return out


def parse(spec):
    """(dest, kind, what): kind "file" (what = the source path) or "link"
    (what = the link's target). Whichever of "=" and "->" comes first
    separates DEST from the rest, so a file's path may hold "->" and a
    link's target "="."""
    eq, arrow = spec.find("="), spec.find("->")
    if arrow >= 0 and (eq < 0 or arrow < eq):
        dest, what, kind = spec[:arrow], spec[arrow + 2:], "link"
    elif eq >= 0:
        dest, what, kind = spec[:eq], spec[eq + 1:], "file"
    else:
        dest = what = kind = ""
    dest = dest.strip("/")
    if not dest or not what:
        sys.exit(f"mkinitrd: bad spec {spec!r}, want DEST=SRC or DEST->TARGET")
    return dest, kind, what


def aligned_file(off, ino, dest, data):
    """A regular file's entry at archive offset off, its data starting on a
    page (the kernel keeps such data where it lies instead of copying it):
    the name is padded with NULs, as gen_init_cpio -a does. Where that would
    make the name longer than PATH_MAX, a "." entry (the root again, which
    changes nothing) first moves the offset to a page boundary."""
    if not data:
        return entry(ino, S_IFREG | 0o755, dest)
    out = b""
    need = len(dest.encode()) + 1
    pad = -(off + 110 + need) % PAGE
    if need + pad > PATH_MAX:
        filler = -(off + 110 + 2) % PAGE + 2  # namesize: "." NUL and padding
        out = entry(0, S_IFDIR | 0o755, ".", pad=filler - 2)
        off += len(out)
        assert off % PAGE == 0
        pad = -(off + 110 + need) % PAGE
    return out + entry(ino, S_IFREG | 0o755, dest, data, pad=pad)


def make_cpio(out, specs, strip):
    files = {}
    for spec in expand(specs):
        dest, kind, what = parse(spec)
        if dest in files:
            sys.exit(f"mkinitrd: {dest} given twice")
        files[dest] = (kind, what)
    dirs = set()
    for dest in files:
        parts = dest.split("/")[:-1]
        for i in range(1, len(parts) + 1):
            dirs.add("/".join(parts[:i]))
    clash = dirs & files.keys()
    if clash:
        sys.exit(f"mkinitrd: {sorted(clash)[0]} is both a file and a directory")

    blob = bytearray()
    ino = 1
    for d in sorted(dirs, key=lambda p: (p.count("/"), p)):
        blob += entry(ino, S_IFDIR | 0o755, d, nlink=2)
        ino += 1
    for dest in sorted(files):
        kind, what = files[dest]
        if kind == "link":
            blob += entry(ino, S_IFLNK | 0o777, dest, what.encode())
        else:
            data = read_maybe_stripped(what, strip)
            blob += aligned_file(len(blob), ino, dest, data)
        ino += 1
    blob += entry(0, 0, "TRAILER!!!")
    with open(out, "wb") as f:
        f.write(blob)


def make_incbin(out, cpio):
    path = os.path.abspath(cpio)
    size = os.path.getsize(path)
    text = (
        f"/* Generated by scripts/mkinitrd.py: the initrd, {size} bytes. */\n"
        '\t.section .initrd,"a"\n'
        "\t.balign 4096\n"
        "\t.globl initrd_start\n"
        "initrd_start:\n"
        f'\t.incbin "{path}"\n'
        "\t.globl initrd_end\n"
        "initrd_end:\n"
        '\t.section .note.GNU-stack,"",@progbits\n'
    )
    with open(out, "w") as f:
        f.write(text)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--strip", help="strip program for ELF files")
    ap.add_argument("--incbin", action="store_true",
                    help="write OUT.S including the archive CPIO")
    ap.add_argument("out")
    ap.add_argument("specs", nargs="+")
    args = ap.parse_args()
    if args.incbin:
        if len(args.specs) != 1:
            sys.exit("mkinitrd: --incbin OUT.S CPIO")
        make_incbin(args.out, args.specs[0])
    else:
        make_cpio(args.out, args.specs, args.strip)


if __name__ == "__main__":
    main()
