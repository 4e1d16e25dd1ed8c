// eventfd2(initval, flags) (core/fs/file_eventfd.h): EINVAL for unknown
// flags, EMFILE with no descriptor free.
#include "core/compat/linux/linux.h"

#include "core/fs/file_eventfd.h"
#include "core/fs/filedesc.h"
#include "core/proc/proc.h"

namespace tine {

i64 linux_sys_eventfd2(const SyscallArgs& a) {
  const int flags = int(a.a[1]);
  Result<File*> f = eventfd_create(u32(a.a[0]), flags);
  if (!f.ok()) return errno_of(f.error());
  Result<int> fd = fd_install(curfd(), f.value(), (flags & kEfdCloExec) != 0);
  file_release(f.value());  // the slot holds its own
  return syscall_result(fd);
}

}  // namespace tine
