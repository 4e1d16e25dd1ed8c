// /proc/sys/kernel: the kernel's limits and names as Linux's sysctl files
// show them (kernel/sysctl.c, kernel/utsname_sysctl.c): one value and a
// newline each, read from where the kernel keeps it, so a file says what
// the kernel does. All are read-only: Linux answers EACCES when a sysctl
// without a write bit is opened for writing, root included (sysctl_perm),
// as procfs_text_file does for every /proc text file.
#pragma once

#include "core/lib/types.h"
#include "core/procfs/textbuf.h"

namespace tine {

struct Sysctl {
  const char* name;
  void (*render)(TextBuf& out);
};

// In the order readdir lists them (alphabetical, as Linux's).
extern const Sysctl kKernelSysctls[];
extern const size_t kKernelSysctlCount;

}  // namespace tine
