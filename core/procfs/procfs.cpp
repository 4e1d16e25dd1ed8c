#include "core/procfs/procfs.h"

#include "core/dev/devfs.h"
#include "core/dev/devnum.h"
#include "core/fs/filedesc.h"
#include "core/lib/format.h"
#include "core/lib/string.h"
#include "core/proc/exec.h"
#include "core/proc/proc.h"
#include "core/procfs/procfs_file.h"
#include "core/procfs/snapshot.h"
#include "core/procfs/sysctl.h"
#include "core/sched/sched.h"
#include "core/fs/file_pipe.h"
#include "core/vfs/namei.h"
#include "core/vfs/pipe_vnode.h"
#include "core/sync/sleepq.h"
#include "core/vm/heap.h"
#include "hal/hal.h"

namespace tine {

namespace {

// What a vnode is, encoded in its inode number (no per-vnode state but
// the fd and task dirs' lists): tid << 32 | pid << 16 | kind << 8 | fd.
// pid 0 is the system's; tid is a thread's under /proc/<pid>/task, else 0.
// A sysctl file's "fd" is its index in kKernelSysctls (kMqueueSysctls for
// /proc/sys/fs/mqueue's).
enum class Kind : u8 {
  Root = 1, Self, Meminfo, Uptime, Loadavg, Stat, Mounts, ThreadSelf, Cpuinfo,
  PidDir = 16, PidStat, PidStatus, PidCmdline, PidExe, PidFdDir, PidFd, PidComm, PidMounts,
  PidTaskDir, TaskDir, TaskStat, TaskStatus, TaskComm,
  SysDir = 48, SysKernelDir, Sysctl, SysFsDir, SysFsMqueueDir, MqSysctl,
};
static_assert(kPidMax - 1 <= 0xffff, "every pid (below kPidMax) fits the inode number's 16 bits");

constexpr u64 make_ino(i32 pid, Kind k, int fd = 0, i32 tid = 0) {
  return (u64(u32(tid)) << 32) | (u64(pid) << 16) | (u64(k) << 8) | u64(fd & 0xff);
}
i32 ino_pid(u64 ino) { return i32((ino >> 16) & 0xffff); }
Kind ino_kind(u64 ino) { return Kind((ino >> 8) & 0xff); }
int ino_fd(u64 ino) { return int(ino & 0xff); }
i32 ino_tid(u64 ino) { return i32(ino >> 32); }

struct Entry {
  const char* name;
  Kind kind;
  VType type;
};
// The root's fixed names, then those of each /proc/<pid>.
constexpr Entry kRootEntries[] = {
    {"cpuinfo", Kind::Cpuinfo, VType::Reg},
    {"loadavg", Kind::Loadavg, VType::Reg}, {"meminfo", Kind::Meminfo, VType::Reg},
    {"mounts", Kind::Mounts, VType::Reg},   {"self", Kind::Self, VType::Lnk},
    {"stat", Kind::Stat, VType::Reg},       {"sys", Kind::SysDir, VType::Dir},
    {"thread-self", Kind::ThreadSelf, VType::Lnk}, {"uptime", Kind::Uptime, VType::Reg},
};
constexpr Entry kPidEntries[] = {
    {"cmdline", Kind::PidCmdline, VType::Reg}, {"comm", Kind::PidComm, VType::Reg},
    {"exe", Kind::PidExe, VType::Lnk},         {"fd", Kind::PidFdDir, VType::Dir},
    {"mounts", Kind::PidMounts, VType::Reg},   {"stat", Kind::PidStat, VType::Reg},
    {"status", Kind::PidStatus, VType::Reg},   {"task", Kind::PidTaskDir, VType::Dir},
};
// Those of each /proc/<pid>/task/<tid>.
constexpr Entry kTaskEntries[] = {
    {"comm", Kind::TaskComm, VType::Reg},
    {"fd", Kind::PidFdDir, VType::Dir},
    {"stat", Kind::TaskStat, VType::Reg},
    {"status", Kind::TaskStatus, VType::Reg},
};

extern const VnodeOps kDirOps;
extern const VnodeOps kTextOps;
extern const VnodeOps kLinkOps;
extern const VnodeOps kFdLinkOps;
extern const VnodeOps kTaskListOps;

const VnodeOps* ops_for(VType t) {
  return t == VType::Dir ? &kDirOps : t == VType::Lnk ? &kLinkOps : &kTextOps;
}

// A new vnode of `kind` in m, owned by pid's owner. `data` is the fd
// directory's list of open descriptors, or the task directory's list of
// tids (kmalloc'd, the vnode's: freed when it is reclaimed). NoEnt once
// pid is gone.
Result<Vnode*> make_node(Mount& m, i32 pid, Kind kind, VType type, int fd = 0,
                         void* data = nullptr, i32 tid = 0) {
  VCreate c;
  c.mode = type == VType::Dir ? 0555 : type == VType::Lnk ? 0777 : 0444;
  if (pid > 0) {
    Result<ProcOwner> o = procfs_proc_owner(pid);
    if (!o.ok()) return Error::NoEnt;
    c.uid = o.value().uid;
    c.gid = o.value().gid;
    // /proc/<pid> remembers which process it is: a pid used again after
    // the reap is another's (procfs_pid_dir).
    if (kind == Kind::PidDir) data = reinterpret_cast<void*>(uptr(o.value().start_ns));
  }
  if (kind == Kind::PidFdDir) c.mode = 0500;
  if (kind == Kind::Sysctl && kKernelSysctls[fd].store) c.mode = 0644;
  if (kind == Kind::MqSysctl && kMqueueSysctls[fd].store) c.mode = 0644;
  const VnodeOps* ops = kind == Kind::PidFd       ? &kFdLinkOps
                       : kind == Kind::PidTaskDir ? &kTaskListOps
                                                  : ops_for(type);
  Result<Vnode*> r = vnode_alloc(&m, ops, type, make_ino(pid, kind, fd, tid), c, data);
  if (!r.ok() && kind == Kind::PidTaskDir) kfree(data);
  return r;
}

// /proc/<pid>/task as it is now: its vnode holds the tids (count first),
// listed as they were at the lookup (opendir), for the reason the fd
// directory's are (readdir may not take proc_lock or p_lock).
Result<Vnode*> make_task_dir(Mount& m, i32 pid) {
  size_t cap = 16;
  for (;;) {
    i32* list = static_cast<i32*>(kmalloc((cap + 1) * sizeof(i32)));
    if (!list) return Error::NoMem;
    Result<size_t> n = procfs_list_tids(pid, list + 1, cap);
    if (!n.ok()) {
      kfree(list);
      return Error::NoEnt;
    }
    if (n.value() <= cap) {
      list[0] = i32(n.value());
      return make_node(m, pid, Kind::PidTaskDir, VType::Dir, 0, list);
    }
    cap = n.value() + 16;  // threads came meanwhile
    kfree(list);
  }
}

// A decimal name ("42") as a number; -1 if it is not one.
i64 parse_number(const char* s) {
  if (!*s || (s[0] == '0' && s[1])) return -1;
  i64 v = 0;
  for (; *s; s++) {
    if (*s < '0' || *s > '9' || v > kPidMax) return -1;
    v = v * 10 + (*s - '0');
  }
  return v;
}

// The descriptors open in pid's table now, one bit each: the first
// kProcFds only (a grown table's others are not listed yet).
constexpr int kProcFds = 64;

// The table /proc/<pid>/fd shows, or /proc/<pid>/task/<tid>/fd (tid != 0).
Result<FileTable*> files_of(i32 pid, i32 tid) {
  return tid ? procfs_task_files(pid, tid) : procfs_proc_files(pid);
}

Result<u64> open_fds(i32 pid, i32 tid = 0) {
  FileTable* t = TRY(files_of(pid, tid));
  u64 bits = 0;
  for (int fd = 0; fd < kProcFds; fd++) {
    Result<File*> f = fd_get(t, fd);
    if (!f.ok()) continue;
    file_release(f.value());
    bits |= u64(1) << fd;
  }
  filetable_release(t);
  return bits;
}

Result<Vnode*> procfs_lookup(Vnode& dvp, const char* name) {
  Mount& m = *dvp.mount;
  const i32 pid = ino_pid(dvp.ino);
  switch (ino_kind(dvp.ino)) {
    case Kind::Root: {
      for (const Entry& e : kRootEntries)
        if (strcmp(e.name, name) == 0) return make_node(m, 0, e.kind, e.type);
      const i64 n = parse_number(name);
      if (n <= 0) return Error::NoEnt;
      return make_node(m, i32(n), Kind::PidDir, VType::Dir);
    }
    case Kind::SysDir:
      if (strcmp(name, "..") == 0) {
        vnode_hold(m.root);
        return m.root;
      }
      if (strcmp(name, "kernel") == 0) return make_node(m, 0, Kind::SysKernelDir, VType::Dir);
      if (strcmp(name, "fs") == 0) return make_node(m, 0, Kind::SysFsDir, VType::Dir);
      return Error::NoEnt;
    case Kind::SysFsDir:
      if (strcmp(name, "..") == 0) return make_node(m, 0, Kind::SysDir, VType::Dir);
      if (strcmp(name, "mqueue") == 0) return make_node(m, 0, Kind::SysFsMqueueDir, VType::Dir);
      return Error::NoEnt;
    case Kind::SysFsMqueueDir:
      if (strcmp(name, "..") == 0) return make_node(m, 0, Kind::SysFsDir, VType::Dir);
      for (size_t i = 0; i < kMqueueSysctlCount; i++)
        if (strcmp(kMqueueSysctls[i].name, name) == 0)
          return make_node(m, 0, Kind::MqSysctl, VType::Reg, int(i));
      return Error::NoEnt;
    case Kind::SysKernelDir:
      if (strcmp(name, "..") == 0) return make_node(m, 0, Kind::SysDir, VType::Dir);
      for (size_t i = 0; i < kKernelSysctlCount; i++)
        if (strcmp(kKernelSysctls[i].name, name) == 0)
          return make_node(m, 0, Kind::Sysctl, VType::Reg, int(i));
      return Error::NoEnt;
    case Kind::PidDir: {
      if (strcmp(name, "..") == 0) {
        vnode_hold(m.root);
        return m.root;
      }
      for (const Entry& e : kPidEntries) {
        if (strcmp(e.name, name) != 0) continue;
        if (e.kind == Kind::PidTaskDir) return make_task_dir(m, pid);
        if (e.kind != Kind::PidFdDir) return make_node(m, pid, e.kind, e.type);
        // The descriptors are listed as they are now: readdir runs under
        // the directory File's offset lock, below which the file table's
        // lock and proc_lock may not be taken (core/sync/lock_order.h).
        Result<u64> fds = open_fds(pid);
        if (!fds.ok()) return Error::NoEnt;
        return make_node(m, pid, e.kind, e.type, 0, reinterpret_cast<void*>(uptr(fds.value())));
      }
      return Error::NoEnt;
    }
    case Kind::PidTaskDir: {
      if (strcmp(name, "..") == 0) return make_node(m, pid, Kind::PidDir, VType::Dir);
      const i64 tid = parse_number(name);
      if (tid <= 0 || !procfs_task_find(pid, i32(tid)).ok()) return Error::NoEnt;
      return make_node(m, pid, Kind::TaskDir, VType::Dir, 0, nullptr, i32(tid));
    }
    case Kind::TaskDir: {
      if (strcmp(name, "..") == 0) return make_task_dir(m, pid);
      for (const Entry& e : kTaskEntries) {
        if (strcmp(e.name, name) != 0) continue;
        if (e.kind != Kind::PidFdDir)
          return make_node(m, pid, e.kind, e.type, 0, nullptr, ino_tid(dvp.ino));
        // The thread's own table, listed as /proc/<pid>/fd is.
        Result<u64> fds = open_fds(pid, ino_tid(dvp.ino));
        if (!fds.ok()) return Error::NoEnt;
        return make_node(m, pid, e.kind, e.type, 0, reinterpret_cast<void*>(uptr(fds.value())),
                         ino_tid(dvp.ino));
      }
      return Error::NoEnt;
    }
    case Kind::PidFdDir: {
      const i32 tid = ino_tid(dvp.ino);
      if (strcmp(name, "..") == 0)
        return tid ? make_node(m, pid, Kind::TaskDir, VType::Dir, 0, nullptr, tid)
                   : make_node(m, pid, Kind::PidDir, VType::Dir);
      const i64 fd = parse_number(name);
      // Any open descriptor, past the listing's first 64 too (a shell's
      // process substitution hands out /dev/fd/64 and up).
      if (fd < 0 || fd >= i64(kNrOpen)) return Error::NoEnt;
      FileTable* t = TRY(files_of(pid, tid));
      Result<File*> f = fd_get(t, int(fd));
      filetable_release(t);
      if (!f.ok()) return Error::NoEnt;
      file_release(f.value());
      return make_node(m, pid, Kind::PidFd, VType::Lnk, int(fd), nullptr, tid);
    }
    default:
      return Error::NotDir;
  }
}

// readdir of the root: its fixed names, then a directory per process.
// Cookies: 0 ".", 1 "..", 2 + i the i-th fixed name, then kPidCookie + pid.
constexpr u64 kFixedCookie = 2;
constexpr u64 kPidCookie = 1000;

// The root's listing needs proc_lock, but readdir runs under the directory
// File's offset lock, which ranks above it (core/sync/lock_order.h). So
// proc_lock is tried rather than waited for, which the order check does
// not see: no holder of proc_lock ever waits for a File's offset lock (exit
// and exec release files after dropping it), so the two cannot deadlock.
// A busy proc_lock is waited out a millisecond at a time.
size_t list_pids_trying(i32 after, i32* out, size_t max) {
  while (!proc_lock.try_lock()) sleep_ns(1'000'000);
  const size_t n = procfs_list_pids_locked(after, out, max);
  proc_lock.unlock();
  return n;
}

Result<void> readdir_root(Vnode& vp, u64 cookie, ReaddirFn fn, void* ctx) {
  if (cookie == 0 && !fn(ctx, ".", 1, vp.ino, VType::Dir, 1)) return ok();
  if (cookie <= 1 && !fn(ctx, "..", 2, vp.ino, VType::Dir, 2)) return ok();
  constexpr size_t kFixed = sizeof kRootEntries / sizeof kRootEntries[0];
  for (u64 i = cookie > kFixedCookie ? cookie - kFixedCookie : 0; i < kFixed && cookie < kPidCookie; i++) {
    const Entry& e = kRootEntries[i];
    if (!fn(ctx, e.name, strlen(e.name), make_ino(0, e.kind), e.type, kFixedCookie + i + 1))
      return ok();
  }
  i32 after = cookie > kPidCookie ? i32(cookie - kPidCookie) : 0;
  for (;;) {
    i32 pids[32];
    const size_t n = list_pids_trying(after, pids, 32);
    if (n == 0) return ok();
    for (size_t i = 0; i < n; i++) {
      char name[12];
      const size_t len = format(name, sizeof name, "%d", pids[i]);
      if (!fn(ctx, name, len, make_ino(pids[i], Kind::PidDir), VType::Dir, kPidCookie + u64(pids[i])))
        return ok();
    }
    after = pids[n - 1];
  }
}

Result<void> procfs_readdir(Vnode& vp, u64 cookie, ReaddirFn fn, void* ctx) {
  const i32 pid = ino_pid(vp.ino);
  switch (ino_kind(vp.ino)) {
    case Kind::Root: return readdir_root(vp, cookie, fn, ctx);
    case Kind::SysDir: {
      if (cookie == 0 && !fn(ctx, ".", 1, vp.ino, VType::Dir, 1)) return ok();
      if (cookie <= 1 && !fn(ctx, "..", 2, make_ino(0, Kind::Root), VType::Dir, 2)) return ok();
      if (cookie <= 2 && !fn(ctx, "fs", 2, make_ino(0, Kind::SysFsDir), VType::Dir, 3)) return ok();
      if (cookie <= 3) fn(ctx, "kernel", 6, make_ino(0, Kind::SysKernelDir), VType::Dir, 4);
      return ok();
    }
    case Kind::SysFsDir: {
      if (cookie == 0 && !fn(ctx, ".", 1, vp.ino, VType::Dir, 1)) return ok();
      if (cookie <= 1 && !fn(ctx, "..", 2, make_ino(0, Kind::SysDir), VType::Dir, 2)) return ok();
      if (cookie <= 2) fn(ctx, "mqueue", 6, make_ino(0, Kind::SysFsMqueueDir), VType::Dir, 3);
      return ok();
    }
    case Kind::SysFsMqueueDir: {
      if (cookie == 0 && !fn(ctx, ".", 1, vp.ino, VType::Dir, 1)) return ok();
      if (cookie <= 1 && !fn(ctx, "..", 2, make_ino(0, Kind::SysFsDir), VType::Dir, 2)) return ok();
      for (u64 i = cookie > 2 ? cookie - 2 : 0; i < kMqueueSysctlCount; i++) {
        const char* name = kMqueueSysctls[i].name;
        if (!fn(ctx, name, strlen(name), make_ino(0, Kind::MqSysctl, int(i)), VType::Reg, 3 + i))
          break;
      }
      return ok();
    }
    case Kind::SysKernelDir: {
      if (cookie == 0 && !fn(ctx, ".", 1, vp.ino, VType::Dir, 1)) return ok();
      if (cookie <= 1 && !fn(ctx, "..", 2, make_ino(0, Kind::SysDir), VType::Dir, 2)) return ok();
      for (u64 i = cookie > 2 ? cookie - 2 : 0; i < kKernelSysctlCount; i++) {
        const char* name = kKernelSysctls[i].name;
        if (!fn(ctx, name, strlen(name), make_ino(0, Kind::Sysctl, int(i)), VType::Reg, 3 + i))
          break;
      }
      return ok();
    }
    case Kind::PidDir: {
      if (cookie == 0 && !fn(ctx, ".", 1, vp.ino, VType::Dir, 1)) return ok();
      if (cookie <= 1 && !fn(ctx, "..", 2, make_ino(0, Kind::Root), VType::Dir, 2)) return ok();
      constexpr size_t kN = sizeof kPidEntries / sizeof kPidEntries[0];
      for (u64 i = cookie > 2 ? cookie - 2 : 0; i < kN; i++) {
        const Entry& e = kPidEntries[i];
        if (!fn(ctx, e.name, strlen(e.name), make_ino(pid, e.kind), e.type, 3 + i)) break;
      }
      return ok();
    }
    case Kind::PidTaskDir: {
      if (cookie == 0 && !fn(ctx, ".", 1, vp.ino, VType::Dir, 1)) return ok();
      if (cookie <= 1 && !fn(ctx, "..", 2, make_ino(pid, Kind::PidDir), VType::Dir, 2)) return ok();
      const i32* list = static_cast<const i32*>(vp.data);
      for (i32 i = cookie > 2 ? i32(cookie - 2) : 0; i < list[0]; i++) {
        const i32 tid = list[1 + i];
        char name[12];
        const size_t len = format(name, sizeof name, "%d", tid);
        if (!fn(ctx, name, len, make_ino(pid, Kind::TaskDir, 0, tid), VType::Dir, 3 + u64(i)))
          break;
      }
      return ok();
    }
    case Kind::TaskDir: {
      const i32 tid = ino_tid(vp.ino);
      if (cookie == 0 && !fn(ctx, ".", 1, vp.ino, VType::Dir, 1)) return ok();
      if (cookie <= 1 && !fn(ctx, "..", 2, make_ino(pid, Kind::PidTaskDir), VType::Dir, 2))
        return ok();
      constexpr size_t kN = sizeof kTaskEntries / sizeof kTaskEntries[0];
      for (u64 i = cookie > 2 ? cookie - 2 : 0; i < kN; i++) {
        const Entry& e = kTaskEntries[i];
        if (!fn(ctx, e.name, strlen(e.name), make_ino(pid, e.kind, 0, tid), e.type, 3 + i)) break;
      }
      return ok();
    }
    case Kind::PidFdDir: {
      const i32 tid = ino_tid(vp.ino);
      const u64 up = tid ? make_ino(pid, Kind::TaskDir, 0, tid) : make_ino(pid, Kind::PidDir);
      if (cookie == 0 && !fn(ctx, ".", 1, vp.ino, VType::Dir, 1)) return ok();
      if (cookie <= 1 && !fn(ctx, "..", 2, up, VType::Dir, 2)) return ok();
      const u64 fds = u64(reinterpret_cast<uptr>(vp.data));
      for (int fd = cookie > 2 ? int(cookie - 2) : 0; fd < kProcFds; fd++) {
        if (!(fds & (u64(1) << fd))) continue;
        char name[4];
        const size_t len = format(name, sizeof name, "%d", fd);
        if (!fn(ctx, name, len, make_ino(pid, Kind::PidFd, fd, tid), VType::Lnk, 3 + u64(fd)))
          break;
      }
      return ok();
    }
    default:
      return Error::NotDir;
  }
}

// What /proc/<pid>/fd/<n> points at, as Linux names it: a device by its
// /dev path, a pipe as "pipe:[ino]", a socket as "socket:[ino]", anything else "anon_inode:[name]".
size_t describe_file(File& f, char* buf, size_t n) {
  FileStat st;
  f.ops->stat(f, st);
  if ((st.mode & kSIfMt) == kSIfIfo)
    return min(n - 1, format(buf, n, "pipe:[%llu]", static_cast<unsigned long long>(st.ino)));
  if ((st.mode & kSIfMt) == kSIfSock)
    return min(n - 1, format(buf, n, "socket:[%llu]", static_cast<unsigned long long>(st.ino)));
  if ((st.mode & kSIfMt) == kSIfChr) {
    if (const char* name = devfs_name_of(st.rdev)) return min(n - 1, format(buf, n, "/dev/%s", name));
  }
  return min(n - 1, format(buf, n, "anon_inode:[%s]", f.ops->name));
}

Result<size_t> procfs_readlink(Vnode& vp, char* buf, size_t n) {
  const i32 pid = ino_pid(vp.ino);
  char text[kPathMax];
  size_t len = 0;
  switch (ino_kind(vp.ino)) {
    case Kind::Self: {
      Proc* p = curproc();
      if (!p) return Error::NoEnt;
      len = format(text, sizeof text, "%d", p->p_pid.value);
      break;
    }
    case Kind::ThreadSelf: {
      // The reading thread's own directory, as Linux's proc_thread_self.
      Lwp* l = curlwp();
      Proc* p = curproc();
      if (!p || !l) return Error::NoEnt;
      len = format(text, sizeof text, "%d/task/%d", p->p_pid.value, l->l_lid);
      break;
    }
    case Kind::PidExe:
      len = TRY(procfs_proc_exe(pid, text, sizeof text));
      break;
    case Kind::PidFd: {
      FileTable* t = TRY(files_of(pid, ino_tid(vp.ino)));
      Result<File*> f = fd_get(t, ino_fd(vp.ino));
      filetable_release(t);
      if (!f.ok()) return Error::NoEnt;
      len = describe_file(*f.value(), text, sizeof text);
      file_release(f.value());
      break;
    }
    default:
      return Error::Inval;
  }
  len = min(len, n);
  memcpy(buf, text, len);
  return len;
}

// /proc/<pid>/fd/N followed, as Linux's proc_fd_link: the open File's own
// vnode (a file, directory, device node or FIFO), a pipe's
// (core/vfs/pipe_vnode.h), or, for a File the kernel opened without one
// (the console at boot), the /dev node describe_file names; NxIo for
// anything else. Opening the result makes a new open file description.
Result<Vnode*> procfs_fd_jump(Vnode& vp) {
  FileTable* t = TRY(files_of(ino_pid(vp.ino), ino_tid(vp.ino)));
  Result<File*> got = fd_get(t, ino_fd(vp.ino));
  filetable_release(t);
  if (!got.ok()) return Error::NoEnt;
  File& f = *got.value();
  Result<Vnode*> r = Error::NxIo;
  if (f.vnode) {
    vnode_hold(f.vnode);
    r = f.vnode;
  } else if (file_pipe(f)) {
    r = pipe_vnode(f);
  } else {
    char text[kNameMax + 8];
    describe_file(f, text, sizeof text);
    Nameidata nd;
    if (text[0] == '/' && namei(nullptr, text, kNameiFollow, nd).ok()) {
      r = nd.vp;
      nd.vp = nullptr;
    }
  }
  file_release(&f);
  return r;
}

// Renders with render(out) into a buffer that grows until the text fits
// (as seq_file retries), and opens it.
template <typename Render>
Result<File*> open_rendered(Vnode& vp, int flags, Render&& render, ProcStoreFn store = nullptr) {
  size_t cap = kPageSize;
  for (int tries = 0; tries < 6; tries++) {
    char* buf = static_cast<char*>(kmalloc(cap));
    if (!buf) return Error::NoMem;
    TextBuf out(buf, cap);
    render(out);
    if (!out.overflowed())
      return procfs_store_file(buf, out.len(), vp.ino, vp.mount->dev, flags, store);
    cap = out.needed() + 256;
    kfree(buf);
  }
  return Error::NoMem;
}

void render_mount_line(void* ctx, const Mount& m) {
  const char* type = m.type ? m.type->name : "none";
  procfs_render_mount(*static_cast<TextBuf*>(ctx), {type, m.on, type, "rw,relatime"});
}

Result<File*> procfs_open(Vnode& vp, int flags) {
  const i32 pid = ino_pid(vp.ino);
  switch (ino_kind(vp.ino)) {
    case Kind::Meminfo: {
      MemInfo mi;
      procfs_meminfo(mi);
      return open_rendered(vp, flags, [&](TextBuf& o) { procfs_render_meminfo(o, mi); });
    }
    case Kind::Uptime: {
      u64 up, idle;
      procfs_uptime(up, idle);
      return open_rendered(vp, flags, [&](TextBuf& o) { procfs_render_uptime(o, up, idle); });
    }
    case Kind::Loadavg: {
      LoadAvg l;
      procfs_loadavg(l);
      return open_rendered(vp, flags, [&](TextBuf& o) { procfs_render_loadavg(o, l); });
    }
    case Kind::Stat: {
      HartTimes harts[hal::kMaxCpus];
      SysStat s;
      procfs_sys_stat(s, harts, hal::kMaxCpus);
      return open_rendered(vp, flags, [&](TextBuf& o) { procfs_render_stat_sys(o, s); });
    }
    case Kind::Cpuinfo: {
      CpuInfoHart harts[hal::kMaxCpus];
      const u32 n = min<u32>(hal::online_cpus(), hal::kMaxCpus);
      for (u32 i = 0; i < n; i++) {
        const hal::HartInfo h = hal::hart_info(i);
        harts[i] = {i, h.hartid, h.isa, h.mmu};
      }
      return open_rendered(vp, flags, [&](TextBuf& o) { procfs_render_cpuinfo(o, harts, n); });
    }
    case Kind::Mounts:
    case Kind::PidMounts:  // one mount namespace: every process sees these
      return open_rendered(vp, flags, [&](TextBuf& o) { vfs_for_each_mount(render_mount_line, &o); });
    case Kind::Sysctl: {
      const size_t i = size_t(ino_fd(vp.ino));
      if (i >= kKernelSysctlCount) return Error::NoEnt;
      return open_rendered(vp, flags, [&](TextBuf& o) { kKernelSysctls[i].render(o); },
                           kKernelSysctls[i].store);
    }
    case Kind::MqSysctl: {
      const size_t i = size_t(ino_fd(vp.ino));
      if (i >= kMqueueSysctlCount) return Error::NoEnt;
      return open_rendered(vp, flags, [&](TextBuf& o) { kMqueueSysctls[i].render(o); },
                           kMqueueSysctls[i].store);
    }
    case Kind::PidStat:
    case Kind::PidStatus: {
      ProcInfo pi;
      if (!procfs_proc_info(pid, pi).ok()) return Error::NoEnt;
      if (ino_kind(vp.ino) == Kind::PidStat)
        return open_rendered(vp, flags, [&](TextBuf& o) { procfs_render_stat(o, pi); });
      return open_rendered(vp, flags, [&](TextBuf& o) { procfs_render_status(o, pi); });
    }
    case Kind::PidComm: {
      ProcInfo pi;
      if (!procfs_proc_info(pid, pi).ok()) return Error::NoEnt;
      return open_rendered(vp, flags, [&](TextBuf& o) { procfs_render_comm(o, pi); });
    }
    case Kind::TaskStat:
    case Kind::TaskStatus:
    case Kind::TaskComm: {
      ProcInfo pi;
      if (!procfs_task_info(pid, ino_tid(vp.ino), pi).ok()) return Error::NoEnt;
      const Kind k = ino_kind(vp.ino);
      return open_rendered(vp, flags, [&](TextBuf& o) {
        if (k == Kind::TaskStat) procfs_render_stat(o, pi);
        else if (k == Kind::TaskStatus) procfs_render_status(o, pi);
        else procfs_render_comm(o, pi);
      });
    }
    case Kind::PidCmdline: {
      // Linux shows the whole argument area; exec caps it at kExecArgMax.
      char* args = static_cast<char*>(kmalloc(kExecArgMax));
      if (!args) return Error::NoMem;
      Result<size_t> n = procfs_proc_args(pid, args, kExecArgMax);
      Result<File*> f = n.ok() ? open_rendered(vp, flags, [&](TextBuf& o) {
        procfs_render_cmdline(o, args, n.value());
      })
                               : Result<File*>(Error::NoEnt);
      kfree(args);
      return f;
    }
    default:
      return Error::Inval;
  }
}

const VnodeOps kDirOps = {
    .lookup = procfs_lookup,
    .create = nullptr,
    .mkdir = nullptr,
    .mknod = nullptr,
    .symlink = nullptr,
    .readlink = nullptr,
    .link = nullptr,
    .unlink = nullptr,
    .rmdir = nullptr,
    .rename = nullptr,
    .read = nullptr,
    .write = nullptr,
    .truncate = nullptr,
    .getattr = nullptr,
    .setattr = nullptr,
    .readdir = procfs_readdir,
    .open = nullptr,
    .reclaim = nullptr,
};
const VnodeOps kTextOps = {
    .lookup = nullptr,
    .create = nullptr,
    .mkdir = nullptr,
    .mknod = nullptr,
    .symlink = nullptr,
    .readlink = nullptr,
    .link = nullptr,
    .unlink = nullptr,
    .rmdir = nullptr,
    .rename = nullptr,
    .read = nullptr,
    .write = nullptr,
    .truncate = nullptr,
    .getattr = nullptr,
    .setattr = nullptr,
    .readdir = nullptr,
    .open = procfs_open,
    .reclaim = nullptr,
};
const VnodeOps kLinkOps = {
    .lookup = nullptr,
    .create = nullptr,
    .mkdir = nullptr,
    .mknod = nullptr,
    .symlink = nullptr,
    .readlink = procfs_readlink,
    .link = nullptr,
    .unlink = nullptr,
    .rmdir = nullptr,
    .rename = nullptr,
    .read = nullptr,
    .write = nullptr,
    .truncate = nullptr,
    .getattr = nullptr,
    .setattr = nullptr,
    .readdir = nullptr,
    .open = nullptr,
    .reclaim = nullptr,
};
void task_list_reclaim(Vnode& vp) { kfree(vp.data); }
const VnodeOps kTaskListOps = {
    .lookup = procfs_lookup,
    .readdir = procfs_readdir,
    .reclaim = task_list_reclaim,
};
const VnodeOps kFdLinkOps = {
    .readlink = procfs_readlink,
    .jump = procfs_fd_jump,
};

Result<Vnode*> procfs_mount(Mount& m) {
  return vnode_alloc(&m, &kDirOps, VType::Dir, make_ino(0, Kind::Root), VCreate{.mode = 0555});
}

void procfs_statfs(Mount&, StatFs& st) {
  st.type = kProcSuperMagic;
  st.bsize = kPageSize;
  st.namelen = kNameMax;
}

}  // namespace

i32 procfs_pid_dir(const Vnode* v, u64* start_ns) {
  if (!v || !v->mount || v->mount->type != &kProcfsType) return 0;
  if (ino_kind(v->ino) != Kind::PidDir) return 0;
  *start_ns = u64(reinterpret_cast<uptr>(v->data));
  return ino_pid(v->ino);
}

const FsType kProcfsType = {
    .name = "proc",
    .namecache = false,
    .mount = procfs_mount,
    .unmount = nullptr,
    .statfs = procfs_statfs,
};

}  // namespace tine
