// Terminal settings as Linux's riscv64 user ABI lays them out
// (include/uapi/asm-generic/termbits.h and ioctls.h): struct termios, the
// flag bits Tine acts on, the c_cc indices and the tty ioctl numbers.
// Named kT* / kV* because the host tests see libc's macros.
#pragma once

#include "core/lib/types.h"

namespace tine {

inline constexpr unsigned kNccs = 19;

// struct termios (TCGETS/TCSETS): tcflag_t is unsigned int, cc_t a byte.
struct Termios {
  u32 c_iflag;
  u32 c_oflag;
  u32 c_cflag;
  u32 c_lflag;
  u8 c_line;
  u8 c_cc[kNccs];
};
static_assert(sizeof(Termios) == 36, "Linux's asm-generic struct termios");

// struct winsize (TIOCGWINSZ/TIOCSWINSZ).
struct Winsize {
  u16 ws_row, ws_col, ws_xpixel, ws_ypixel;
};
static_assert(sizeof(Winsize) == 8);

// c_cc indices.
inline constexpr unsigned kVIntr = 0, kVQuit = 1, kVErase = 2, kVKill = 3, kVEof = 4,
                          kVTime = 5, kVMin = 6, kVSwtc = 7, kVStart = 8, kVStop = 9,
                          kVSusp = 10, kVEol = 11, kVReprint = 12, kVDiscard = 13,
                          kVWerase = 14, kVLnext = 15, kVEol2 = 16;

// c_iflag.
inline constexpr u32 kTIgnBrk = 0000001, kTBrkInt = 0000002, kTIStrip = 0000040,
                     kTInlCr = 0000100, kTIgnCr = 0000200, kTICrNl = 0000400,
                     kTIXon = 0002000;
// c_oflag.
inline constexpr u32 kTOPost = 0000001, kTOnlCr = 0000004, kTOCrNl = 0000010,
                     kTOnoCr = 0000020, kTOnlRet = 0000040;
// c_cflag.
inline constexpr u32 kTB38400 = 0000017, kTCs8 = 0000060, kTCRead = 0000200,
                     kTHupCl = 0002000;
// c_lflag.
inline constexpr u32 kTIsig = 0000001, kTICanon = 0000002, kTEcho = 0000010,
                     kTEchoE = 0000020, kTEchoK = 0000040, kTEchoNl = 0000100,
                     kTNoFlsh = 0000200, kTToStop = 0000400, kTEchoCtl = 0001000,
                     kTEchoKe = 0004000, kTIExten = 0100000;

// Linux's tty_std_termios: what a fresh tty starts with (cooked, echoing,
// ^C ^\ DEL ^U ^D, 38400 8N1).
inline constexpr Termios kTermiosDefault = {
    .c_iflag = kTICrNl | kTIXon,
    .c_oflag = kTOPost | kTOnlCr,
    .c_cflag = kTB38400 | kTCs8 | kTCRead | kTHupCl,
    .c_lflag = kTIsig | kTICanon | kTEcho | kTEchoE | kTEchoK | kTEchoCtl | kTEchoKe |
               kTIExten,
    .c_line = 0,
    .c_cc = {3, 28, 127, 21, 4, 0, 1, 0, 17, 19, 26, 0, 18, 15, 23, 22, 0, 0, 0},
};

// ioctl numbers (asm-generic/ioctls.h).
inline constexpr u32 kTcGets = 0x5401, kTcSets = 0x5402, kTcSetsW = 0x5403,
                     kTcSetsF = 0x5404, kTcSbrk = 0x5409, kTcXonc = 0x540A,
                     kTcFlsh = 0x540B, kTiocSctty = 0x540E, kTiocGpgrp = 0x540F,
                     kTiocSpgrp = 0x5410, kTiocOutq = 0x5411, kTiocGwinsz = 0x5413,
                     kTiocSwinsz = 0x5414, kFionread = 0x541B, kTiocNotty = 0x5422,
                     kTiocGsid = 0x5429;
// TCFLSH's argument.
inline constexpr uptr kTcIFlush = 0, kTcOFlush = 1, kTcIOFlush = 2;

}  // namespace tine
