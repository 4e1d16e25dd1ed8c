// Linux memory syscalls: brk, mmap (anonymous only so far), munmap, mprotect.
#include "core/compat/linux/linux.h"

#include "core/proc/proc.h"
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

i64 linux_sys_mmap(const SyscallArgs& a) {
  const uptr addr = a.a[0];
  const u64 len = a.a[1], prot = a.a[2], flags = a.a[3];
  if (len == 0 || (prot & ~(kProtRead | kProtWrite | kProtExec))) return errno_of(Error::Inval);
  if (!(flags & kMapAnonymous)) return errno_of(Error::NoDev);  // no file mappings yet
  const bool shared = flags & kMapShared;
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

i64 linux_sys_mprotect(const SyscallArgs& a) {
  if (!is_aligned(a.a[0], kPageSize)) return errno_of(Error::Inval);
  return syscall_result(vm_protect(curproc()->p_vmspace, a.a[0], align_up(a.a[1], kPageSize),
                                   prot_of(a.a[2])));
}

}  // namespace tine
