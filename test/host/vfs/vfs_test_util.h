// Helpers for the VFS host tests: a fresh tmpfs root per test case and
// short ways to make nodes through the VnodeOps.
#pragma once

#include <catch2/catch.hpp>

#include <string>

#include "core/vfs/mount.h"
#include "core/vfs/namei.h"
#include "core/vfs/tmpfs/tmpfs.h"
#include "core/vfs/vnode.h"
#include "test/host/sched_machine.h"

namespace tine::test {

// A tmpfs root for one test case; on exit everything is unmounted and no
// vnode may be left alive (a leak fails the test).
struct TmpRoot {
  u64 vnodes_before;
  TmpRoot() {
    start_sched_machine();
    vnodes_before = vnode_live_count();
    REQUIRE(vfs_mount_root(&kTmpfsType).ok());
  }
  ~TmpRoot() {
    vfs_reset();
    CHECK(vnode_live_count() == vnodes_before);
  }
};

// The vnode at path (held), or the error.
inline Result<Vnode*> lookup(const char* path, int flags = kNameiFollow, Vnode* start = nullptr) {
  Nameidata nd;
  TRY(namei(start, path, flags, nd));
  Vnode* vp = nd.vp;
  nd.vp = nullptr;
  return vp;
}

inline Error lookup_error(const char* path, int flags = kNameiFollow, Vnode* start = nullptr) {
  Result<Vnode*> r = lookup(path, flags, start);
  if (r.ok()) {
    vnode_release(r.value());
    return Error{};
  }
  return r.error();
}

// The parent directory of path and its final name, made through the ops.
struct Parent {
  Nameidata nd;
  explicit Parent(const char* path) { REQUIRE(namei(nullptr, path, kNameiParent, nd).ok()); }
};

inline void mkdir_p(const char* path, u32 mode = 0755) {
  Parent p(path);
  REQUIRE(p.nd.vp == nullptr);
  REQUIRE(p.nd.dvp->ops->mkdir(*p.nd.dvp, p.nd.last, VCreate{.mode = mode}).ok());
}

inline void make_file(const char* path, const std::string& data = "", u32 mode = 0644) {
  Parent p(path);
  REQUIRE(p.nd.vp == nullptr);
  Result<Vnode*> f = p.nd.dvp->ops->create(*p.nd.dvp, p.nd.last, VCreate{.mode = mode});
  REQUIRE(f.ok());
  VnodeRef vp(f.value());
  if (!data.empty()) {
    Result<size_t> w = vp->ops->write(*vp, 0, VIo{reinterpret_cast<uptr>(data.data()), false},
                                     data.size());
    REQUIRE(w.ok());
    REQUIRE(w.value() == data.size());
  }
}

inline void make_symlink(const char* path, const char* target) {
  Parent p(path);
  REQUIRE(p.nd.vp == nullptr);
  REQUIRE(p.nd.dvp->ops->symlink(*p.nd.dvp, p.nd.last, target, VCreate{.mode = 0777}).ok());
}

// The whole content of a regular file.
inline std::string read_all(Vnode* vp) {
  std::string out;
  char buf[1000];
  for (u64 off = 0;;) {
    Result<size_t> r = vp->ops->read(*vp, off, VIo{reinterpret_cast<uptr>(buf), false}, sizeof buf);
    REQUIRE(r.ok());
    if (r.value() == 0) break;
    out.append(buf, r.value());
    off += r.value();
  }
  return out;
}

inline u64 ino_of(const char* path) {
  Result<Vnode*> r = lookup(path);
  REQUIRE(r.ok());
  VnodeRef vp(r.value());
  return vp->ino;
}

}  // namespace tine::test
