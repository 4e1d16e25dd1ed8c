// Linux attribute syscalls: thin shims over core/vfs/sys_vfs.h (stat,
// chmod/chown, times, access, truncate, statfs, sync).
#include "core/compat/linux/linux.h"
#include "core/compat/linux/path_ctx.h"
#include "core/vfs/sys_vfs.h"

namespace tine {

namespace {
FileTable* fdt() { return curfd(); }
}  // namespace

i64 linux_sys_fstat(const SyscallArgs& a) {
  return syscall_result(sys_fstat(fdt(), int(a.a[0]), a.a[1]));
}
i64 linux_sys_newfstatat(const SyscallArgs& a) {
  return syscall_result(
      sys_newfstatat(fdt(), int(a.a[0]), a.a[1], a.a[2], int(a.a[3]), path_ctx()));
}
i64 linux_sys_statx(const SyscallArgs& a) {
  return syscall_result(sys_statx(fdt(), int(a.a[0]), a.a[1], int(a.a[2]), u32(a.a[3]), a.a[4],
                                  path_ctx()));
}
i64 linux_sys_fchmod(const SyscallArgs& a) {
  return syscall_result(sys_fchmod(fdt(), int(a.a[0]), u32(a.a[1]), path_ctx()));
}
i64 linux_sys_fchmodat(const SyscallArgs& a) {
  return syscall_result(sys_fchmodat(fdt(), int(a.a[0]), a.a[1], u32(a.a[2]), path_ctx()));
}
i64 linux_sys_fchown(const SyscallArgs& a) {
  return syscall_result(sys_fchown(fdt(), int(a.a[0]), u32(a.a[1]), u32(a.a[2]), path_ctx()));
}
i64 linux_sys_fchownat(const SyscallArgs& a) {
  return syscall_result(sys_fchownat(fdt(), int(a.a[0]), a.a[1], u32(a.a[2]), u32(a.a[3]),
                                     int(a.a[4]), path_ctx()));
}
i64 linux_sys_utimensat(const SyscallArgs& a) {
  return syscall_result(
      sys_utimensat(fdt(), int(a.a[0]), a.a[1], a.a[2], int(a.a[3]), path_ctx()));
}
i64 linux_sys_faccessat(const SyscallArgs& a) {
  return syscall_result(
      sys_faccessat2(fdt(), int(a.a[0]), a.a[1], int(a.a[2]), 0, path_ctx(), real_ids()));
}
i64 linux_sys_faccessat2(const SyscallArgs& a) {
  return syscall_result(
      sys_faccessat2(fdt(), int(a.a[0]), a.a[1], int(a.a[2]), int(a.a[3]), path_ctx(), real_ids()));
}
i64 linux_sys_truncate(const SyscallArgs& a) {
  return syscall_result(sys_truncate(a.a[0], i64(a.a[1]), path_ctx()));
}
i64 linux_sys_ftruncate(const SyscallArgs& a) {
  return syscall_result(sys_ftruncate(fdt(), int(a.a[0]), i64(a.a[1])));
}
i64 linux_sys_statfs(const SyscallArgs& a) {
  return syscall_result(sys_statfs(a.a[0], a.a[1], path_ctx()));
}
i64 linux_sys_fstatfs(const SyscallArgs& a) {
  return syscall_result(sys_fstatfs(fdt(), int(a.a[0]), a.a[1]));
}
i64 linux_sys_fsync(const SyscallArgs& a) {
  return syscall_result(sys_fsync(fdt(), int(a.a[0])));
}
// Memory file systems have nothing to write back.
i64 linux_sys_sync(const SyscallArgs&) { return 0; }

}  // namespace tine
