#include "core/tty/ldisc.h"

#include "core/proc/sigacts.h"

namespace tine {

namespace {

bool lflag(const Ldisc& l, u32 bit) { return (l.t.c_lflag & bit) != 0; }
bool iflag(const Ldisc& l, u32 bit) { return (l.t.c_iflag & bit) != 0; }
bool oflag(const Ldisc& l, u32 bit) { return (l.t.c_oflag & bit) != 0; }

// c is the control character cc[i], which 0 disables (_POSIX_VDISABLE).
bool is_cc(const Ldisc& l, u8 c, unsigned i) { return l.t.c_cc[i] != 0 && c == l.t.c_cc[i]; }

size_t slot(const Ldisc& l, size_t i) { return (l.head + i) % Ldisc::kSize; }
bool marked(const Ldisc& l, size_t s) { return (l.eof_mark[s / 64] >> (s % 64)) & 1; }
void set_mark(Ldisc& l, size_t s, bool on) {
  if (on)
    l.eof_mark[s / 64] |= u64(1) << (s % 64);
  else
    l.eof_mark[s / 64] &= ~(u64(1) << (s % 64));
}

bool is_control(u8 c) { return c < 0x20 || c == 0x7f; }

// One byte of output after OPOST processing (Linux do_output_char).
void out_char(Ldisc& l, u8 c, const TtyOut& out) {
  if (!oflag(l, kTOPost)) {
    out.write(reinterpret_cast<const char*>(&c), 1);
    return;
  }
  switch (c) {
    case '\n':
      if (oflag(l, kTOnlRet)) l.column = 0;
      if (oflag(l, kTOnlCr)) {
        l.column = 0;
        out.write("\r\n", 2);
        return;
      }
      break;
    case '\r':
      if (oflag(l, kTOnoCr) && l.column == 0) return;
      if (oflag(l, kTOCrNl)) {
        c = '\n';
        if (oflag(l, kTOnlRet)) l.column = 0;
        break;
      }
      l.column = 0;
      break;
    case '\t':
      l.column = (l.column | 7) + 1;
      break;
    case '\b':
      if (l.column > 0) l.column--;
      break;
    default:
      if (!is_control(c)) l.column++;
  }
  out.write(reinterpret_cast<const char*>(&c), 1);
}

void out_str(Ldisc& l, const char* s, const TtyOut& out) {
  while (*s) out_char(l, u8(*s++), out);
}

// Echo of a stored or signal byte: control bytes as ^X under ECHOCTL
// (not tab or newline), else the byte.
void echo_char(Ldisc& l, u8 c, const TtyOut& out) {
  if (lflag(l, kTEchoCtl) && is_control(c) && c != '\t' && c != '\n') {
    char two[3] = {'^', char(c == 0x7f ? '?' : c ^ 0x40), 0};
    out_str(l, two, out);
    return;
  }
  out_char(l, c, out);
}

// Columns the echo of c took (what erasing it must back over).
unsigned echo_width(const Ldisc& l, u8 c) {
  if (c == '\t') return 1;  // the tab's true width depends on where the line began
  if (is_control(c)) return lflag(l, kTEchoCtl) ? 2 : 0;
  return 1;
}

// Removes the last byte of the line being edited, and from the screen.
// False when the line is empty.
bool erase_one(Ldisc& l, const TtyOut& out) {
  if (l.count == l.committed) return false;
  u8 c = l.buf[slot(l, l.count - 1)];
  l.count--;
  if (lflag(l, kTEcho) && lflag(l, kTEchoE))
    for (unsigned i = echo_width(l, c); i > 0; i--) out_str(l, "\b \b", out);
  return true;
}

bool is_word_char(u8 c) { return c != ' ' && c != '\t'; }

void store(Ldisc& l, u8 c, bool eof) {
  size_t s = slot(l, l.count);
  l.buf[s] = c;
  set_mark(l, s, eof);
  l.count++;
}

// Ends the line being edited: everything stored becomes readable.
void commit_line(Ldisc& l) {
  l.committed = l.count;
  l.lines++;
}

bool ends_line(const Ldisc& l, u8 c, bool eof) {
  return eof || c == '\n' || is_cc(l, c, kVEol) || is_cc(l, c, kVEol2);
}

}  // namespace

void ldisc_init(Ldisc& l, const Termios& t) {
  l.t = t;
  ldisc_flush(l);
  l.column = 0;
}

void ldisc_flush(Ldisc& l) {
  l.head = l.count = l.committed = l.lines = 0;
  for (u64& w : l.eof_mark) w = 0;
}

int ldisc_input(Ldisc& l, u8 c, const TtyOut& out) {
  if (iflag(l, kTIStrip)) c &= 0x7f;
  if (c == '\r') {
    if (iflag(l, kTIgnCr)) return 0;
    if (iflag(l, kTICrNl)) c = '\n';
  } else if (c == '\n' && iflag(l, kTInlCr)) {
    c = '\r';
  }

  if (lflag(l, kTIsig)) {
    int sig = is_cc(l, c, kVIntr) ? kSigInt : is_cc(l, c, kVQuit) ? kSigQuit
              : is_cc(l, c, kVSusp) ? kSigTstp : 0;
    if (sig) {
      if (!lflag(l, kTNoFlsh)) ldisc_flush(l);
      if (lflag(l, kTEcho)) echo_char(l, c, out);
      return sig;
    }
  }

  if (!lflag(l, kTICanon)) {
    if (l.count == Ldisc::kSize) return 0;  // full: dropped, as Linux does
    store(l, c, false);
    l.committed = l.count;
    if (lflag(l, kTEcho)) echo_char(l, c, out);
    return 0;
  }

  if (is_cc(l, c, kVErase) || c == '\b') {
    erase_one(l, out);
    return 0;
  }
  if (lflag(l, kTIExten) && is_cc(l, c, kVWerase)) {
    // Blanks before the word, then the word.
    while (l.count > l.committed && !is_word_char(l.buf[slot(l, l.count - 1)]))
      erase_one(l, out);
    while (l.count > l.committed && is_word_char(l.buf[slot(l, l.count - 1)]))
      erase_one(l, out);
    return 0;
  }
  if (is_cc(l, c, kVKill)) {
    if (lflag(l, kTEcho) && !lflag(l, kTEchoKe) && l.count > l.committed) {
      // Without ECHOKE the line stays on screen: the kill byte, then (ECHOK)
      // a new line.
      echo_char(l, c, out);
      if (lflag(l, kTEchoK)) out_char(l, '\n', out);
      l.count = l.committed;
      return 0;
    }
    while (erase_one(l, out)) {
    }
    return 0;
  }

  bool eof = is_cc(l, c, kVEof);
  bool ends = ends_line(l, c, eof);
  // A line may fill all but the last slot, which only an end of line takes
  // (Linux: the buffer never fills with no line to read).
  if (l.count == Ldisc::kSize || (!ends && l.count == Ldisc::kSize - 1)) return 0;
  store(l, c, eof);
  if (ends) commit_line(l);
  if (eof) return 0;  // not echoed
  if (lflag(l, kTEcho))
    echo_char(l, c, out);
  else if (c == '\n' && lflag(l, kTEchoNl))
    out_char(l, '\n', out);
  return 0;
}

bool ldisc_can_read(const Ldisc& l, size_t min) {
  if (lflag(l, kTICanon)) return l.lines > 0;
  return l.committed >= (min ? min : 1);
}

size_t ldisc_readable(const Ldisc& l) {
  size_t n = 0;
  for (size_t i = 0; i < l.committed; i++)
    if (!marked(l, slot(l, i))) n++;
  return n;
}

size_t ldisc_read(Ldisc& l, char* dst, size_t n) {
  bool canon = lflag(l, kTICanon);
  size_t copied = 0;
  while (copied < n && l.committed > 0) {
    size_t s = l.head;
    u8 c = l.buf[s];
    bool eof = marked(l, s);
    set_mark(l, s, false);
    l.head = (l.head + 1) % Ldisc::kSize;
    l.count--;
    l.committed--;
    if (!eof) dst[copied++] = char(c);
    if (canon && ends_line(l, c, eof)) {
      if (l.lines > 0) l.lines--;
      return copied;
    }
  }
  // A line that exactly filled the read and was ended by VEOF: the mark
  // goes with it, or the next read would take it for end of file.
  if (canon && l.committed > 0 && marked(l, l.head)) {
    set_mark(l, l.head, false);
    l.head = (l.head + 1) % Ldisc::kSize;
    l.count--;
    l.committed--;
    if (l.lines > 0) l.lines--;
  }
  if (l.committed == 0) l.lines = 0;
  return copied;
}

void ldisc_set_termios(Ldisc& l, const Termios& t) {
  bool was_canon = lflag(l, kTICanon);
  l.t = t;
  if (was_canon && !lflag(l, kTICanon)) {
    l.committed = l.count;  // the edited line becomes readable
    l.lines = 0;
  } else if (!was_canon && lflag(l, kTICanon)) {
    // What raw mode left unread reads as one line (Linux: as if ended).
    if (l.committed > 0) l.lines = 1;
    l.committed = l.count;
  }
}

void ldisc_output(Ldisc& l, const char* s, size_t n, const TtyOut& out) {
  if (!oflag(l, kTOPost)) {
    out.write(s, n);
    return;
  }
  // Runs without conversion go out whole.
  size_t start = 0;
  for (size_t i = 0; i < n; i++) {
    u8 c = u8(s[i]);
    if (c == '\n' || c == '\r' || c == '\t' || c == '\b') {
      if (i > start) out.write(s + start, i - start);
      out_char(l, c, out);
      start = i + 1;
    } else if (!is_control(c)) {
      l.column++;
    }
  }
  if (n > start) out.write(s + start, n - start);
}

}  // namespace tine
