// The line discipline (Linux's n_tty, NetBSD's tty.c ttyinput/ttread):
// what typed bytes become before a program reads them, and what a
// program's writes become on the terminal. Pure: no locks, no sleeping, no
// processes. The caller (core/tty/tty.cpp) holds the tty's lock, sends the
// signals it returns to the foreground group and writes what it echoes;
// the host tests (test/host/tty/) drive it byte by byte.
//
// Canonical mode (ICANON): a line is edited until '\n', VEOL, VEOL2 or
// VEOF ends it; VERASE (and ^H, which many terminals send for backspace)
// removes the last byte, VWERASE the last word (IEXTEN), VKILL the line.
// Only ended lines are readable; a read returns at most one line; VEOF on
// an empty line reads as end of file (0 bytes). Non-canonical (raw or
// cbreak): every byte is readable at once. ISIG: VINTR, VQUIT and VSUSP
// are not stored; they flush the input (unless NOFLSH) and are returned as
// SIGINT, SIGQUIT and SIGTSTP. ECHO echoes (ECHOCTL: control bytes as
// ^X), ECHOE erases on screen with "\b \b", ECHOKE does so for a killed
// line, ECHONL echoes '\n' even without ECHO. Input: ISTRIP, IGNCR,
// ICRNL, INLCR. Output (OPOST): ONLCR, OCRNL, ONOCR, ONLRET.
#pragma once

#include "core/lib/types.h"
#include "core/tty/termios.h"

namespace tine {

// Where echoes and processed output go.
struct TtyOut {
  void (*put)(void* ctx, const char* s, size_t n);
  void* ctx;
  void write(const char* s, size_t n) const { put(ctx, s, n); }
};

struct Ldisc {
  static constexpr size_t kSize = 4096;  // Linux's N_TTY_BUF_SIZE
  Termios t = kTermiosDefault;
  u8 buf[kSize];
  u64 eof_mark[kSize / 64];  // slot holds a VEOF that ended a line: read, not returned
  size_t head = 0;           // oldest byte
  size_t count = 0;          // bytes stored: committed, then the line being edited
  size_t committed = 0;      // of them, readable (canonical: ended lines)
  size_t lines = 0;          // ended lines among the committed bytes (canonical)
  u32 column = 0;            // output column, for ONOCR and erasing tabs
};

// A fresh discipline with `t` (kTermiosDefault by default), nothing stored.
void ldisc_init(Ldisc& l, const Termios& t = kTermiosDefault);

// One typed byte. Echoes to `out`; returns the signal to send to the
// foreground process group (SIGINT, SIGQUIT, SIGTSTP) or 0.
int ldisc_input(Ldisc& l, u8 c, const TtyOut& out);

// Whether a read would return now: a line (or an end of file) in
// canonical mode, at least `min` bytes otherwise.
bool ldisc_can_read(const Ldisc& l, size_t min = 1);
// Bytes a read could return now (FIONREAD): the ended lines' bytes in
// canonical mode (end-of-file marks not counted), all in raw mode.
size_t ldisc_readable(const Ldisc& l);
// Takes up to n readable bytes into dst. Canonical: stops after the end
// of one line; an end-of-file mark is taken and not copied (a 0 return
// after ldisc_can_read is end of file). Returns the bytes copied.
size_t ldisc_read(Ldisc& l, char* dst, size_t n);
// Drops every stored byte (TCFLSH, signals without NOFLSH).
void ldisc_flush(Ldisc& l);
// New settings (TCSETS*). Leaving canonical mode makes the line being
// edited readable, as Linux does.
void ldisc_set_termios(Ldisc& l, const Termios& t);

// A program's write: the bytes after output processing go to `out`.
void ldisc_output(Ldisc& l, const char* s, size_t n, const TtyOut& out);

}  // namespace tine
