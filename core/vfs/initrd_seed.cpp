#include "core/vfs/initrd_seed.h"

#include "core/fs/cpio.h"
#include "core/lib/string.h"
#include "core/vfs/mount.h"
#include "core/vfs/namecache.h"
#include "core/vfs/namei.h"
#include "core/vm/heap.h"

namespace tine {

namespace {

// Hard-link groups seen so far: the archive's ino -> the vnode made for it.
struct LinkSeen {
  LinkSeen* next;
  u32 ino;
  Vnode* vp;  // held
};

struct Seeder {
  LinkSeen* seen = nullptr;
  char* path = static_cast<char*>(kmalloc(kPathMax));

  ~Seeder() {
    while (seen) {
      LinkSeen* n = seen->next;
      vnode_release(seen->vp);
      kfree(seen);
      seen = n;
    }
    kfree(path);
  }

  Vnode* find_link(u32 ino) {
    for (LinkSeen* l = seen; l; l = l->next)
      if (l->ino == ino) return l->vp;
    return nullptr;
  }

  // Makes every directory on the way to the last component of `path`.
  Result<void> make_parents() {
    for (char* p = path; (p = strchr(p, '/')) != nullptr; p++) {
      *p = '\0';
      Result<void> r = mkdir_one(path, VCreate{.mode = 0755});
      *p = '/';
      TRY(r);
    }
    return ok();
  }

  static Result<void> mkdir_one(const char* p, const VCreate& c) {
    Nameidata nd;
    TRY(namei(nullptr, p, kNameiParent, nd));
    if (nd.vp) return nd.vp->is_dir() ? Result<void>() : Result<void>(Error::NotDir);
    return nd.dvp->ops->mkdir(*nd.dvp, nd.last, c);
  }

  Result<void> add(const CpioFile& e) {
    if (e.name_len == 0) return ok();  // "." : the root keeps its own mode
    if (e.name_len >= kPathMax) return Error::NameTooLong;
    memcpy(path, e.name, e.name_len);
    path[e.name_len] = '\0';
    TRY(make_parents());
    const VCreate c{.mode = e.mode & 07777, .uid = e.uid, .gid = e.gid};
    const VType type = mode_to_vtype(e.mode);
    Nameidata nd;
    TRY(namei(nullptr, path, kNameiParent, nd));
    if (!nd.dvp) return ok();  // the root itself
    Vnode& dir = *nd.dvp;
    if (nd.vp) {
      if (type == VType::Dir && nd.vp->is_dir()) {
        VAttr va;
        va.mode = c.mode;
        va.uid = c.uid;
        va.gid = c.gid;
        return vnode_setattr_default(*nd.vp, va, kVaMode | kVaUid | kVaGid);
      }
      Result<void> r = nd.vp->is_dir() ? dir.ops->rmdir(dir, nd.last) : dir.ops->unlink(dir, nd.last);
      namecache_purge_name(&dir, nd.last);
      TRY(r);
    }
    switch (type) {
      case VType::Dir:
        return dir.ops->mkdir(dir, nd.last, c);
      case VType::Lnk: {
        if (e.size == 0 || e.size >= kPathMax) return Error::Inval;
        char* target = static_cast<char*>(kmalloc(e.size + 1));
        if (!target) return Error::NoMem;
        memcpy(target, e.data, e.size);
        target[e.size] = '\0';
        Result<void> r = dir.ops->symlink(dir, nd.last, target, c);
        kfree(target);
        return r;
      }
      case VType::Fifo:
        return dir.ops->mknod(dir, nd.last, VCreate{.mode = e.mode, .uid = e.uid, .gid = e.gid});
      case VType::Reg:
        return add_file(e, dir, nd.last, c);
      default:
        return ok();  // devices, sockets: not here
    }
  }

  Result<void> add_file(const CpioFile& e, Vnode& dir, const char* name, const VCreate& c) {
    Vnode* linked = e.nlink > 1 ? find_link(e.ino) : nullptr;
    VnodeRef vp;
    if (linked) {
      TRY(dir.ops->link(dir, name, *linked));
      vnode_hold(linked);
      vp.reset(linked);
    } else {
      vp.reset(TRY(dir.ops->create(dir, name, c)));
      if (e.nlink > 1) {
        auto* l = static_cast<LinkSeen*>(kmalloc(sizeof(LinkSeen)));
        if (!l) return Error::NoMem;
        vnode_hold(vp.get());
        *l = LinkSeen{seen, e.ino, vp.get()};
        seen = l;
      }
    }
    if (e.size > 0) {
      TRY(vp->ops->truncate(*vp, 0));
      const size_t n = TRY(vp->ops->write(*vp, 0, VIo{uptr(e.data), false}, e.size));
      if (n != e.size) return Error::NoSpc;
    }
    VAttr va;
    va.mtime = va.atime = VTime{i64(e.mtime), 0};
    return vnode_setattr_default(*vp, va, kVaMtime | kVaAtime);
  }
};

}  // namespace

Result<void> vfs_seed_cpio(const void* base, size_t size) {
  Seeder s;
  if (!s.path) return Error::NoMem;
  CpioArchive a(base, size);
  Result<void> failed = ok();
  TRY(a.for_each([&](const CpioFile& e) {
    failed = s.add(e);
    return failed.ok();
  }));
  return failed;
}

}  // namespace tine
