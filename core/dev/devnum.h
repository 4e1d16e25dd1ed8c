// Device numbers as Linux hands them out (Documentation/admin-guide/
// devices.txt), so that `ls -l /dev` and stat's st_rdev read as on Linux,
// and the one encoding of a (major, minor) pair that user space sees.
#pragma once

#include "core/lib/types.h"

namespace tine {

// stat's st_rdev and /proc/<pid>/stat's tty_nr: Linux's new_encode_dev,
// which glibc's major() and minor() take apart (12-bit major, 20-bit minor).
constexpr u64 dev_encode(u32 major, u32 minor) {
  return (minor & 0xffu) | (u64(major & 0xfffu) << 8) | (u64(minor & ~0xffu) << 12);
}

// Character devices of major 1, "mem".
inline constexpr u32 kMemMajor = 1;
inline constexpr u32 kNullMinor = 3;
inline constexpr u32 kZeroMinor = 5;
inline constexpr u32 kFullMinor = 7;
inline constexpr u32 kRandomMinor = 8;
inline constexpr u32 kUrandomMinor = 9;
// /dev/tty (5:0) and /dev/console (5:1).
inline constexpr u32 kTtyAuxMajor = 5;
inline constexpr u32 kTtyMinor = 0;
inline constexpr u32 kConsoleMinor = 1;

// fstat's st_dev of every device node: one "devtmpfs", the value the
// console File reports already (core/fs/file_console.cpp).
inline constexpr u64 kDevfsDev = 0x6;

}  // namespace tine
