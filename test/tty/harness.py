#!/usr/bin/env python3
"""The console tty driven from the host through a pty, as a person at a
terminal would: boot Tine with its serial line on a pty, BusyBox's sh as
the session leader with the console as its controlling terminal
(`setsid -c`), then type.

    harness.py --kernel tine.elf --mkinitrd mkinitrd.py --fetch fetch-thirdparty
               --thirdparty DIR [--smp N] [--machine virt|sifive_u]

Checks, each printed "ok NAME" or "FAIL NAME" with the console's tail:
  canonical  a line typed with an erase (DEL) is echoed and read edited
  intr       ^C kills a foreground `sleep 100` (status 130), not the shell
  stop       ^Z stops it ("Stopped"), `fg` resumes it, ^C then ends it
  ttin       a background `cat` that reads the tty is stopped (SIGTTIN)
  termios    (with --termios PROG) a second boot runs PROG, termios_ctl.c,
             as `setsid -c PROG`: its lines must equal termios_ctl.expected,
             real Linux's (what qemu-riscv64 on a host pty prints, less the
             two requests qemu-user does not translate, see that file)
Exits 1 if any failed.
"""
import argparse
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import time

OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
APPLETS = ["sh", "sleep", "cat", "setsid", "stty"]


class Console:
    def __init__(self, cmd):
        self.master, slave = pty.openpty()
        self.proc = subprocess.Popen(cmd, stdin=slave, stdout=slave, stderr=slave,
                                     close_fds=True, start_new_session=True)
        os.close(slave)
        self.log = b""
        self.mark = 0  # expect() searches from here

    def pump(self, timeout):
        r, _, _ = select.select([self.master], [], [], timeout)
        if not r:
            return False
        try:
            data = os.read(self.master, 4096)
        except OSError:
            return False
        self.log += data
        return bool(data)

    def expect(self, pattern, timeout=30):
        """Waits until pattern (a regex over bytes) appears after the mark;
        moves the mark past it. Returns the match or None."""
        end = time.time() + timeout
        rx = re.compile(pattern)
        while True:
            m = rx.search(self.log, self.mark)
            if m:
                self.mark = m.end()
                return m
            left = end - time.time()
            if left <= 0 or self.proc.poll() is not None and not self.pump(0.1):
                return None
            self.pump(min(left, 0.5))

    def type(self, s, gap=0.02):
        # One byte at a time, as a person types: the UART's FIFO is small.
        for ch in s.encode():
            os.write(self.master, bytes([ch]))
            time.sleep(gap)

    def settle(self, seconds):
        end = time.time() + seconds
        while time.time() < end:
            self.pump(end - time.time())

    def tail(self, n=25):
        text = self.log.decode(errors="replace").replace("\r", "")
        return "\n".join("    " + l for l in text.split("\n")[-n:])

    def close(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait()
        os.close(self.master)


def qemu_cmd(args, cpio, append):
    return ["qemu-system-riscv64", "-M", args.machine, "-smp", str(args.smp), "-m", "256M",
            "-display", "none", "-monitor", "none", "-no-reboot",
            "-chardev", "stdio,id=con,signal=off", "-serial", "chardev:con",
            "-bios", OPENSBI, "-kernel", args.kernel, "-initrd", cpio, "-append", append]


def termios_check(args, bb, tmp):
    """termios_ctl under `setsid -c` on Tine's console; its lines against
    termios_ctl.expected. Returns (ok, diff text)."""
    import difflib
    cpio = os.path.join(tmp, "termios.cpio")
    subprocess.run([sys.executable, args.mkinitrd, cpio, f"bin/setsid={bb}",
                    f"bin/termios_ctl={args.termios}"], check=True, stdout=subprocess.DEVNULL)
    con = Console(qemu_cmd(args, cpio, "init=/bin/setsid -- -c /bin/termios_ctl"))
    try:
        con.expect(rb"== end", 90)
    finally:
        con.close()
    text = con.log.decode(errors="replace").replace("\r", "")
    got = text[text.find("== termios_ctl"):]
    got = got[:got.find("== end") + len("== end")] if "== end" in got else got
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "termios_ctl.expected")) as f:
        want = "".join(l for l in f if not l.startswith("#")).strip()
    got = got.strip()
    diff = "\n".join("    " + d for d in difflib.unified_diff(
        want.split("\n"), got.split("\n"), "linux", "tine", lineterm="", n=1))
    return got == want, diff


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--mkinitrd", required=True)
    ap.add_argument("--fetch", required=True)
    ap.add_argument("--thirdparty", required=True)
    ap.add_argument("--smp", type=int, default=1)
    ap.add_argument("--machine", default="virt")
    ap.add_argument("--termios", help="termios_ctl built static for riscv64")
    args = ap.parse_args()
    subprocess.run([args.fetch, args.thirdparty], check=True)
    bb = os.path.join(args.thirdparty, "busybox")
    results = []

    with tempfile.TemporaryDirectory() as tmp:
        # No links in Tine's initrd yet: a copy per applet (argv[0] picks it).
        specs = [f"bin/busybox={bb}"] + [f"bin/{a}={bb}" for a in APPLETS]
        cpio = os.path.join(tmp, "user.cpio")
        subprocess.run([sys.executable, args.mkinitrd, cpio] + specs, check=True,
                       stdout=subprocess.DEVNULL)
        con = Console(qemu_cmd(args, cpio, "init=/bin/setsid -- -c /bin/sh -i"))
        try:
            def check(name, ok):
                results.append((name, ok))
                print(("ok " if ok else "FAIL ") + name, flush=True)
                if not ok:
                    print(con.tail())

            # The shell is up once it answers.
            con.expect(rb"tine: summary|init", 60)
            con.settle(1.0)
            con.type("PS1='tine-sh> '; echo rea''dy\r")
            up = con.expect(rb"ready", 60) is not None
            check("boot", up)
            if not up:
                return 1
            con.expect(rb"tine-sh> ", 10)

            # Canonical mode: sh's `read` reads the tty as the discipline
            # leaves it. "hellp", DEL, "o": echoed with the erase, read as
            # "hello".
            con.type("read x; echo \"got[$x]\"\r")
            con.settle(0.5)
            con.type("hellp\x7fo\r")
            ok = con.expect(rb"hellp\x08 \x08o", 10) is not None
            ok = ok and con.expect(rb"got\[hello\]", 10) is not None
            check("canonical", ok)
            con.expect(rb"tine-sh> ", 10)

            # ^C: the foreground sleep dies of SIGINT; the shell lives on.
            con.type("sleep 100\r")
            con.settle(1.5)
            con.type("\x03")
            con.settle(0.5)
            con.type("echo \"rc=$?\"\r")
            check("intr", con.expect(rb"rc=130", 15) is not None)
            con.expect(rb"tine-sh> ", 10)

            # ^Z stops it; fg resumes it (still running: ^C ends it, 130).
            con.type("sleep 100\r")
            con.settle(1.5)
            con.type("\x1a")
            stopped = con.expect(rb"Stopped", 15) is not None
            con.expect(rb"tine-sh> ", 10)
            con.type("fg\r")
            resumed = con.expect(rb"sleep 100", 10) is not None
            con.settle(1.0)
            con.type("\x03")
            con.settle(0.5)
            con.type("echo \"rc=$?\"\r")
            check("stop", stopped and resumed and con.expect(rb"rc=130", 15) is not None)
            con.expect(rb"tine-sh> ", 10)

            # A background reader of the terminal stops on SIGTTIN.
            con.type("cat &\r")
            con.settle(1.5)
            con.type("jobs\r")
            ttin = con.expect(rb"Stopped[^\n]*cat", 15) is not None
            con.type("kill -9 %1\r")
            con.settle(0.5)
            check("ttin", ttin)

            con.type("exit\r")
            con.settle(1.0)
        finally:
            con.close()
        if args.termios:
            ok, diff = termios_check(args, bb, tmp)
            results.append(("termios", ok))
            print(("ok " if ok else "FAIL ") + "termios", flush=True)
            if not ok:
                print(diff)
    failed = [n for n, ok in results if not ok]
    print(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
