// Linux memory syscalls: brk, mmap (anonymous memory and files), munmap,
// mprotect.
#include "core/compat/linux/linux.h"

#include "core/dev/devnum.h"
#include "core/fs/file.h"
#include "core/fs/filedesc.h"
#include "core/proc/proc.h"
#include "core/vfs/vnode_pager.h"
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
  File* f = TRY(fd_get(curproc()->p_fd, fd));
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

}  // namespace tine
