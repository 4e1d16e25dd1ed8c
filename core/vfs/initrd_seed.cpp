#include "core/vfs/initrd_seed.h"

#include "core/fs/cpio.h"
#include "core/lib/string.h"
#include "core/vfs/mount.h"
#include "core/vfs/namecache.h"
#include "core/vfs/namei.h"
#include "core/vm/heap.h"
#include "core/vm/vm_page.h"
#include "hal/hal.h"

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
  const u8* archive_end = nullptr;
  char* path = static_cast<char*>(kmalloc(kPathMax));

  ~Seeder() {
    forget_dir();
    kfree(dir_path);
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

  // The directory of the last name added: an archive lists a directory's
  // entries together, so most entries find theirs here without a walk.
  char* dir_path = static_cast<char*>(kmalloc(kPathMax));
  size_t dir_len = 0;
  Vnode* dir_vp = nullptr;  // held; null: nothing cached
  char comp[kNameMax + 1];

  void forget_dir() {
    if (dir_vp) vnode_release(dir_vp);
    dir_vp = nullptr;
  }

  // Copies the component [s, s + n) into comp; false for what only namei
  // handles ("", ".", "..", too long).
  bool take_component(const char* s, size_t n) {
    if (n == 0 || n > kNameMax || (s[0] == '.' && (n == 1 || (n == 2 && s[1] == '.'))))
      return false;
    memcpy(comp, s, n);
    comp[n] = '\0';
    return true;
  }

  // The directory named by the first n bytes of `name` (borrowed: the cache
  // holds it), made with its parents where missing, by plain lookups: no
  // path buffer, no name cache. Nothing is mounted while seeding, and the
  // archive makes no symlinks to directories that its own paths go through
  // (a walk meeting one says nullptr: namei's path then follows it).
  // nullptr: the name needs namei.
  Result<Vnode*> dir_of(const char* name, size_t n) {
    if (dir_vp && n == dir_len && memcmp(name, dir_path, n) == 0) return dir_vp;
    forget_dir();
    VnodeRef cur(vfs_root());
    for (size_t at = 0; at < n;) {
      size_t end = at;
      while (end < n && name[end] != '/') end++;
      if (!take_component(name + at, end - at)) return nullptr;
      Result<Vnode*> next = cur->ops->lookup(*cur, comp);
      if (!next.ok() && next.error() == Error::NoEnt) {
        TRY(cur->ops->mkdir(*cur, comp, VCreate{.mode = 0755}));
        next = cur->ops->lookup(*cur, comp);
      }
      VnodeRef child(TRY(next));
      if (!child->is_dir()) return nullptr;
      cur = static_cast<VnodeRef&&>(child);
      at = end + 1;
    }
    memcpy(dir_path, name, n);
    dir_len = n;
    dir_vp = cur.take();
    return dir_vp;
  }

  // add() without namei, for a clean name whose last component is new.
  // Exist: the name is there already (add() then replaces it through namei).
  // Inval (nothing done): the name needs namei.
  Result<void> add_fast(const CpioFile& e) {
    size_t slash = e.name_len;
    while (slash > 0 && e.name[slash - 1] != '/') slash--;
    const size_t dir_n = slash > 0 ? slash - 1 : 0;
    Vnode* dir = TRY(dir_of(e.name, dir_n));
    if (!dir || !take_component(e.name + slash, e.name_len - slash)) return Error::Inval;
    const VCreate c{.mode = e.mode & 07777, .uid = e.uid, .gid = e.gid};
    switch (mode_to_vtype(e.mode)) {
      case VType::Dir:
        return dir->ops->mkdir(*dir, comp, c);
      case VType::Lnk:
        if (e.size == 0 || e.size >= kPathMax) return Error::Inval;
        return dir->ops->symlink(*dir, comp, target_of(e), c);
      case VType::Fifo:
        return dir->ops->mknod(*dir, comp, VCreate{.mode = e.mode, .uid = e.uid, .gid = e.gid});
      case VType::Reg:
        return add_file(e, *dir, comp, c);
      default:
        return ok();  // devices, sockets: not here
    }
  }

  // A symlink's target, NUL-terminated: in place when the archive's
  // padding after it supplies the NUL (BusyBox's 270 "busybox" links: the
  // 7 bytes are padded to 8 with a zero), else copied into `path`.
  const char* target_of(const CpioFile& e) {
    const char* t = reinterpret_cast<const char*>(e.data);
    if (e.data + e.size < archive_end && t[e.size] == '\0') return t;
    memcpy(path, e.data, e.size);
    path[e.size] = '\0';
    return path;
  }

  Result<void> add(const CpioFile& e) {
    if (e.name_len == 0) return ok();  // "." : the root keeps its own mode
    if (e.name_len >= kPathMax) return Error::NameTooLong;
    if (e.name[e.name_len - 1] != '/') {
      Result<void> r = add_fast(e);
      if (r.ok() || (r.error() != Error::Exist && r.error() != Error::Inval)) return r;
    }
    // namei's way: replaces what is there; the walk may remove directories.
    forget_dir();
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

  // The file's data stays where the archive holds it when it starts on a
  // page: those pages become the file's (page_alloc adopt, then
  // attach_pages), so boot copies nothing. The last partial page is kept
  // too when what follows the data in it is zero (a file must read zeros
  // past its end there, for mmap and for a later truncate up); else it is
  // left to the caller to copy. Returns the bytes kept.
  Result<size_t> keep_in_place(const CpioFile& e, Vnode& vp) {
    if (!vp.ops->attach_pages) return size_t{0};
    const paddr_t pa = hal::virt_to_phys(e.data);
    if (!is_aligned(pa, kPageSize)) return size_t{0};
    u64 npages = e.size / kPageSize;
    size_t kept = npages * kPageSize;
    const size_t tail = e.size % kPageSize;
    if (tail && size_t(archive_end - (e.data + e.size)) >= kPageSize - tail &&
        all_zero(e.data + e.size, kPageSize - tail)) {
      npages++;
      kept = e.size;
    }
    if (npages == 0) return size_t{0};
    PageAllocator& pa_alloc = vm_page_allocator();
    if (!pa_alloc.adopt(pa, npages).ok()) return size_t{0};
    Result<void> r = vp.ops->attach_pages(vp, pa, npages, kept);
    if (!r.ok()) {
      // Ours now: they go to the allocator, so the archive's data is gone
      // and the file fails (NoSpc: never retried from that data).
      for (u64 i = 0; i < npages; i++) (void)pa_alloc.unref(pa + i * kPageSize);
      return Error::NoSpc;
    }
    return kept;
  }

  static bool all_zero(const u8* p, size_t n) {
    for (size_t i = 0; i < n; i++)
      if (p[i]) return false;
    return true;
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
      const size_t kept = TRY(keep_in_place(e, *vp));
      const size_t rest = e.size - kept;
      if (rest > 0) {
        const size_t n = TRY(vp->ops->write(*vp, kept, VIo{uptr(e.data + kept), false}, rest));
        if (n != rest) return Error::NoSpc;
      }
    }
    VAttr va;
    va.mtime = va.atime = VTime{i64(e.mtime), 0};
    return vnode_setattr_default(*vp, va, kVaMtime | kVaAtime);
  }
};

}  // namespace

Result<void> vfs_seed_cpio(const void* base, size_t size) {
  Seeder s;
  if (!s.path || !s.dir_path) return Error::NoMem;
  s.archive_end = static_cast<const u8*>(base) + size;
  CpioArchive a(base, size);
  Result<void> failed = ok();
  TRY(a.for_each([&](const CpioFile& e) {
    failed = s.add(e);
    return failed.ok();
  }));
  return failed;
}

}  // namespace tine
