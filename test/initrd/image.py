#!/usr/bin/env python3
"""Checks scripts/mkinitrd.py's symbolic links and the image's /bin.

    image.py --mkinitrd mkinitrd.py --image initrd.cpio --links busybox-links.txt
             --busybox BUSYBOX

1. mkinitrd.py: a spec DEST->TARGET becomes a symlink entry that GNU cpio
   (not our parser) lists as "lrwxrwxrwx ... DEST -> TARGET" and extracts as
   a link to TARGET; @LIST reads specs from a file; a spec without "=" or
   "->", an empty target and a path given twice are refused.
2. The image: /bin/busybox is there, and every applet that `busybox --list`
   names is in /bin, as a link to busybox or as a program of ours.
Prints "ok NAME" / "FAIL NAME: why"; exits 1 if anything failed.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile

failed = 0


def check(name, cond, why=""):
    global failed
    if cond:
        print(f"ok {name}")
    else:
        failed += 1
        print(f"FAIL {name}: {why}")


def cpio_list(path):
    with open(path, "rb") as f:
        r = subprocess.run(["cpio", "-itv", "--quiet"], stdin=f, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, text=True, check=True)
    return r.stdout.splitlines()


def mkinitrd_checks(mkinitrd, tmp):
    data = os.path.join(tmp, "data")
    with open(data, "w") as f:
        f.write("payload\n")
    lst = os.path.join(tmp, "list")
    with open(lst, "w") as f:
        f.write("# a comment\n\nbin/cat->busybox\nusr/bin/x->/opt/a=b\n")
    out = os.path.join(tmp, "a.cpio")
    subprocess.run([sys.executable, mkinitrd, out, f"bin/busybox={data}",
                    "bin/ls->busybox", "lib/a->../bin/ls", "@" + lst], check=True)
    lines = cpio_list(out)
    def line(name):
        return next((l for l in lines if l.split()[-1] == name or
                     (" -> " in l and l.split(" -> ")[0].split()[-1] == name)), "")
    for name, target in [("bin/ls", "busybox"), ("lib/a", "../bin/ls"),
                         ("bin/cat", "busybox"), ("usr/bin/x", "/opt/a=b")]:
        l = line(name)
        check(f"mkinitrd.link {name}", l.startswith("lrwxrwxrwx") and
              l.endswith(f"{name} -> {target}"), f"cpio -tv says {l!r}")
    l = line("bin/busybox")
    check("mkinitrd.file_stays_regular", l.startswith("-rwxr-xr-x"), f"cpio -tv says {l!r}")
    check("mkinitrd.dirs", line("usr/bin").startswith("drwxr-xr-x") and
          line("lib").startswith("drwxr-xr-x"), "no usr/bin or lib directory")
    root = os.path.join(tmp, "x")
    os.mkdir(root)
    with open(out, "rb") as f:
        subprocess.run(["cpio", "-id", "--quiet"], stdin=f, cwd=root, check=True)
    ok = (os.path.islink(os.path.join(root, "bin/ls")) and
          os.readlink(os.path.join(root, "bin/ls")) == "busybox" and
          open(os.path.join(root, "lib/a")).read() == "payload\n")
    check("mkinitrd.extracted_links_resolve", ok, "bin/ls or lib/a wrong after cpio -id")
    for bad in [["bin/ls"], ["bin/ls->"], ["->busybox"], ["bin/ls->a", f"bin/ls={data}"]]:
        r = subprocess.run([sys.executable, mkinitrd, os.path.join(tmp, "bad.cpio")] + bad,
                           stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        check(f"mkinitrd.refuses {' '.join(bad)}", r.returncode != 0,
              "accepted")


def image_checks(image, links, busybox):
    lines = cpio_list(image)
    entries = {}
    for l in lines:
        parts = l.split(" -> ")
        name = parts[0].split()[-1]
        entries[name] = (l[0], parts[1] if len(parts) > 1 else None)
    check("image.busybox", entries.get("bin/busybox", ("?",))[0] == "-",
          "no regular file bin/busybox")
    names = subprocess.run([shutil.which("qemu-riscv64") or "qemu-riscv64", busybox, "--list"],
                           stdout=subprocess.PIPE, text=True, check=True).stdout.split()
    missing = [n for n in names if f"bin/{n}" not in entries]
    check("image.every_applet_in_bin", len(names) > 200 and not missing,
          f"{len(names)} applets, missing {missing[:10]}")
    wrong = [n for n in names if entries.get(f"bin/{n}", ("-",))[0] == "l" and
             entries[f"bin/{n}"][1] != "busybox"]
    check("image.links_name_busybox", not wrong, f"{wrong[:10]}")
    nlinks = sum(1 for n in names if entries.get(f"bin/{n}", ("-",))[0] == "l")
    with open(links) as f:
        want = sum(1 for l in f if "->" in l)
    check("image.links_as_listed", nlinks == want and nlinks > 200,
          f"{nlinks} links in the image, {want} in {links}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--mkinitrd", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--links", required=True)
    ap.add_argument("--busybox", required=True)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        mkinitrd_checks(args.mkinitrd, tmp)
    image_checks(args.image, args.links, args.busybox)
    print(f"{'FAILED' if failed else 'all passed'}")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
