// Helpers shared by the file-layer host tests (test_file_*.cpp).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "core/fs/cwd.h"
#include "core/fs/file.h"
#include "core/fs/filedesc.h"
#include "core/lib/result.h"
#include "core/vfs/initrd_seed.h"
#include "core/vfs/mount.h"
#include "core/vfs/namei.h"
#include "core/vfs/tmpfs/tmpfs.h"
#include "test/host/fake_uaccess.h"
#include "test/host/sched_machine.h"

namespace tine::test {

// A host pointer as the syscalls' user address.
inline uptr U(const void* p) { return reinterpret_cast<uptr>(p); }

// A table for one test, released at the end of scope.
inline FileTable* new_table() { return MUST(filetable_create()); }
struct Table {
  FileTable* t = new_table();
  ~Table() {
    if (t) filetable_release(t);
  }
  FileTable* operator->() const { return t; }
  operator FileTable*() const { return t; }
};

// Two pages of memory, page aligned, whose second page faults in copyin
// and copyout while this object lives.
struct HalfPoisoned {
  char* mem = static_cast<char*>(std::aligned_alloc(kPageSize, 2 * kPageSize));
  HalfPoisoned() {
    std::memset(mem, 'p', 2 * kPageSize);
    fake_uaccess_poison(U(mem + kPageSize), U(mem + 2 * kPageSize));
  }
  ~HalfPoisoned() {
    fake_uaccess_poison(0, 0);
    std::free(mem);
  }
  // n bytes before the poisoned page.
  char* before_poison(size_t n) const { return mem + kPageSize - n; }
};

// A cpio "newc" archive built entry by entry, as scripts/mkinitrd.py writes
// it (the same layout test_cpio.cpp checks in detail).
class CpioBuilder {
 public:
  CpioBuilder& dir(const std::string& name) { return put(name, "", 0040755); }
  CpioBuilder& file(const std::string& name, const std::string& data) {
    return put(name, data, 0100755);
  }
  CpioBuilder& symlink(const std::string& name, const std::string& target) {
    return put(name, target, 0120777);
  }
  // The finished archive (with its trailer), in a heap block of exactly its
  // size, so ASan sees any read past the end.
  std::vector<u8> finish() {
    put("TRAILER!!!", "", 0);
    return bytes_;
  }

 private:
  CpioBuilder& put(const std::string& name, const std::string& data, u32 mode) {
    char hdr[111];
    std::snprintf(hdr, sizeof hdr,
                  "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x", ino_++,
                  mode, 0u, 0u, 1u, 0u, unsigned(data.size()), 0u, 0u, 0u, 0u,
                  unsigned(name.size() + 1), 0u);
    bytes_.insert(bytes_.end(), hdr, hdr + 110);
    bytes_.insert(bytes_.end(), name.begin(), name.end());
    bytes_.push_back(0);
    pad4();
    bytes_.insert(bytes_.end(), data.begin(), data.end());
    pad4();
    return *this;
  }
  void pad4() {
    while (bytes_.size() % 4) bytes_.push_back(0);
  }
  std::vector<u8> bytes_;
  unsigned ino_ = 1;
};

// A tmpfs root seeded from an archive, as boot makes it, for one test;
// everything is unmounted at the end of scope.
struct SeededRoot {
  explicit SeededRoot(const std::vector<u8>& archive) {
    MUST(vfs_mount_root(&kTmpfsType));
    MUST(vfs_seed_cpio(archive.data(), archive.size()));
  }
  ~SeededRoot() { vfs_reset(); }
  SeededRoot(const SeededRoot&) = delete;
  SeededRoot& operator=(const SeededRoot&) = delete;
};

// A cwd at an absolute directory path, released at the end of scope.
struct CwdAt {
  CwdInfo* c;
  explicit CwdAt(const char* path) {
    c = MUST(cwd_create());
    Nameidata nd;
    MUST(namei(nullptr, path, kNameiFollow, nd));
    cwd_set(c, nd.vp);
  }
  ~CwdAt() { cwd_release(c); }
  CwdAt(const CwdAt&) = delete;
  CwdAt& operator=(const CwdAt&) = delete;
};

}  // namespace tine::test
