"""The kernel's own console line among a program's output: its note that the
program called a syscall Tine lacks (core/compat/linux/names.cpp prints it
once per syscall). It is not the program's output, so every driver that
compares a console with what Linux prints (test/linuxdiff/linuxdiff.py,
test/sh/sh.py, test/thirdparty/ash.py and kselftest.py) leaves it out.

The drivers live in different folders; each puts this one on sys.path:
    sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
"""
import re

# names.cpp: "tine: pid %d (%s): syscall %s (%lu) is not implemented: ENOSYS\n"
NOTE = r"tine: pid \d+ \(.*\): syscall \S+ \(\d+\) is not implemented: ENOSYS"
_NOTE_LINES = re.compile(r"(?m)^" + NOTE + r"\r?\n")
_NOTE_LINE = re.compile(NOTE)


def drop_kernel_notes(text):
    """`text` without the kernel's whole note lines."""
    return _NOTE_LINES.sub("", text)


def is_kernel_note(line):
    """Whether one console line (its end of line stripped) is the note."""
    return _NOTE_LINE.match(line) is not None
