// fcntl's record-lock commands on core/vfs/lockf.h, in the order of
// Linux's fcntl_getlk / fcntl_setlk and flock_to_posix_lock.
#include "core/fs/sys_file.h"
#include "core/proc/proc.h"
#include "core/sched/sched.h"
#include "core/vfs/lockf.h"
#include "core/vfs/vfs_file.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

// struct flock of the 64-bit generic ABI.
struct LinuxFlock {
  i16 type;
  i16 whence;
  i32 pad;
  i64 start;
  i64 len;
  i32 pid;
  i32 pad2;
};
static_assert(sizeof(LinuxFlock) == 32);

constexpr i64 kOffsetMax = i64(kLockToEof);

// flock_to_posix_lock: the range from whence, start and len (a negative
// len reaches back from start); EINVAL for a bad whence or a range that
// begins before 0, EOVERFLOW past OFFSET_MAX; then the type (EINVAL).
Result<LockRange> range_of(File& f, const LinuxFlock& fl) {
  i64 base;
  switch (fl.whence) {
    case kSeekSet: base = 0; break;
    case kSeekCur: {
      MutexGuard g(f.offset_lock);
      base = i64(f.offset);
      break;
    }
    case kSeekEnd: {
      VAttr va;
      file_getattr(f, va);
      base = va.size;
      break;
    }
    default: return Error::Inval;
  }
  if (fl.start > kOffsetMax - base) return Error::Overflow;
  i64 start = base + fl.start;
  if (start < 0) return Error::Inval;
  i64 end;
  if (fl.len > 0) {
    if (fl.len - 1 > kOffsetMax - start) return Error::Overflow;
    end = start + fl.len - 1;
  } else if (fl.len < 0) {
    if (start + fl.len < 0) return Error::Inval;
    end = start - 1;
    start += fl.len;
  } else {
    end = kOffsetMax;
  }
  if (fl.type != kFRdLck && fl.type != kFWrLck && fl.type != kFUnLck) return Error::Inval;
  Proc* p = curproc();
  return LockRange{fl.type, u64(start), u64(end), p ? p->p_pid.value : 0};
}

}  // namespace

Result<void> sys_fcntl_lock(FileTable* t, File& f, int cmd, uptr arg) {
  LinuxFlock fl;
  TRY(copyin(&fl, arg, sizeof fl));
  if (cmd == kFGetLk) {
    if (fl.type != kFRdLck && fl.type != kFWrLck) return Error::Inval;
    LockRange want = TRY(range_of(f, fl));
    lockf_test(lockf_key(f), t, &want);
    fl.type = want.type;
    if (want.type != kFUnLck) {
      fl.whence = kSeekSet;
      fl.start = i64(want.start);
      fl.len = want.end == kLockToEof ? 0 : i64(want.end - want.start + 1);
      fl.pid = want.pid;
    }
    return copyout(arg, &fl, sizeof fl);
  }
  const LockRange want = TRY(range_of(f, fl));
  // check_fmode_for_setlk: a read lock wants a File open for reading, a
  // write lock one open for writing.
  if ((want.type == kFRdLck && !f.readable()) || (want.type == kFWrLck && !f.writable()))
    return Error::BadF;
  return lockf_set(lockf_key(f), t, want, cmd == kFSetLkW);
}

}  // namespace tine
