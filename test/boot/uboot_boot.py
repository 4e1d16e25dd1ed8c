#!/usr/bin/env python3
"""Boots build/Image the way a VisionFive 2 does: OpenSBI, then U-Boot (S-mode),
then `booti` of the flat Image with the Linux image header. The Image is
preloaded at U-Boot's kernel_addr_r; this script talks to U-Boot's prompt
over the serial console and requires the kernel's self-tests to pass."""
import argparse
import os
import re
import select
import subprocess
import sys
import time

FW = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.bin"
UBOOT = "/usr/lib/u-boot/qemu-riscv64_smode/u-boot.bin"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--image", required=True)
    ap.add_argument("--append", default="ktest")
    ap.add_argument("--timeout", type=float, default=180)
    args = ap.parse_args()
    cmd = ["qemu-system-riscv64", "-M", "virt", "-smp", "2", "-m", "256M", "-nographic",
           "-no-reboot", "-bios", FW, "-kernel", UBOOT,
           "-device", f"loader,file={args.image},addr=0x84000000"]
    p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT)
    out = b""
    sent_key = sent_cmd = False
    deadline = time.time() + args.timeout
    while time.time() < deadline and p.poll() is None:
        r, _, _ = select.select([p.stdout], [], [], 0.2)
        if r:
            chunk = os.read(p.stdout.fileno(), 4096)
            if not chunk:
                break
            out += chunk
            sys.stdout.write(chunk.decode(errors="replace"))
        if not sent_key and b"Hit any key" in out:
            p.stdin.write(b"\r")
            p.stdin.flush()
            sent_key = True
        if sent_key and not sent_cmd and out.rstrip().endswith(b"=>"):
            p.stdin.write(f"setenv bootargs {args.append}; booti ${{kernel_addr_r}} - ${{fdtcontroladdr}}\r".encode())
            p.stdin.flush()
            sent_cmd = True
    try:
        p.wait(timeout=max(1.0, deadline - time.time()))
    except subprocess.TimeoutExpired:
        p.kill()
        print("\nFAIL: QEMU still running at the timeout")
        return 1
    text = out.decode(errors="replace").replace("\r", "")
    m = re.search(r"^(\d+) passed, (\d+) failed$", text, re.M)
    if not re.search(r"Moving Image from", text):
        print("FAIL: U-Boot did not take the Image")
        return 1
    if not m or int(m.group(2)) != 0 or int(m.group(1)) == 0 or p.returncode != 0:
        print(f"FAIL: self-tests did not pass (exit status {p.returncode})")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
