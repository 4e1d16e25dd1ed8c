#include "core/procfs/procfs_file.h"

#include "core/lib/new.h"
#include "core/vm/heap.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

struct ProcText {
  char* text;
  size_t len;
  u64 ino, dev;
  ProcStoreFn store = nullptr;
};

ProcText& text_of(File& f) { return *static_cast<ProcText*>(f.data); }

// Up to n bytes of the text from `pos`. The text is fixed once rendered,
// so readers at different offsets need no lock between them.
Result<size_t> text_copy(const ProcText& t, u64 pos, uptr user_buf, size_t n) {
  if (pos >= t.len) return size_t{0};
  const size_t want = min(n, size_t(t.len - pos));
  const char* src = t.text + pos;
  return for_each_user_piece(user_buf, want, [&](uptr at, size_t len, size_t off) {
    return copyout(at, src + off, len);
  });
}

Result<size_t> text_read(File& f, uptr user_buf, size_t n) {
  MutexGuard g(f.offset_lock);
  const size_t done = TRY(text_copy(text_of(f), f.offset, user_buf, n));
  f.offset += done;
  return done;
}

// pread64: Linux's seq_file files read at any offset (proc-uptime.h of the
// proc kselftests preads /proc/uptime at 0).
Result<size_t> text_pread(File& f, uptr user_buf, size_t n, u64 off) {
  return text_copy(text_of(f), off, user_buf, n);
}

// Only a File with a store is opened for writing (the access mode is
// checked first).
Result<size_t> text_write(File& f, uptr user_buf, size_t n) {
  const ProcText& t = text_of(f);
  if (!t.store) return Error::BadF;
  u64 at;
  {
    MutexGuard g(f.offset_lock);
    at = f.offset;
  }
  // The store takes what the value lives under (proc_lock for pid_max),
  // which ranks below the offset lock: it runs without it.
  if (at == 0 && n != 0) {
    if (n > kProcStoreMax) return Error::Inval;
    char buf[kProcStoreMax];
    TRY(copyin(buf, user_buf, n));
    TRY(t.store(buf, n));
  }
  MutexGuard g(f.offset_lock);
  f.offset += n;
  return n;
}

void text_close(File& f) {
  ProcText* t = &text_of(f);
  kfree(t->text);
  t->~ProcText();
  kfree(t);
}

void text_stat(File& f, FileStat& st) {
  const ProcText& t = text_of(f);
  st.dev = t.dev;
  st.ino = t.ino;
  st.mode = kSIfReg | 0444;
  st.size = 0;  // as Linux: the size is not known until read
  st.blksize = 1024;
}

const FileOps kProcTextOps = {
    .name = "proc",
    .read = text_read,
    .write = text_write,
    .close = text_close,
    .stat = text_stat,
    .seekable = true,
    .pread = text_pread,
};

}  // namespace

Result<File*> procfs_text_file(char* text, size_t len, u64 ino, u64 dev, int flags) {
  return procfs_store_file(text, len, ino, dev, flags, nullptr);
}

Result<File*> procfs_store_file(char* text, size_t len, u64 ino, u64 dev, int flags,
                                ProcStoreFn store) {
  if ((flags & kOAccMode) != kORdOnly && !store) {
    kfree(text);
    return Error::Access;
  }
  void* mem = kmalloc(sizeof(ProcText));
  if (!mem) {
    kfree(text);
    return Error::NoMem;
  }
  auto* t = new (mem) ProcText{text, len, ino, dev, store};
  Result<File*> f = file_create(&kProcTextOps, flags, t);
  if (!f.ok()) {
    kfree(text);
    t->~ProcText();
    kfree(t);
  }
  return f;
}

}  // namespace tine
