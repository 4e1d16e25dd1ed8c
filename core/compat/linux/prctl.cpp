// prctl(2) options beyond the process model's (process.cpp has
// PDEATHSIG and CHILD_SUBREAPER, and answers EINVAL for what neither
// knows), as Linux 6.12's kernel/sys.c checks them:
//   PR_SET_NAME/PR_GET_NAME  the 16-byte command name. Linux keeps it per
//                            thread; Tine keeps it per process (p_comm,
//                            which exec and /proc use) until processes
//                            have several LWPs.
//   PR_GET/SET_NO_NEW_PRIVS  per LWP, kept across fork and exec; Tine has
//                            no setuid executables, so it changes nothing.
//   PR_CAPBSET_READ          the bounding set is full (every process may
//                            keep every capability, as on a default
//                            Linux), so 1 for caps 0..CAP_LAST_CAP (40).
// PR_GET/SET_DUMPABLE and the rest are EINVAL for now; PR_SET_VMA is EINVAL, as in a Linux built without CONFIG_ANON_VMA_NAME.
#include "core/compat/linux/linux.h"

#include "core/lib/string.h"
#include "core/proc/proc.h"
#include "core/sched/sched.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {
constexpr int kPrSetName = 15, kPrGetName = 16,
              kPrCapbsetRead = 23, kPrSetNoNewPrivs = 38, kPrGetNoNewPrivs = 39;
constexpr u64 kCapLastCap = 40;  // CAP_CHECKPOINT_RESTORE
constexpr size_t kTaskCommLen = 16;
}  // namespace

i64 linux_sys_prctl_surface(const SyscallArgs& a) {
  Proc* p = curproc();
  const u64 arg2 = a.a[1];
  switch (int(a.a[0])) {
    case kPrSetName: {
      char comm[kTaskCommLen] = {};
      // strncpy_from_user of at most 15 bytes: a fault before the NUL or
      // the 15th byte is EFAULT (byte by byte, so a name that ends just
      // before an unmapped page is fine).
      for (size_t i = 0; i < kTaskCommLen - 1; i++) {
        if (Result<void> r = copyin(&comm[i], arg2 + i, 1); !r.ok()) return errno_of(r.error());
        if (!comm[i]) break;
      }
      MutexGuard g(proc_lock);
      memcpy(p->p_comm, comm, kTaskCommLen);
      return 0;
    }
    case kPrGetName: {
      char comm[kTaskCommLen] = {};
      {
        MutexGuard g(proc_lock);
        memcpy(comm, p->p_comm, kTaskCommLen - 1);
      }
      return syscall_result(copyout(arg2, comm, sizeof comm));
    }
    case kPrSetNoNewPrivs:
      if (arg2 != 1 || a.a[2] || a.a[3] || a.a[4]) return errno_of(Error::Inval);
      curlwp()->l_no_new_privs = true;
      return 0;
    case kPrGetNoNewPrivs:
      if (arg2 || a.a[2] || a.a[3] || a.a[4]) return errno_of(Error::Inval);
      return curlwp()->l_no_new_privs ? 1 : 0;
    case kPrCapbsetRead:
      return arg2 <= kCapLastCap ? 1 : errno_of(Error::Inval);
    default:
      return linux_sys_prctl(a);
  }
}

}  // namespace tine
