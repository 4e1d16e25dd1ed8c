// Linux memory syscalls: brk, mmap (anonymous memory and files), munmap,
// mprotect, msync, madvise, mincore, mremap.
#include "core/compat/linux/linux.h"

#include "core/dev/devnum.h"
#include "core/fs/file.h"
#include "core/fs/filedesc.h"
#include "core/proc/proc.h"
#include "core/vfs/vnode_pager.h"
#include "core/vm/uaccess.h"
#include "core/vm/vm.h"
#include "core/sched/sched.h"

namespace tine {

i64 linux_sys_brk(const SyscallArgs& a) { return i64(vm_brk(curproc()->p_vmspace, a.a[0])); }

constexpr u64 kProtRead = 1, kProtWrite = 2, kProtExec = 4;
constexpr u64 kMapShared = 0x01, kMapPrivate = 0x02, kMapFixed = 0x10, kMapAnonymous = 0x20;

Prot prot_of(u64 p) {
  Prot r = Prot::User;
  if (p & kProtRead) r |= Prot::Read;
  if (p & kProtWrite) r |= Prot::Write | Prot::Read;
  if (p & kProtExec) r |= Prot::Exec;
  return r;
}

namespace {

// /dev/zero maps as anonymous memory (Linux: private zero pages, shared
// anonymous memory for MAP_SHARED).
bool is_dev_zero(Vnode& vp) {
  if (vp.type != VType::Chr) return false;
  MutexGuard g(vp.lock);
  return vp.rdev == dev_encode(kMemMajor, kZeroMinor);
}

// mmap of a descriptor, in Linux's order (do_mmap): EBADF, then, for
// MAP_SHARED with PROT_WRITE, a File open for writing (EACCES), then a File
// open for reading (EACCES), then a file system that can map it (ENODEV).
Result<uptr> map_file(uptr addr, u64 len, u64 prot, bool shared, bool fixed, int fd,
                      u64 offset) {
  VmSpace* vs = curproc()->p_vmspace;
  File* f = TRY(fd_get(curfd(), fd));
  struct Release {
    File* f;
    ~Release() { file_release(f); }
  } release{f};
  if (shared && (prot & kProtWrite) && !f->writable()) return Error::Access;
  if (!f->readable()) return Error::Access;
  if (!f->vnode) return Error::NoDev;  // pipes, sockets
  if (is_dev_zero(*f->vnode))
    return vm_map_anon(vs, addr, len, prot_of(prot),
                       shared ? MapShare::Shared : MapShare::Private, fixed);
  const VmObject obj = vnode_vm_object(*f->vnode);
  if (!obj) return Error::NoDev;
  // A shared mapping of a File open read-only may never be made writable
  // (Linux clears VM_MAYWRITE): mprotect then answers EACCES.
  const Prot max_prot = shared && !f->writable() ? Prot::Read | Prot::Exec : kProtAccess;
  return vm_map_object(vs, addr, len, prot_of(prot),
                       shared ? MapShare::Shared : MapShare::Private, fixed, obj,
                       offset / kPageSize, max_prot);
}

}  // namespace

i64 linux_sys_mmap(const SyscallArgs& a) {
  const uptr addr = a.a[0];
  const u64 len = a.a[1], prot = a.a[2], flags = a.a[3], offset = a.a[5];
  const int fd = int(a.a[4]);
  // riscv's sys_mmap refuses an unaligned offset before anything else.
  if (!is_aligned(offset, kPageSize)) return errno_of(Error::Inval);
  if (len == 0 || (prot & ~(kProtRead | kProtWrite | kProtExec))) return errno_of(Error::Inval);
  const bool shared = flags & kMapShared;
  if (!(flags & kMapAnonymous)) {
    if (shared == bool(flags & kMapPrivate)) return errno_of(Error::Inval);
    if (!is_aligned(addr, kPageSize) && (flags & kMapFixed)) return errno_of(Error::Inval);
    return syscall_result(map_file(align_down(addr, kPageSize), align_up(len, kPageSize), prot,
                                   shared, flags & kMapFixed, fd, offset));
  }
  if (shared == bool(flags & kMapPrivate)) return errno_of(Error::Inval);
  if (!is_aligned(addr, kPageSize)) return errno_of(Error::Inval);
  Result<uptr> r = vm_map_anon(curproc()->p_vmspace, addr, align_up(len, kPageSize),
                               prot_of(prot), shared ? MapShare::Shared : MapShare::Private,
                               flags & kMapFixed);
  return syscall_result(r);
}

i64 linux_sys_munmap(const SyscallArgs& a) {
  if (!is_aligned(a.a[0], kPageSize) || a.a[1] == 0) return errno_of(Error::Inval);
  return syscall_result(vm_unmap(curproc()->p_vmspace, a.a[0], align_up(a.a[1], kPageSize)));
}

i64 linux_sys_msync(const SyscallArgs& a) {
  constexpr u64 kMsAsync = 1, kMsInvalidate = 2, kMsSync = 4;
  const u64 flags = a.a[2];
  if ((flags & ~(kMsAsync | kMsInvalidate | kMsSync)) ||
      ((flags & kMsAsync) && (flags & kMsSync)))
    return errno_of(Error::Inval);
  return syscall_result(vm_sync(curproc()->p_vmspace, a.a[0], a.a[1]));
}

i64 linux_sys_mprotect(const SyscallArgs& a) {
  if (!is_aligned(a.a[0], kPageSize)) return errno_of(Error::Inval);
  return syscall_result(vm_protect(curproc()->p_vmspace, a.a[0], align_up(a.a[1], kPageSize),
                                   prot_of(a.a[2])));
}

namespace {

// madvise's advice values (asm-generic/mman-common.h) as Tine takes them;
// false for those Linux does not know and those Tine does not have:
// MADV_REMOVE (no hole punching in shared memory), MADV_COLLAPSE (no huge
// pages), MADV_HWPOISON and MADV_SOFT_OFFLINE (no memory-failure code).
bool advice_of(u64 behavior, Advice* out) {
  switch (behavior) {
    case 0:   // MADV_NORMAL
    case 1:   // MADV_RANDOM
    case 2:   // MADV_SEQUENTIAL
    case 3:   // MADV_WILLNEED
    case 12:  // MADV_MERGEABLE
    case 13:  // MADV_UNMERGEABLE
    case 14:  // MADV_HUGEPAGE
    case 15:  // MADV_NOHUGEPAGE
    case 16:  // MADV_DONTDUMP
    case 17:  // MADV_DODUMP
    case 20:  // MADV_COLD
    case 21:  // MADV_PAGEOUT
      *out = Advice::Hint;
      return true;
    case 4:   // MADV_DONTNEED
    case 24:  // MADV_DONTNEED_LOCKED (nothing is locked)
      *out = Advice::DontNeed;
      return true;
    case 8: *out = Advice::Free; return true;
    case 10: *out = Advice::DontFork; return true;
    case 11: *out = Advice::DoFork; return true;
    case 18: *out = Advice::WipeOnFork; return true;
    case 19: *out = Advice::KeepOnFork; return true;
    case 22: *out = Advice::PopulateRead; return true;
    case 23: *out = Advice::PopulateWrite; return true;
    default: return false;
  }
}

}  // namespace

// do_madvise's order: the advice, the start's alignment, a length that
// overflows when rounded up (EINVAL), then len 0 is a no-op.
i64 linux_sys_madvise(const SyscallArgs& a) {
  const uptr start = a.a[0];
  const u64 len_in = a.a[1];
  Advice advice;
  if (!advice_of(a.a[2] & 0xffffffffu, &advice)) return errno_of(Error::Inval);
  if (!is_aligned(start, kPageSize)) return errno_of(Error::Inval);
  const u64 len = align_up(len_in, kPageSize);
  if ((len_in && !len) || start + len < start) return errno_of(Error::Inval);
  if (len == 0) return 0;
  return syscall_result(vm_advise(curproc()->p_vmspace, start, len, advice));
}

// mincore(start, len, vec): EINVAL (start unaligned), ENOMEM (range past
// the user half), EFAULT (vec cannot hold a byte per page), then a byte per
// page, in chunks so that no copyout happens under the space's lock; an
// unmapped page ends it with ENOMEM (the bytes before it written, as
// Linux).
i64 linux_sys_mincore(const SyscallArgs& a) {
  const uptr start = a.a[0], vec = a.a[2];
  const u64 len = a.a[1];
  if (!is_aligned(start, kPageSize)) return errno_of(Error::Inval);
  if (len > hal::kUserVaTop || start > hal::kUserVaTop - len) return errno_of(Error::NoMem);
  const u64 pages = len / kPageSize + (len % kPageSize != 0);
  if (pages > hal::kUserVaTop || vec > hal::kUserVaTop - pages) return errno_of(Error::Fault);
  VmSpace* vs = curproc()->p_vmspace;
  u8 buf[256];
  for (u64 done = 0; done < pages;) {
    const size_t want = min<u64>(pages - done, sizeof buf);
    Result<size_t> n = vm_mincore(vs, start + done * kPageSize, want, buf);
    if (!n.ok()) return errno_of(n.error());
    if (!copyout(vec + done, buf, n.value()).ok()) return errno_of(Error::Fault);
    if (n.value() < want) return errno_of(Error::NoMem);
    done += want;
  }
  return 0;
}

// mremap(addr, old_len, new_len, flags, new_addr): the flag and alignment
// checks of Linux's sys_mremap, in its order; the rest is vm_remap's.
i64 linux_sys_mremap(const SyscallArgs& a) {
  constexpr u64 kMayMove = 1, kFixed = 2, kDontUnmap = 4;
  const uptr addr = a.a[0], new_addr = a.a[4];
  const u64 flags = a.a[3];
  if (flags & ~(kMayMove | kFixed | kDontUnmap)) return errno_of(Error::Inval);
  if ((flags & kFixed) && !(flags & kMayMove)) return errno_of(Error::Inval);
  // DONTUNMAP always moves and never resizes.
  if ((flags & kDontUnmap) && (!(flags & kMayMove) || a.a[1] != a.a[2]))
    return errno_of(Error::Inval);
  if (!is_aligned(addr, kPageSize)) return errno_of(Error::Inval);
  const u64 old_len = align_up(a.a[1], kPageSize);  // wraps to 0 as PAGE_ALIGN
  const u64 new_len = align_up(a.a[2], kPageSize);
  if (new_len == 0) return errno_of(Error::Inval);
  RemapFlags f;
  f.maymove = flags & kMayMove;
  f.fixed = flags & kFixed;
  f.dontunmap = flags & kDontUnmap;
  return syscall_result(vm_remap(curproc()->p_vmspace, addr, old_len, new_len, f, new_addr));
}

}  // namespace tine
