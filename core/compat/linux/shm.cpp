// Linux's System V shared memory calls (ipc/shm.c): shmget, shmat, shmdt,
// shmctl, decoding the generic 64-bit layouts (asm-generic/shmbuf.h,
// ipcbuf.h) around core/ipc/shm.h. Only the IPC_64 layouts exist on
// riscv64: glibc passes no IPC_64 bit, and a cmd with it is EINVAL.
#include "core/compat/linux/linux.h"

#include "core/ipc/shm.h"
#include "core/proc/syscall.h"
#include "core/vm/uaccess.h"
#include "core/vm/vm.h"

namespace tine {

namespace {

struct LinuxIpc64Perm {
  i32 key;
  u32 uid, gid, cuid, cgid, mode;
  u16 seq, pad2;
  u64 unused1, unused2;
};

struct LinuxShmid64Ds {
  LinuxIpc64Perm perm;
  u64 segsz;
  i64 atime, dtime, ctime;
  i32 cpid, lpid;
  u64 nattch, unused4, unused5;
};
static_assert(sizeof(LinuxShmid64Ds) == 112);

struct LinuxShminfo64 {
  u64 shmmax, shmmin, shmmni, shmseg, shmall, unused[4];
};

struct LinuxShmInfo {
  i32 used_ids;
  u64 shm_tot, shm_rss, shm_swp, swap_attempts, swap_successes;
};

enum : i32 {
  kIpcRmid = 0, kIpcSet = 1, kIpcStat = 2, kIpcInfo = 3, kShmLock = 11, kShmUnlock = 12,
  kShmStat = 13, kShmInfo = 14, kShmStatAny = 15,
};

i64 stat_cmd(i32 id, i32 cmd, uptr ubuf) {
  ShmStat st;
  const Result<int> r = shm_stat(id, cmd != kIpcStat, cmd != kShmStatAny, &st);
  if (!r.ok()) return errno_of(r.error());
  LinuxShmid64Ds d{};
  d.perm = {st.perm.key, st.perm.uid, st.perm.gid, st.perm.cuid, st.perm.cgid,
            st.perm.mode, st.perm.seq, 0, 0, 0};
  d.segsz = st.segsz;
  d.atime = st.atime;
  d.dtime = st.dtime;
  d.ctime = st.ctime;
  d.cpid = st.cpid;
  d.lpid = st.lpid;
  d.nattch = st.nattch;
  if (Result<void> c = copyout(ubuf, &d, sizeof d); !c.ok()) return errno_of(c.error());
  return r.value();
}

}  // namespace

// shmget(key, size, shmflg).
i64 linux_sys_shmget(const SyscallArgs& a) {
  return syscall_result(shm_get(i32(a.a[0]), a.a[1], u32(a.a[2])));
}

// shmat(shmid, shmaddr, shmflg): the address it mapped.
i64 linux_sys_shmat(const SyscallArgs& a) {
  const Result<uptr> r = shm_attach(curvm(), i32(a.a[0]), a.a[1], u32(a.a[2]));
  if (!r.ok()) return errno_of(r.error());
  return i64(r.value());
}

// shmdt(shmaddr).
i64 linux_sys_shmdt(const SyscallArgs& a) { return syscall_result(shm_detach(curvm(), a.a[0])); }

// shmctl(shmid, cmd, buf), in ksys_shmctl's order: a negative id or cmd
// first, then the command's own checks.
i64 linux_sys_shmctl(const SyscallArgs& a) {
  const i32 id = i32(a.a[0]);
  const i32 cmd = i32(a.a[1]);
  const uptr ubuf = a.a[2];
  if (cmd < 0 || id < 0) return errno_of(Error::Inval);
  switch (cmd) {
    case kIpcInfo: {
      const ShmTotals t = shm_totals();
      const ShmLimits l = shm_limits();
      LinuxShminfo64 info{l.shmmax, kShmMin, l.shmmni, l.shmmni, l.shmall, {}};
      if (Result<void> c = copyout(ubuf, &info, sizeof info); !c.ok())
        return errno_of(c.error());
      return t.max_index < 0 ? 0 : t.max_index;
    }
    case kShmInfo: {
      const ShmTotals t = shm_totals();
      LinuxShmInfo info{i32(t.used_ids), t.tot_pages, t.rss_pages, 0, 0, 0};
      if (Result<void> c = copyout(ubuf, &info, sizeof info); !c.ok())
        return errno_of(c.error());
      return t.max_index < 0 ? 0 : t.max_index;
    }
    case kIpcStat:
    case kShmStat:
    case kShmStatAny: return stat_cmd(id, cmd, ubuf);
    case kIpcSet: {
      LinuxShmid64Ds d;
      if (Result<void> c = copyin(&d, ubuf, sizeof d); !c.ok()) return errno_of(c.error());
      return syscall_result(shm_set(id, d.perm.uid, d.perm.gid, d.perm.mode));
    }
    case kIpcRmid: return syscall_result(shm_remove(id));
    case kShmLock:
    case kShmUnlock: return syscall_result(shm_lock(id, cmd == kShmLock));
    default: return errno_of(Error::Inval);
  }
}

}  // namespace tine
