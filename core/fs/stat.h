// struct stat as user space sees it: Linux's asm-generic layout, which
// riscv64 uses (128 bytes; glibc's struct stat on riscv64 is the same).
// FileStat (core/fs/file.h) is what the backends fill; this is only the
// layout it is copied out in.
#pragma once

#include "core/fs/file.h"
#include "core/lib/types.h"

namespace tine {

struct UserStat {
  u64 st_dev;
  u64 st_ino;
  u32 st_mode;
  u32 st_nlink;
  u32 st_uid;
  u32 st_gid;
  u64 st_rdev;
  u64 pad1;
  i64 st_size;
  i32 st_blksize;
  i32 pad2;
  i64 st_blocks;  // 512-byte units
  i64 st_atime;
  u64 st_atime_nsec;
  i64 st_mtime;
  u64 st_mtime_nsec;
  i64 st_ctime;
  u64 st_ctime_nsec;
  u32 unused4;
  u32 unused5;
};
static_assert(sizeof(UserStat) == 128);
static_assert(__builtin_offsetof(UserStat, st_mode) == 16);
static_assert(__builtin_offsetof(UserStat, st_rdev) == 32);
static_assert(__builtin_offsetof(UserStat, st_size) == 48);
static_assert(__builtin_offsetof(UserStat, st_blksize) == 56);
static_assert(__builtin_offsetof(UserStat, st_blocks) == 64);
static_assert(__builtin_offsetof(UserStat, st_atime) == 72);

// Owner root, no times (the initrd keeps none Tine reads yet).
inline UserStat user_stat(const FileStat& s) {
  UserStat u{};
  u.st_dev = s.dev;
  u.st_ino = s.ino;
  u.st_mode = s.mode;
  u.st_nlink = s.nlink;
  u.st_rdev = s.rdev;
  u.st_size = s.size;
  u.st_blksize = s.blksize;
  u.st_blocks = (s.size + 511) / 512;
  return u;
}

}  // namespace tine
