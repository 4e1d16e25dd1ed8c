// Linux path syscalls: thin shims over core/vfs/sys_vfs.h (names,
// directories, the cwd and umask).
#include "core/compat/linux/linux.h"
#include "core/compat/linux/path_ctx.h"
#include "core/vfs/sys_vfs.h"

namespace tine {

namespace {
FileTable* fdt() { return curfd(); }
}  // namespace

i64 linux_sys_openat(const SyscallArgs& a) {
  return syscall_result(
      sys_openat(fdt(), int(a.a[0]), a.a[1], int(a.a[2]), u32(a.a[3]), path_ctx()));
}
i64 linux_sys_mkdirat(const SyscallArgs& a) {
  return syscall_result(sys_mkdirat(fdt(), int(a.a[0]), a.a[1], u32(a.a[2]), path_ctx()));
}
i64 linux_sys_mknodat(const SyscallArgs& a) {
  return syscall_result(
      sys_mknodat(fdt(), int(a.a[0]), a.a[1], u32(a.a[2]), a.a[3], path_ctx()));
}
i64 linux_sys_unlinkat(const SyscallArgs& a) {
  return syscall_result(sys_unlinkat(fdt(), int(a.a[0]), a.a[1], int(a.a[2]), path_ctx()));
}
i64 linux_sys_symlinkat(const SyscallArgs& a) {
  return syscall_result(sys_symlinkat(fdt(), a.a[0], int(a.a[1]), a.a[2], path_ctx()));
}
i64 linux_sys_linkat(const SyscallArgs& a) {
  return syscall_result(sys_linkat(fdt(), int(a.a[0]), a.a[1], int(a.a[2]), a.a[3],
                                   int(a.a[4]), path_ctx()));
}
i64 linux_sys_renameat2(const SyscallArgs& a) {
  return syscall_result(sys_renameat2(fdt(), int(a.a[0]), a.a[1], int(a.a[2]), a.a[3],
                                      u32(a.a[4]), path_ctx()));
}
i64 linux_sys_readlinkat(const SyscallArgs& a) {
  return syscall_result(
      sys_readlinkat(fdt(), int(a.a[0]), a.a[1], a.a[2], i64(int(a.a[3])), path_ctx()));
}
i64 linux_sys_getdents64(const SyscallArgs& a) {
  return syscall_result(sys_getdents64(fdt(), int(a.a[0]), a.a[1], a.a[2]));
}
i64 linux_sys_chdir(const SyscallArgs& a) { return syscall_result(sys_chdir(a.a[0], path_ctx())); }
i64 linux_sys_fchdir(const SyscallArgs& a) {
  return syscall_result(sys_fchdir(fdt(), int(a.a[0]), path_ctx()));
}
i64 linux_sys_getcwd(const SyscallArgs& a) {
  return syscall_result(sys_getcwd(a.a[0], a.a[1], path_ctx()));
}
i64 linux_sys_umask(const SyscallArgs& a) {
  return i64(cwd_umask(curcwdi(), u32(a.a[0])));
}

}  // namespace tine
