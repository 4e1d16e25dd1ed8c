#!/usr/bin/env python3
"""The issue's session at the console of the image as built: boots Tine
without init= or a second initrd (so /bin/init, then BusyBox's sh from the
image's /bin), types what a person would and reads the answers:

  ls /bin | wc -l                  the number of entries in the image's bin/
  echo hi > /tmp/f; cat /tmp/f     hi
  sleep 100, then ^C               status 130, the shell still answers
  ps                               lists init and sh
  seq 1 1000 | sort -rn | head -1  1000
  poweroff                         QEMU ends with status 0

    session.py --kernel tine.elf --image initrd.cpio [--smp N]

Prints "ok NAME" / "FAIL NAME: why"; exits 1 if anything failed.
"""
import argparse
import os
import re
import select
import subprocess
import sys
import time

OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
failed = 0


def check(name, cond, why):
    global failed
    print(f"\n{'ok' if cond else 'FAIL'} {name}{'' if cond else ': ' + why}")
    failed += 0 if cond else 1
    return cond


class Console:
    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.buf = ""

    def expect(self, pattern, timeout):
        end = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.buf, re.S)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = end - time.monotonic()
            if left <= 0 or self.p.poll() is not None:
                return None
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                data = os.read(self.p.stdout.fileno(), 4096).decode(errors="replace")
                sys.stdout.write(data.replace("\r", ""))
                self.buf += data.replace("\r", "")

    def send(self, line):
        self.p.stdin.write(line.encode())
        self.p.stdin.flush()


def bin_entries(image):
    with open(image, "rb") as f:
        out = subprocess.run(["cpio", "-it", "--quiet"], stdin=f, stdout=subprocess.PIPE,
                             text=True, check=True).stdout.split()
    return sum(1 for n in out if n.startswith("bin/") and n.count("/") == 1)


def run(con, nbin):
    m = con.expect(r"tine: summary", 60)
    if not check("boot", m is not None, "no boot summary line"):
        return
    time.sleep(2)
    con.send("echo '=''=ready'\n")
    if not check("shell", con.expect(r"==ready\n", 60) is not None, "no shell answered"):
        return
    con.send("ls /bin | wc -l; echo '=''=ls'\n")
    m = con.expect(r"(\d+)\s*\n==ls\n", 30)
    check("ls_bin", m is not None and int(m.group(1)) == nbin,
          f"ls /bin | wc -l said {m and m.group(1)}, the image's bin/ has {nbin}")
    con.send("echo hi > /tmp/f; cat /tmp/f; echo '=''=tmp'\n")
    m = con.expect(r"([^\n]*)\n==tmp\n", 30)
    check("tmp_file", m is not None and m.group(1).endswith("hi"), f"cat /tmp/f: {m and m.group(1)!r}")
    con.send("sleep 100\n")
    time.sleep(2)
    con.send("\x03")
    time.sleep(1)
    con.send("echo \"int $?\"; echo '=''=int'\n")
    m = con.expect(r"int (\d+)\n==int\n", 30)
    check("ctrl_c", m is not None and m.group(1) == "130", f"status after ^C: {m and m.group(1)}")
    con.send("ps; echo '=''=ps'\n")
    m = con.expect(r"PID(.*?)==ps\n", 30)
    check("ps", m is not None and re.search(r"\binit\b", m.group(1)) and
          re.search(r"\bsh\b", m.group(1)), f"ps: {m and m.group(1)!r}")
    con.send("seq 1 1000 | sort -rn | head -1; echo '=''=seq'\n")
    m = con.expect(r"(\d+)\n==seq\n", 30)
    check("seq_sort_head", m is not None and m.group(1) == "1000", f"{m and m.group(1)}")
    con.send("poweroff\n")
    try:
        status = con.p.wait(timeout=60)
    except subprocess.TimeoutExpired:
        status = None
    check("poweroff", status == 0, f"QEMU status {status}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--image", required=True)
    ap.add_argument("--smp", default="4")
    args = ap.parse_args()
    con = Console(["qemu-system-riscv64", "-M", "virt", "-smp", args.smp, "-m", "256M",
                   "-nographic", "-no-reboot", "-bios", OPENSBI, "-kernel", args.kernel])
    try:
        run(con, bin_entries(args.image))
    finally:
        if con.p.poll() is None:
            con.p.kill()
        con.p.wait()
    print("FAILED" if failed else "all passed")
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
