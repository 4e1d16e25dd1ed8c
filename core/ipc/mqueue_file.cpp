// Message queue descriptors (mqueue_file.h), as Linux's
// mqueue_file_operations.
#include "core/ipc/mqueue_file.h"

#include "core/proc/proc.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

MQueue& mq_of(File& f) { return *static_cast<MQueue*>(f.data); }

// The status line from the File's offset (simple_read_from_buffer).
Result<size_t> mq_read(File& f, uptr user_buf, size_t n) {
  char text[kMqStatusMax];
  const size_t len = mqueue_status(&mq_of(f), text);
  MutexGuard g(f.offset_lock);
  if (f.offset >= len) return size_t{0};
  const size_t k = min<size_t>(n, len - size_t(f.offset));
  TRY(copyout(user_buf, text + f.offset, k));
  f.offset += k;
  return k;
}

Result<size_t> mq_write(File&, uptr, size_t) { return Error::Inval; }

void mq_close(File& f) { mqueue_release(&mq_of(f)); }

void mq_flush(File& f) {
  if (Proc* p = curproc()) mqueue_notify_remove(&mq_of(f), p->p_pid.value);
}

void mq_stat(File& f, FileStat& st) {
  const MQueue& q = mq_of(f);
  st.dev = 0x13;  // one "mqueue" file system
  st.ino = q.ino;
  st.mode = kSIfReg | q.mode;
  st.uid = q.uid;
  st.gid = q.gid;
  st.nlink = 1;
  st.size = kMqStatusMax;
  st.blksize = i32(kPageSize);
}

i16 mq_poll(File& f) { return mqueue_poll(&mq_of(f)); }

u32 mq_poll_seq(File& f) { return __atomic_load_n(&mq_of(f).seq, __ATOMIC_RELAXED); }

const FileOps kMqueueOps = {
    .name = "mqueue",
    .read = mq_read,
    .write = mq_write,
    .close = mq_close,
    .stat = mq_stat,
    .seekable = true,
    .poll = mq_poll,
    .poll_seq = mq_poll_seq,
    .flush = mq_flush,
};

}  // namespace

Result<File*> mqueue_file_create(MQueue* q, int oflag) {
  Result<File*> f = file_create(&kMqueueOps, oflag & (kOAccMode | kONonBlock), q);
  if (!f.ok()) mqueue_release(q);
  return f;
}

MQueue* mqueue_of_file(File& f) {
  return f.ops == &kMqueueOps ? static_cast<MQueue*>(f.data) : nullptr;
}

}  // namespace tine
