// Linux mount syscalls: thin shims over core/vfs/sys_vfs.h.
#include "core/compat/linux/linux.h"
#include "core/compat/linux/path_ctx.h"
#include "core/vfs/sys_vfs.h"

namespace tine {

i64 linux_sys_mount(const SyscallArgs& a) {
  return syscall_result(sys_mount(a.a[0], a.a[1], a.a[2], a.a[3], a.a[4], path_ctx()));
}
i64 linux_sys_umount2(const SyscallArgs& a) {
  return syscall_result(sys_umount2(a.a[0], int(a.a[1]), path_ctx()));
}

}  // namespace tine
