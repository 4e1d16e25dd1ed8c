#include "core/vfs/namei.h"

#include "core/lib/string.h"
#include "core/vfs/mount.h"
#include "core/vfs/namecache.h"
#include "core/vm/heap.h"

namespace tine {

namespace {

// A kPathMax buffer a kernel stack should not carry.
struct PathBuf {
  char* p = static_cast<char*>(kmalloc(kPathMax));
  ~PathBuf() { kfree(p); }
  PathBuf() = default;
  PathBuf(const PathBuf&) = delete;
  PathBuf& operator=(const PathBuf&) = delete;
};

bool is_dot(const char* n) { return n[0] == '.' && n[1] == '\0'; }
bool is_dotdot(const char* n) { return n[0] == '.' && n[1] == '.' && n[2] == '\0'; }

// "..", which stays at the namespace root and, at a mount's root, first
// climbs to the directory the mount covers (as NetBSD's lookup does with
// VV_ROOT and mnt_vnodecovered).
Result<Vnode*> lookup_dotdot(Vnode* root, Vnode* dir) {
  vnode_hold(dir);
  VnodeRef d(dir);
  for (;;) {
    if (d.get() == root) return d.take();
    Mount* m = d->mount;
    // Holding a mount's root keeps it mounted (vfs_unmount says Busy).
    if (m && m->root == d.get() && m->covered) {
      vnode_hold(m->covered);
      d.reset(m->covered);
      continue;
    }
    break;
  }
  if (!d->ops->lookup) return Error::NoEnt;
  return d->ops->lookup(*d, "..");
}

}  // namespace

bool vnode_may(Vnode& vp, const NameiCred& cred, u32 want) {
  VAttr va;
  vnode_getattr(vp, va);
  if (cred.uid == 0) {
    // Root may search any directory, but execute a file only if someone may.
    if ((want & 1) && va.type != VType::Dir) return (va.mode & 0111) != 0;
    return true;
  }
  u32 bits = va.mode;
  bool in_group = va.gid == cred.gid;
  for (u32 i = 0; i < cred.ngroups && !in_group; ++i) in_group = cred.groups[i] == va.gid;
  if (va.uid == cred.uid) {
    bits >>= 6;
  } else if (in_group) {
    bits >>= 3;
  }
  return (bits & want & 7) == (want & 7);
}

Result<Vnode*> namei_lookup_one(Vnode* dir, const char* name) {
  if (!dir->is_dir()) return Error::NotDir;
  if (is_dot(name)) {
    vnode_hold(dir);
    return dir;
  }
  if (is_dotdot(name)) {
    VnodeRef root(vfs_root());
    return TRY(lookup_dotdot(root.get(), dir));
  }
  const bool cache = dir->mount && dir->mount->type->namecache;
  Vnode* vp = cache ? namecache_lookup(dir, name) : nullptr;
  if (!vp) {
    if (!dir->ops->lookup) return Error::NoEnt;
    vp = TRY(dir->ops->lookup(*dir, name));
    if (cache) namecache_enter(dir, name, vp);
  }
  return vfs_cross_mount(vp);
}

Result<void> namei(Vnode* start, const char* path, int flags, Nameidata& nd,
                   const NameiCred& cred) {
  KASSERT(!nd.dvp && !nd.vp);
  if (path[0] == '\0') return Error::NoEnt;
  const size_t plen = strlen(path);
  if (plen >= kPathMax) return Error::NameTooLong;
  PathBuf buf, target;
  char* name = static_cast<char*>(kmalloc(kNameMax + 1));
  struct NameFree {
    char* p;
    ~NameFree() { kfree(p); }
  } name_free{name};
  if (!buf.p || !target.p || !name) return Error::NoMem;
  memcpy(buf.p, path, plen + 1);

  VnodeRef root(vfs_root());
  VnodeRef cur;
  if (buf.p[0] == '/' || !start) {
    vnode_hold(root.get());
    cur.reset(root.get());
  } else {
    vnode_hold(start);
    cur.reset(start);
  }
  int links = 0;
  char* p = buf.p;
  for (;;) {
    while (*p == '/') p++;
    if (*p == '\0') {
      // No component left: the path was "/" (or a symlink to it ended it).
      if (!cur->is_dir()) return Error::NotDir;
      nd.last[0] = '\0';
      nd.trailing_slash = true;
      nd.vp = cur.take();
      return ok();
    }
    const char* c = p;
    while (*p && *p != '/') p++;
    const size_t len = size_t(p - c);
    if (len > kNameMax) return Error::NameTooLong;
    memcpy(name, c, len);
    name[len] = '\0';
    const char* q = p;
    while (*q == '/') q++;
    const bool last = *q == '\0';
    const bool slash = q != p;

    if (!cur->is_dir()) return Error::NotDir;
    if (cred.uid != 0 && !vnode_may(*cur, cred, 1)) return Error::Access;
    Result<Vnode*> found = namei_lookup_one(cur.get(), name);
    if (!found.ok()) {
      if (found.error() == Error::NoEnt && last && (flags & kNameiParent)) {
        memcpy(nd.last, name, len + 1);
        nd.trailing_slash = slash;
        nd.dvp = cur.take();
        return ok();
      }
      return found.error();
    }
    VnodeRef next(found.value());

    const bool follow = next->type == VType::Lnk && (!last || slash || (flags & kNameiFollow));
    if (follow && ++links > kSymlinkMax) return Error::Loop;
    if (follow && next->ops->jump) {
      // A magic link: the walk goes on at the vnode it names.
      next.reset(TRY(next->ops->jump(*next)));
    } else if (follow) {
      if (!next->ops->readlink) return Error::Inval;
      const size_t tlen = TRY(next->ops->readlink(*next, target.p, kPathMax - 1));
      if (tlen == 0) return Error::NoEnt;
      // The target replaces the component; the rest of the path follows.
      const size_t rest = strlen(p);
      if (tlen + rest + 1 > kPathMax) return Error::NameTooLong;
      memmove(buf.p + tlen, p, rest + 1);
      memcpy(buf.p, target.p, tlen);
      p = buf.p;
      if (buf.p[0] == '/') {
        vnode_hold(root.get());
        cur.reset(root.get());
      }
      continue;  // a relative target resolves in cur, the link's directory
    }
    if (last) {
      if (slash && !next->is_dir()) return Error::NotDir;
      if (flags & kNameiParent) {
        memcpy(nd.last, name, len + 1);
        nd.dvp = cur.take();
      }
      nd.trailing_slash = slash;
      nd.vp = next.take();
      return ok();
    }
    cur = static_cast<VnodeRef&&>(next);
  }
}

}  // namespace tine
