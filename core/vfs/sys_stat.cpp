// Attributes: fstat/newfstatat/statx, chmod/chown, utimensat, access,
// truncate, statfs, fsync.
#include "core/fs/stat.h"
#include "core/vfs/mount.h"
#include "core/vfs/sys_vfs.h"
#include "core/vfs/vfs_file.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

// A File reference for the length of one syscall.
struct FileHold {
  File* f;
  ~FileHold() { file_release(f); }
};

UserStat to_user_stat(const VAttr& va) {
  UserStat u{};
  u.st_dev = va.dev;
  u.st_ino = va.ino;
  u.st_mode = vtype_to_mode(va.type) | va.mode;
  u.st_nlink = va.nlink;
  u.st_uid = va.uid;
  u.st_gid = va.gid;
  u.st_rdev = va.rdev;
  u.st_size = va.size;
  u.st_blksize = i32(va.blksize);
  u.st_blocks = va.blocks;
  u.st_atime = va.atime.sec;
  u.st_atime_nsec = u64(va.atime.nsec);
  u.st_mtime = va.mtime.sec;
  u.st_mtime_nsec = u64(va.mtime.nsec);
  u.st_ctime = va.ctime.sec;
  u.st_ctime_nsec = u64(va.ctime.nsec);
  return u;
}

Result<void> copyout_attr(uptr buf, const VAttr& va) {
  UserStat u = to_user_stat(va);
  return copyout(buf, &u, sizeof u);
}

// Linux's struct statx (256 bytes).
struct StatxTime {
  i64 sec;
  u32 nsec;
  i32 pad;
};
struct UserStatx {
  u32 mask, blksize;
  u64 attributes;
  u32 nlink, uid, gid;
  u16 mode, pad1;
  u64 ino, size, blocks, attributes_mask;
  StatxTime atime, btime, ctime, mtime;
  u32 rdev_major, rdev_minor, dev_major, dev_minor;
  u64 mnt_id;
  u32 dio_mem_align, dio_offset_align;
  u64 spare[12];
};
static_assert(sizeof(UserStatx) == 256);
static_assert(__builtin_offsetof(UserStatx, atime) == 0x40);
static_assert(__builtin_offsetof(UserStatx, rdev_major) == 0x80);

constexpr u32 kStatxBasicStats = 0x7ff;  // type .. blocks, without btime
constexpr u32 kStatxReserved = 0x80000000u;

u32 dev_major(u64 d) { return u32((d >> 8) & 0xfff); }
u32 dev_minor(u64 d) { return u32((d & 0xff) | ((d >> 12) & 0xfff00)); }

StatxTime sx_time(const VTime& t) { return StatxTime{t.sec, u32(t.nsec), 0}; }

// Linux's struct statfs on riscv64 (the generic one, 64-bit words).
struct UserStatfs {
  i64 type, bsize;
  u64 blocks, bfree, bavail, files, ffree;
  i32 fsid[2];
  i64 namelen, frsize, flags;
  i64 spare[4];
};
static_assert(sizeof(UserStatfs) == 120);

Result<void> copyout_statfs(uptr buf, Vnode* vp) {
  StatFs st;
  vfs_statfs(vp, st);
  UserStatfs u{};
  u.type = i64(st.type);
  u.bsize = i64(st.bsize);
  u.blocks = st.blocks;
  u.bfree = st.bfree;
  u.bavail = st.bavail;
  u.files = st.files;
  u.ffree = st.ffree;
  const u64 dev = vp->mount ? vp->mount->dev : 0;
  u.fsid[0] = i32(dev);
  u.namelen = i64(st.namelen);
  u.frsize = i64(st.bsize);
  u.flags = i64(st.flags);
  return copyout(buf, &u, sizeof u);
}

// Only the owner (or root) changes a node's mode, owner or times.
bool owns(Vnode& vp, const PathCtx& ctx) {
  if (ctx.cred.uid == 0) return true;
  VAttr va;
  vnode_getattr(vp, va);
  return va.uid == ctx.cred.uid;
}

Result<void> setattr(Vnode& vp, const VAttr& va, u32 mask) {
  if (vp.ops->setattr) return vp.ops->setattr(vp, va, mask);
  return vnode_setattr_default(vp, va, mask);
}

Result<void> chmod_vnode(Vnode& vp, u32 mode, const PathCtx& ctx) {
  if (!owns(vp, ctx)) return Error::Perm;
  VAttr va;
  va.mode = mode & 07777;
  return setattr(vp, va, kVaMode);
}

Result<void> chown_vnode(Vnode& vp, u32 uid, u32 gid, const PathCtx& ctx) {
  VAttr cur;
  vnode_getattr(vp, cur);
  u32 mask = 0;
  VAttr va;
  if (uid != u32(-1)) {
    va.uid = uid;
    mask |= kVaUid;
  }
  if (gid != u32(-1)) {
    va.gid = gid;
    mask |= kVaGid;
  }
  if (ctx.cred.uid != 0 &&
      (((mask & kVaUid) && uid != cur.uid) || ((mask & kVaGid) && gid != cur.gid) ||
       cur.uid != ctx.cred.uid))
    return Error::Perm;
  // As Linux: a change of owner by chown clears set-user-ID and, for a
  // group-executable file, set-group-ID.
  if (mask && vp.type != VType::Dir) {
    u32 m = cur.mode & ~04000u;
    if (m & 010) m &= ~02000u;
    if (m != cur.mode) {
      va.mode = m;
      mask |= kVaMode;
    }
  }
  if (!mask) {
    vnode_touch_change(vp);
    return ok();
  }
  return setattr(vp, va, mask);
}

}  // namespace

Result<void> sys_fstat(FileTable* t, int fd, uptr buf) {
  FileHold h{TRY(fd_get(t, fd))};
  VAttr va;
  file_getattr(*h.f, va);
  return copyout_attr(buf, va);
}

Result<void> sys_newfstatat(FileTable* t, int dirfd, uptr upath, uptr buf, int flags,
                            const PathCtx& ctx) {
  UserPath path;
  TRY(path.copy(upath));
  constexpr int kKnown = kAtSymlinkNoFollow | kAtNoAutomount | kAtEmptyPath | kAtStatxSyncType;
  if (flags & ~kKnown) return Error::Inval;
  if (path.p[0] == '\0' && (flags & kAtEmptyPath) && dirfd != kAtFdCwd)
    return sys_fstat(t, dirfd, buf);  // pipes too, which have no vnode
  VnodeRef vp(TRY(at_target(t, dirfd, path.p, !(flags & kAtSymlinkNoFollow),
                            (flags & kAtEmptyPath) != 0, ctx)));
  VAttr va;
  vnode_getattr(*vp, va);
  return copyout_attr(buf, va);
}

Result<void> sys_statx(FileTable* t, int dirfd, uptr upath, int flags, u32 mask, uptr buf,
                       const PathCtx& ctx) {
  constexpr int kKnown = kAtSymlinkNoFollow | kAtNoAutomount | kAtEmptyPath | kAtStatxSyncType;
  if (flags & ~kKnown) return Error::Inval;
  if ((flags & kAtStatxSyncType) == kAtStatxSyncType) return Error::Inval;
  if (mask & kStatxReserved) return Error::Inval;
  UserPath path;
  TRY(path.copy(upath));
  VAttr va;
  if (path.p[0] == '\0' && (flags & kAtEmptyPath) && dirfd != kAtFdCwd) {
    FileHold h{TRY(fd_get(t, dirfd))};
    file_getattr(*h.f, va);
  } else {
    VnodeRef vp(TRY(at_target(t, dirfd, path.p, !(flags & kAtSymlinkNoFollow),
                              (flags & kAtEmptyPath) != 0, ctx)));
    vnode_getattr(*vp, va);
  }
  UserStatx x{};
  x.mask = kStatxBasicStats;
  x.blksize = va.blksize;
  x.nlink = va.nlink;
  x.uid = va.uid;
  x.gid = va.gid;
  x.mode = u16(vtype_to_mode(va.type) | va.mode);
  x.ino = va.ino;
  x.size = u64(va.size);
  x.blocks = u64(va.blocks);
  x.atime = sx_time(va.atime);
  x.ctime = sx_time(va.ctime);
  x.mtime = sx_time(va.mtime);
  x.rdev_major = dev_major(va.rdev);
  x.rdev_minor = dev_minor(va.rdev);
  x.dev_major = dev_major(va.dev);
  x.dev_minor = dev_minor(va.dev);
  return copyout(buf, &x, sizeof x);
}

Result<void> sys_fchmodat(FileTable* t, int dirfd, uptr upath, u32 mode, const PathCtx& ctx) {
  UserPath path;
  TRY(path.copy(upath));
  VnodeRef vp(TRY(at_target(t, dirfd, path.p, true, false, ctx)));
  return chmod_vnode(*vp, mode, ctx);
}

Result<void> sys_fchmod(FileTable* t, int fd, u32 mode, const PathCtx& ctx) {
  FileHold h{TRY(fd_get(t, fd))};
  if (!h.f->vnode) return Error::Inval;  // a pipe
  return chmod_vnode(*h.f->vnode, mode, ctx);
}

Result<void> sys_fchownat(FileTable* t, int dirfd, uptr upath, u32 uid, u32 gid, int flags,
                          const PathCtx& ctx) {
  if (flags & ~(kAtSymlinkNoFollow | kAtEmptyPath)) return Error::Inval;
  UserPath path;
  TRY(path.copy(upath));
  VnodeRef vp(TRY(at_target(t, dirfd, path.p, !(flags & kAtSymlinkNoFollow),
                            (flags & kAtEmptyPath) != 0, ctx)));
  return chown_vnode(*vp, uid, gid, ctx);
}

Result<void> sys_fchown(FileTable* t, int fd, u32 uid, u32 gid, const PathCtx& ctx) {
  FileHold h{TRY(fd_get(t, fd))};
  if (!h.f->vnode) return Error::Inval;
  return chown_vnode(*h.f->vnode, uid, gid, ctx);
}

Result<void> sys_utimensat(FileTable* t, int dirfd, uptr upath, uptr utimes, int flags,
                           const PathCtx& ctx) {
  constexpr i64 kUtimeNow = (1l << 30) - 1, kUtimeOmit = (1l << 30) - 2;
  if (flags & ~(kAtSymlinkNoFollow | kAtEmptyPath)) return Error::Inval;
  struct {
    i64 sec, nsec;
  } ts[2] = {{0, kUtimeNow}, {0, kUtimeNow}};
  if (utimes) {
    TRY(copyin(ts, utimes, sizeof ts));
    for (auto& x : ts)
      if ((x.nsec < 0 || x.nsec >= 1000000000) && x.nsec != kUtimeNow && x.nsec != kUtimeOmit)
        return Error::Inval;
  }
  VnodeRef vp;
  if (!upath) {
    // futimens: a null path means dirfd itself (not AT_FDCWD).
    if (dirfd == kAtFdCwd) return Error::Fault;
    File* f = TRY(fd_get(t, dirfd));
    Vnode* v = f->vnode;
    if (v) vnode_hold(v);
    file_release(f);
    if (!v) return Error::Inval;
    vp.reset(v);
  } else {
    UserPath path;
    TRY(path.copy(upath));
    vp.reset(TRY(at_target(t, dirfd, path.p, !(flags & kAtSymlinkNoFollow),
                           (flags & kAtEmptyPath) != 0, ctx)));
  }
  if (ts[0].nsec == kUtimeOmit && ts[1].nsec == kUtimeOmit) return ok();
  const bool explicit_time = (ts[0].nsec != kUtimeNow && ts[0].nsec != kUtimeOmit) ||
                             (ts[1].nsec != kUtimeNow && ts[1].nsec != kUtimeOmit);
  // Setting explicit times takes ownership; "now" also write access.
  if (!owns(*vp, ctx) && (explicit_time || !vnode_may(*vp, ctx.cred, 2)))
    return explicit_time ? Error::Perm : Error::Access;
  const VTime now = vtime_now();
  VAttr va;
  u32 mask = 0;
  if (ts[0].nsec != kUtimeOmit) {
    va.atime = ts[0].nsec == kUtimeNow ? now : VTime{ts[0].sec, ts[0].nsec};
    mask |= kVaAtime;
  }
  if (ts[1].nsec != kUtimeOmit) {
    va.mtime = ts[1].nsec == kUtimeNow ? now : VTime{ts[1].sec, ts[1].nsec};
    mask |= kVaMtime;
  }
  return setattr(*vp, va, mask);
}

Result<void> sys_faccessat2(FileTable* t, int dirfd, uptr upath, int mode, int flags,
                            const PathCtx& ctx, const NameiCred& real) {
  if (mode & ~7) return Error::Inval;
  if (flags & ~(kAtEAccess | kAtSymlinkNoFollow | kAtEmptyPath)) return Error::Inval;
  PathCtx who = ctx;
  if (!(flags & kAtEAccess)) who.cred = real;
  UserPath path;
  TRY(path.copy(upath));
  VnodeRef vp(TRY(at_target(t, dirfd, path.p, !(flags & kAtSymlinkNoFollow),
                            (flags & kAtEmptyPath) != 0, who)));
  if (mode == 0) return ok();
  if (!vnode_may(*vp, who.cred, u32(mode))) return Error::Access;
  return ok();
}

Result<void> sys_truncate(uptr upath, i64 length, const PathCtx& ctx) {
  UserPath path;
  TRY(path.copy(upath));
  if (length < 0) return Error::Inval;
  VnodeRef vp(TRY(at_target(nullptr, kAtFdCwd, path.p, true, false, ctx)));
  if (vp->is_dir()) return Error::IsDir;
  if (vp->type != VType::Reg || !vp->ops->truncate) return Error::Inval;
  if (!vnode_may(*vp, ctx.cred, 2)) return Error::Access;
  return vp->ops->truncate(*vp, u64(length));
}

Result<void> sys_ftruncate(FileTable* t, int fd, i64 length) {
  if (length < 0) return Error::Inval;
  FileHold h{TRY(fd_get(t, fd))};
  Vnode* vp = h.f->vnode;
  if (!vp || vp->type != VType::Reg || !h.f->writable() || !vp->ops->truncate)
    return Error::Inval;
  return vp->ops->truncate(*vp, u64(length));
}

Result<void> sys_statfs(uptr upath, uptr buf, const PathCtx& ctx) {
  UserPath path;
  TRY(path.copy(upath));
  VnodeRef vp(TRY(at_target(nullptr, kAtFdCwd, path.p, true, false, ctx)));
  return copyout_statfs(buf, vp.get());
}

Result<void> sys_fstatfs(FileTable* t, int fd, uptr buf) {
  FileHold h{TRY(fd_get(t, fd))};
  if (!h.f->vnode) {
    // Pipes live in Linux's pipefs.
    UserStatfs u{};
    u.type = 0x50495045;  // PIPEFS_MAGIC
    u.bsize = u.frsize = kPageSize;
    u.namelen = kNameMax;
    return copyout(buf, &u, sizeof u);
  }
  return copyout_statfs(buf, h.f->vnode);
}

Result<void> sys_fsync(FileTable* t, int fd) {
  FileHold h{TRY(fd_get(t, fd))};
  if (!h.f->vnode || (h.f->vnode->type != VType::Reg && h.f->vnode->type != VType::Dir))
    return Error::Inval;
  return ok();
}

}  // namespace tine
