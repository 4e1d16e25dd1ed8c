// Read-only access to a cpio "newc" archive (the initrd format of Linux's
// gen_init_cpio and `cpio -H newc`), in place: nothing is copied, nothing is
// allocated, and nothing past the archive's size is ever read.
//
// Layout of one entry, offsets from the start of the archive:
//   110-byte header: "070701" then 13 fields of 8 ASCII hex digits
//   name: namesize bytes including its NUL, padded so the data starts at a
//         multiple of 4
//   data: filesize bytes, padded to a multiple of 4
// The archive ends at the entry named "TRAILER!!!".
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

// File type bits of CpioFile::mode (the st_mode encoding).
inline constexpr u32 kCpioTypeMask = 0170000;
inline constexpr u32 kCpioDir = 0040000;
inline constexpr u32 kCpioReg = 0100000;
inline constexpr u32 kCpioSymlink = 0120000;
inline constexpr u32 kCpioFifo = 0010000;

// One entry. Everything points into the archive, which lives in a read-only
// section, so `name` is not NUL-terminated: use name_len. The name is the
// stored one with its leading "/" and "./" removed ("./bin/sh" -> "bin/sh";
// the root entry "." has name_len 0). A symlink's data is its target.
// A hard-linked file carries its data only on the last of its links; the
// others have size 0, as cpio writes them.
struct CpioFile {
  const char* name;
  size_t name_len;
  const u8* data;
  size_t size;
  u32 mode;
  // The header's other fields that a file system seeded from the archive
  // keeps: entries with one ino and nlink > 1 are hard links of one file.
  u32 ino = 0;
  u32 nlink = 1;
  u32 uid = 0, gid = 0;
  u32 mtime = 0;

  bool is_dir() const { return (mode & kCpioTypeMask) == kCpioDir; }
  bool is_reg() const { return (mode & kCpioTypeMask) == kCpioReg; }
};

class CpioArchive {
 public:
  // An empty archive: no entries (an image without an initrd).
  CpioArchive() = default;
  // The archive must stay mapped for the life of this object and of every
  // CpioFile it hands out. It needs no alignment.
  CpioArchive(const void* base, size_t size) : base_(static_cast<const u8*>(base)), size_(size) {}

  // Looks a path up; leading '/' and "./" are ignored on both sides, and "",
  // "/" and "." name the root entry ".". Error::NoEnt if absent,
  // Error::Inval if the archive is malformed before the entry is found.
  Result<CpioFile> find(const char* path) const;

  // Visits every entry in order (not the trailer). F: bool(const CpioFile&),
  // returning false to stop early (then the rest is not checked). Error::Inval
  // on a malformed archive; entries before the fault have been visited.
  template <typename F>
  Result<void> for_each(F&& f) const {
    size_t off = 0;
    for (;;) {
      CpioFile file{};
      bool more = TRY(next(off, file));
      if (!more || !f(static_cast<const CpioFile&>(file))) return ok();
    }
  }

 private:
  // Decodes the entry at `off` into `out` and moves `off` to the next one.
  // False at the trailer (and for an empty archive), Error::Inval if the entry
  // is malformed or runs past the end.
  Result<bool> next(size_t& off, CpioFile& out) const;

  const u8* base_ = nullptr;
  size_t size_ = 0;
};

}  // namespace tine
