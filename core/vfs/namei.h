// namei: a path to a vnode (NetBSD's namei/lookup, much reduced). The walk
// starts at the namespace root for an absolute path, else at `start` (the
// cwd or an *at call's directory); it resolves "." and "..", crosses mount
// points both ways, follows symlinks (at most kSymlinkMax per walk, then
// Loop; a relative target resolves in the link's directory), and uses the
// name cache.
//
// Errors as Linux's path walk: NoEnt ("" or a missing component), NotDir
// (a component used as a directory is not one, or a trailing '/' after a
// non-directory), NameTooLong (a component over kNameMax bytes), Loop,
// Access (no search permission on a directory, for a non-root cred).
#pragma once

#include "core/lib/result.h"
#include "core/vfs/vnode.h"

namespace tine {

// Follow a symlink in the final component (stat, open without
// O_NOFOLLOW); a trailing '/' follows it regardless, as Linux does.
inline constexpr int kNameiFollow = 1 << 0;
// The caller will create or remove the final name: also return its
// directory and the name, and succeed when only the final name is missing.
inline constexpr int kNameiParent = 1 << 1;

struct Nameidata {
  Vnode* dvp = nullptr;  // kNameiParent: the final name's directory, held
  Vnode* vp = nullptr;   // the node, held; null with kNameiParent if missing
  // kNameiParent: the final component; "" when the path has none ("/"),
  // and then dvp is null. May be "." or "..".
  char last[kNameMax + 1] = "";
  bool trailing_slash = false;  // the path ended in '/'

  Nameidata() = default;
  Nameidata(const Nameidata&) = delete;
  Nameidata& operator=(const Nameidata&) = delete;
  ~Nameidata() { clear(); }
  void clear() {
    if (dvp) vnode_release(dvp);
    if (vp) vnode_release(vp);
    dvp = vp = nullptr;
  }
  bool last_is_dot() const { return last[0] == '.' && last[1] == '\0'; }
  bool last_is_dotdot() const { return last[0] == '.' && last[1] == '.' && last[2] == '\0'; }
};

// Who walks: search permission on directories is checked for a non-root
// uid (root passes all, as Linux's CAP_DAC_OVERRIDE).
struct NameiCred {
  u32 uid = 0, gid = 0;
  // The supplementary groups (borrowed from the caller's Cred, which
  // outlives the call): a file's group bits apply to them too.
  const u32* groups = nullptr;
  u32 ngroups = 0;
};

// Walks `path` (a kernel string, < kPathMax bytes) from `start` (held by
// the caller; ignored for absolute paths; null means the root) into nd,
// which must be empty. On error nd is left empty.
Result<void> namei(Vnode* start, const char* path, int flags, Nameidata& nd,
                   const NameiCred& cred = {});

// May cred search (`want` = 1), write (2) or read (4) vp? Root may do
// anything but execute a file no one may execute.
bool vnode_may(Vnode& vp, const NameiCred& cred, u32 want);

// One component in dir (a directory; "." and ".." included, mounts
// crossed), through the name cache. Held.
Result<Vnode*> namei_lookup_one(Vnode* dir, const char* name);

}  // namespace tine
