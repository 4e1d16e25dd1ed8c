// core/tty/ldisc: the line discipline byte by byte, against what Linux's
// n_tty does with the same settings.
#include <catch2/catch.hpp>

#include <string>

#include "core/proc/sigacts.h"
#include "core/tty/ldisc.h"

using namespace tine;

namespace {

struct Term {
  Ldisc l;
  std::string echoed;
  TtyOut out{[](void* ctx, const char* s, size_t n) {
               static_cast<std::string*>(ctx)->append(s, n);
             },
             &echoed};
  explicit Term(const Termios& t = kTermiosDefault) { ldisc_init(l, t); }

  // Types each byte; returns the signals raised, in order, as digits.
  std::string type(const std::string& s) {
    std::string sigs;
    for (char c : s) {
      int sig = ldisc_input(l, u8(c), out);
      if (sig) sigs += std::to_string(sig) + " ";
    }
    return sigs;
  }
  std::string read(size_t n = 4096) {
    std::string buf(n, '\0');
    buf.resize(ldisc_read(l, buf.data(), n));
    return buf;
  }
  std::string write(const std::string& s) {
    echoed.clear();
    ldisc_output(l, s.data(), s.size(), out);
    return echoed;
  }
};

Termios raw_mode() {
  Termios t = kTermiosDefault;
  t.c_lflag &= ~(kTICanon | kTEcho | kTIsig);
  t.c_iflag &= ~kTICrNl;
  t.c_oflag &= ~kTOPost;
  return t;
}

}  // namespace

TEST_CASE("ldisc: a line is readable only once ended, CR reads as LF, echoed", "[tty]") {
  Term t;
  t.type("ls -l");
  CHECK_FALSE(ldisc_can_read(t.l));
  CHECK(ldisc_readable(t.l) == 0);
  t.type("\r");
  REQUIRE(ldisc_can_read(t.l));
  CHECK(ldisc_readable(t.l) == 6);
  CHECK(t.echoed == "ls -l\r\n");  // ONLCR on the echo
  CHECK(t.read() == "ls -l\n");
  CHECK_FALSE(ldisc_can_read(t.l));
}

TEST_CASE("ldisc: a read returns one line at a time, a short read the rest later", "[tty]") {
  Term t;
  t.type("one\ntwo\n");
  CHECK(t.read() == "one\n");
  CHECK(t.read(2) == "tw");
  CHECK(ldisc_can_read(t.l));
  CHECK(t.read() == "o\n");
  CHECK_FALSE(ldisc_can_read(t.l));
}

TEST_CASE("ldisc: erase with DEL and ^H, on screen too", "[tty]") {
  Term t;
  t.type("cax\x7f\bt\n");
  CHECK(t.read() == "ct\n");
  CHECK(t.echoed == "cax\b \b\b \bt\r\n");
  // Nothing to erase: nothing happens.
  t.echoed.clear();
  t.type("\x7f");
  CHECK(t.echoed.empty());
}

TEST_CASE("ldisc: erasing a control byte echoed as ^X backs over two columns", "[tty]") {
  Term t;
  t.type("a\x01\x7f\n");
  CHECK(t.echoed == "a^A\b \b\b \b\r\n");
  CHECK(t.read() == "a\n");
}

TEST_CASE("ldisc: ^U kills the line, ^W a word", "[tty]") {
  Term t;
  t.type("echo hi  \x17" "there\n");
  CHECK(t.read() == "echo there\n");
  t.type("garbage\x15ok\n");
  CHECK(t.read() == "ok\n");
  // ^U never reaches into an ended line.
  t.type("kept\n\x15");
  CHECK(t.read() == "kept\n");
}

TEST_CASE("ldisc: ^D on an empty line is end of file, after text it ends the line", "[tty]") {
  Term t;
  t.type("\x04");
  REQUIRE(ldisc_can_read(t.l));
  CHECK(ldisc_readable(t.l) == 0);
  CHECK(t.read() == "");  // end of file
  CHECK_FALSE(ldisc_can_read(t.l));
  t.type("abc\x04");
  CHECK(t.echoed == "abc");  // ^D is not echoed
  CHECK(t.read() == "abc");
  CHECK_FALSE(ldisc_can_read(t.l));  // and no end of file left behind
  // A read exactly as long as the line takes the ^D with it.
  t.type("xyz\x04");
  CHECK(t.read(3) == "xyz");
  CHECK_FALSE(ldisc_can_read(t.l));
}

TEST_CASE("ldisc: ^C ^\\ ^Z raise SIGINT SIGQUIT SIGTSTP, echo, and flush the input",
          "[tty]") {
  Term t;
  CHECK(t.type("half a line\x03") == std::to_string(kSigInt) + " ");
  CHECK(t.echoed == "half a line^C");
  CHECK_FALSE(ldisc_can_read(t.l));
  t.type("x\n");
  CHECK(t.read() == "x\n");  // the half line is gone
  CHECK(t.type("\x1c") == std::to_string(kSigQuit) + " ");
  CHECK(t.type("\x1a") == std::to_string(kSigTstp) + " ");
  // In raw mode too, while ISIG is on.
  Termios cb = kTermiosDefault;
  cb.c_lflag &= ~kTICanon;
  ldisc_set_termios(t.l, cb);
  CHECK(t.type("\x03") == std::to_string(kSigInt) + " ");
}

TEST_CASE("ldisc: NOFLSH keeps the input; without ISIG ^C is a byte", "[tty]") {
  Termios nf = kTermiosDefault;
  nf.c_lflag |= kTNoFlsh;
  Term t(nf);
  t.type("keep");
  CHECK(t.type("\x03") != "");
  t.type("\n");
  CHECK(t.read() == "keep\n");
  Termios noisig = kTermiosDefault;
  noisig.c_lflag &= ~kTIsig;
  Term u(noisig);
  CHECK(u.type("\x03\n") == "");
  CHECK(u.read() == "\x03\n");
}

TEST_CASE("ldisc: raw mode: bytes readable at once, unchanged, not echoed", "[tty]") {
  Term t(raw_mode());
  t.type("a\r\x7f\x03");
  CHECK(t.echoed.empty());
  CHECK(ldisc_can_read(t.l));
  CHECK(ldisc_can_read(t.l, 4));
  CHECK_FALSE(ldisc_can_read(t.l, 5));  // VMIN-style minimum
  CHECK(ldisc_readable(t.l) == 4);
  CHECK(t.read(2) == "a\r");
  CHECK(t.read() == "\x7f\x03");
  CHECK(t.write("x\ny") == "x\ny");  // no OPOST: no CR added
}

TEST_CASE("ldisc: cbreak (no ICANON, ECHO on) echoes and reads byte by byte", "[tty]") {
  Termios cb = kTermiosDefault;
  cb.c_lflag &= ~kTICanon;
  Term t(cb);
  t.type("q");
  CHECK(t.echoed == "q");
  CHECK(t.read() == "q");
  t.type("\x7f");  // no erasing without ICANON: a byte
  CHECK(t.read() == "\x7f");
}

TEST_CASE("ldisc: leaving canonical mode makes the edited line readable", "[tty]") {
  Term t;
  t.type("part");
  CHECK_FALSE(ldisc_can_read(t.l));
  ldisc_set_termios(t.l, raw_mode());
  CHECK(t.read() == "part");
}

TEST_CASE("ldisc: ICRNL off keeps CR; IGNCR drops it; INLCR maps NL to CR", "[tty]") {
  Termios a = kTermiosDefault;
  a.c_iflag &= ~kTICrNl;
  Term t(a);
  t.type("x\r\n");
  CHECK(t.read() == "x\r\n");
  a.c_iflag |= kTIgnCr;
  Term u(a);
  u.type("y\r\n");
  CHECK(u.read() == "y\n");
  Termios b = raw_mode();
  b.c_iflag |= kTInlCr;
  Term v(b);
  v.type("\n");
  CHECK(v.read() == "\r");
}

TEST_CASE("ldisc: ECHONL echoes a newline without ECHO", "[tty]") {
  Termios a = kTermiosDefault;
  a.c_lflag = (a.c_lflag & ~kTEcho) | kTEchoNl;
  Term t(a);
  t.type("secret\n");
  CHECK(t.echoed == "\r\n");
  CHECK(t.read() == "secret\n");
}

TEST_CASE("ldisc: OPOST ONLCR output; OPOST off leaves it", "[tty]") {
  Term t;
  CHECK(t.write("a\nb\n") == "a\r\nb\r\n");
  Termios a = kTermiosDefault;
  a.c_oflag &= ~kTOnlCr;
  ldisc_set_termios(t.l, a);
  CHECK(t.write("a\nb") == "a\nb");
  a.c_oflag |= kTOCrNl;
  ldisc_set_termios(t.l, a);
  CHECK(t.write("\r") == "\n");
}

TEST_CASE("ldisc: a full buffer keeps room for the newline that ends the line", "[tty]") {
  Term t;
  t.type(std::string(Ldisc::kSize + 10, 'z'));
  CHECK_FALSE(ldisc_can_read(t.l));
  t.type("\n");
  REQUIRE(ldisc_can_read(t.l));
  std::string line = t.read();
  CHECK(line.size() == Ldisc::kSize);
  CHECK(line.back() == '\n');
}

TEST_CASE("ldisc: the ring wraps around intact", "[tty]") {
  Term t;
  for (int i = 0; i < 3000; i++) {
    std::string line = "line " + std::to_string(i) + "\n";
    t.type(line);
    REQUIRE(t.read() == line);
  }
}

TEST_CASE("ldisc: a disabled control character (0) matches nothing", "[tty]") {
  Termios a = kTermiosDefault;
  a.c_cc[kVIntr] = 0;
  Term t(a);
  CHECK(t.type(std::string("\0\n", 2)) == "");
  CHECK(t.read() == std::string("\0\n", 2));
}
