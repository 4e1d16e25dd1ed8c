// /proc/sys/kernel: the kernel's limits and names as Linux's sysctl files
// show them (kernel/sysctl.c, kernel/utsname_sysctl.c): one value and a
// newline each, read from where the kernel keeps it, so a file says what
// the kernel does. A file with a `store` is root's to write (mode 0644),
// and the value written is what the kernel then uses; the others are
// read-only: Linux answers EACCES when a sysctl without a write bit is
// opened for writing, root included (sysctl_perm), as procfs_text_file
// does.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"
#include "core/procfs/textbuf.h"

namespace tine {

struct Sysctl {
  const char* name;
  void (*render)(TextBuf& out);
  // Takes what a write gave (not NUL-terminated): Error::Inval for text
  // that is not a value it accepts. nullptr: read-only.
  Result<void> (*store)(const char* text, size_t len) = nullptr;
};

// Linux's proc_dointvec parse: blanks, an optional '-', digits, blanks
// (a newline too), nothing else. Error::Inval otherwise.
Result<i64> sysctl_parse_int(const char* text, size_t len);

// In the order readdir lists them (alphabetical, as Linux's).
extern const Sysctl kKernelSysctls[];
extern const size_t kKernelSysctlCount;
// /proc/sys/fs/mqueue: POSIX message queue limits (core/ipc/mqueue_names.h).
extern const Sysctl kMqueueSysctls[];
extern const size_t kMqueueSysctlCount;

}  // namespace tine
