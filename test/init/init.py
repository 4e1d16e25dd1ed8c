#!/usr/bin/env python3
"""init without init=: /etc/rc, then a shell on the console, started again
when it ends, orphans reaped, and BusyBox's poweroff signal obeyed.

    init.py --kernel tine.elf --mkinitrd mkinitrd.py --busybox BUSYBOX [--smp N]

Boots Tine with a second initrd holding BusyBox as /bin/sh (and sleep) and
an /etc/rc, types at the console and reads what comes back:
  rc        /etc/rc ran before the shell, through /bin/sh;
  shell     a shell reads the console; it leaves an orphan (sleep 2 &) and
            exits;
  respawn   a second shell, another process, reads the console;
  ctrl_c    ^C typed during `sleep 30` ends the sleep (status 130), not the
            shell: the console is the shell's controlling terminal;
  reaped    once the orphan's sleep is over, `kill -0` says it is gone (a
            zombie would still answer), so init reaped it;
  poweroff  `kill -USR2 1` (what BusyBox's poweroff sends) ends every
            process and QEMU exits with status 0.
Prints "ok NAME" / "FAIL NAME: why"; exits 1 if anything failed.
"""
import argparse
import os
import re
import select
import subprocess
import sys
import tempfile
import time

OPENSBI = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_dynamic.bin"
RC = 'echo "rc ran pid $$ PATH=$PATH"\n'


class Console:
    def __init__(self, cmd):
        self.p = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                  stderr=subprocess.STDOUT)
        self.buf = ""

    def expect(self, pattern, timeout):
        """The first match of pattern after what was read before, or None."""
        end = time.monotonic() + timeout
        while True:
            m = re.search(pattern, self.buf)
            if m:
                self.buf = self.buf[m.end():]
                return m
            left = end - time.monotonic()
            if left <= 0:
                return None
            r, _, _ = select.select([self.p.stdout], [], [], left)
            if r:
                data = os.read(self.p.stdout.fileno(), 4096)
                if not data:
                    return re.search(pattern, self.buf)
                sys.stdout.write(data.decode(errors="replace").replace("\r", ""))
                self.buf += data.decode(errors="replace").replace("\r", "")

    def send(self, line):
        self.p.stdin.write(line.encode())
        self.p.stdin.flush()


failed = 0


def check(name, cond, why):
    global failed
    print(f"\n{'ok' if cond else 'FAIL'} {name}{'' if cond else ': ' + why}")
    failed += 0 if cond else 1
    return cond


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--kernel", required=True)
    ap.add_argument("--mkinitrd", required=True)
    ap.add_argument("--busybox", required=True)
    ap.add_argument("--smp", default="1")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        rc = os.path.join(tmp, "rc")
        with open(rc, "w") as f:
            f.write(RC)
        cpio = os.path.join(tmp, "extra.cpio")
        subprocess.run([sys.executable, args.mkinitrd, cpio, f"bin/sh={args.busybox}",
                        f"bin/sleep={args.busybox}", f"etc/rc={rc}"], check=True,
                       stdout=subprocess.DEVNULL)
        con = Console(["qemu-system-riscv64", "-M", "virt", "-smp", args.smp, "-m", "256M",
                       "-nographic", "-no-reboot", "-bios", OPENSBI, "-kernel", args.kernel,
                       "-initrd", cpio])
        try:
            run(con)
        finally:
            if con.p.poll() is None:
                con.p.kill()
            con.p.wait()
    print("FAILED" if failed else "all passed")
    sys.exit(1 if failed else 0)


def run(con):
    m = con.expect(r"rc ran pid (\d+) PATH=(\S+)\n", 60)
    if not check("rc", m is not None, "no line from /etc/rc"):
        return
    check("rc_path", m.group(2).startswith("/bin:"), f"PATH={m.group(2)}")
    time.sleep(1)
    con.send("echo shell1 $$; sleep 2 & echo orphan $!; exit 5\n")
    m1 = con.expect(r"shell1 (\d+)\n", 30)
    mo = con.expect(r"orphan (\d+)\n", 10)
    if not check("shell", m1 is not None and mo is not None, "the shell did not answer"):
        return
    time.sleep(3)  # the first shell exits; init waits a second, starts another
    con.send("echo shell2 $$\n")
    m2 = con.expect(r"shell2 (\d+)\n", 30)
    if not check("respawn", m2 is not None and m2.group(1) != m1.group(1),
                 f"second shell {m2 and m2.group(1)}, first {m1.group(1)}"):
        return
    # ^C at the console: SIGINT to the shell's foreground job, not the shell
    con.send("sleep 30\n")
    time.sleep(2)
    con.send("\x03")
    time.sleep(1)
    con.send("echo after-int $?\n")
    m = con.expect(r"after-int (\d+)\n", 30)
    check("ctrl_c", m is not None and m.group(1) == "130",
          f"status after ^C: {m and m.group(1)} (130: sleep got SIGINT, the shell did not)")
    # (stderr closed, not /dev/null: there may be no /dev)
    con.send(f"sleep 3; (exec 2>&-; kill -0 {mo.group(1)}) && echo orphan-left || echo orphan-gone\n")
    m = con.expect(r"orphan-(left|gone)\n", 30)
    check("reaped", m is not None and m.group(1) == "gone",
          f"kill -0 on the orphan's pid after its end: {m and m.group(1)}")
    con.send("kill -USR2 1\n")
    m = con.expect(r"init: poweroff", 20)
    try:
        status = con.p.wait(timeout=30)
    except subprocess.TimeoutExpired:
        status = None
    check("poweroff", m is not None and status == 0,
          f"init said {'nothing' if m is None else 'poweroff'}, QEMU status {status}")


if __name__ == "__main__":
    main()
