#include "core/fs/file_initrd.h"

#include "core/lib/assert.h"
#include "core/vm/heap.h"
#include "core/lib/string.h"
#include "core/vm/uaccess.h"

namespace tine {

namespace {

// Searched in this order: the loader's archive overrides the built-in one.
CpioArchive g_loader;
CpioArchive g_builtin;

constexpr CpioFile dir_without_entry() {
  return CpioFile{"", 0, nullptr, 0, kCpioDir | 0555};
}

// Is there an entry strictly beneath `dir` (a non-empty normalised path)?
bool has_entry_under(const CpioArchive& a, const char* dir, size_t len) {
  bool found = false;
  // A malformed tail just ends the search: what was seen still counts.
  (void)a.for_each([&](const CpioFile& e) {
    found = e.name_len > len && e.name[len] == '/' && memcmp(e.name, dir, len) == 0;
    return !found;
  });
  return found;
}

// One normalised path ("" is the root; no leading, trailing or double '/').
Result<CpioFile> find_node(const char* path) {
  if (path[0] == '\0') return dir_without_entry();
  const CpioArchive* archives[] = {&g_loader, &g_builtin};
  for (const CpioArchive* a : archives) {
    // Error::Inval (a malformed archive) counts as "not here": a broken
    // loader archive must not hide the built-in one.
    Result<CpioFile> r = a->find(path);
    if (r.ok()) return r;
  }
  size_t len = strlen(path);
  for (const CpioArchive* a : archives)
    if (has_entry_under(*a, path, len)) return dir_without_entry();
  return Error::NoEnt;
}

// Resolves `path` (relative ones against `base`, "/" if null) component by
// component into `out` (kPathMax bytes, normalised). Every directory the
// walk passes through must be one, as in a real lookup ("/bin/sh/.." is
// NotDir). *parent_ok says the last component's directory exists, so a
// NoEnt is about the last name alone (what O_CREAT needs to know).
Result<CpioFile> walk(const char* base, const char* path, char* out, bool* parent_ok) {
  *parent_ok = false;
  if (path[0] == '\0') return Error::NoEnt;  // Linux: "" is ENOENT
  size_t len = 0;
  out[0] = '\0';
  if (path[0] != '/' && base) {
    while (*base == '/') base++;
    len = strlen(base);
    if (len >= kPathMax) return Error::NameTooLong;
    memcpy(out, base, len + 1);
    while (len > 0 && out[len - 1] == '/') out[--len] = '\0';
  }
  const char* p = path;
  for (;;) {
    while (*p == '/') p++;
    if (*p == '\0') break;
    const char* c = p;
    while (*p && *p != '/') p++;
    size_t clen = size_t(p - c);
    if (clen > kNameMax) return Error::NameTooLong;
    // The directory this component is looked up in.
    if (len > 0) {
      CpioFile dir = TRY(find_node(out));
      if (!dir.is_dir()) return Error::NotDir;
    }
    if (clen == 1 && c[0] == '.') continue;
    if (clen == 2 && c[0] == '.' && c[1] == '.') {
      while (len > 0 && out[len - 1] != '/') len--;
      if (len > 0) len--;  // the '/' before it
      out[len] = '\0';
      continue;
    }
    size_t sep = len > 0 ? 1 : 0;
    if (len + sep + clen + 1 > kPathMax) return Error::NameTooLong;
    if (sep) out[len++] = '/';
    memcpy(out + len, c, clen);
    len += clen;
    out[len] = '\0';
  }
  *parent_ok = true;
  CpioFile node = TRY(find_node(out));
  if (!node.is_dir() && !node.is_reg()) return Error::Access;
  bool trailing_slash = p > path && p[-1] == '/';
  if (trailing_slash && !node.is_dir()) return Error::NotDir;
  return node;
}

// What an initrd File points at; its absolute path follows it in the same
// allocation (for openat relative to a directory).
struct InitrdNode {
  bool dir;
  u32 mode;  // as stored in the archive, type bits included
  const u8* data;
  size_t size;
  char* path;
};

constexpr u64 kInitrdDev = 0x1;  // fstat's st_dev of every initrd node

// An inode number for a normalised path: the archive's own numbers are not
// unique across two archives, and a directory implied by its entries has
// none. FNV-1a, so two opens of one path agree, as two opens of one file
// do on Linux.
u64 path_ino(const char* path) {
  u64 h = 0xcbf29ce484222325ull;
  for (const char* c = path; *c; c++) {
    h ^= u8(*c);
    h *= 0x100000001b3ull;
  }
  return (h >> 1) | 1;  // positive as an ino_t, never 0
}

void fill_stat(FileStat& st, const char* norm_path, u32 mode, size_t size) {
  bool dir = (mode & kSIfMt) == kSIfDir;
  st.dev = kInitrdDev;
  st.ino = path_ino(norm_path);
  st.mode = mode;
  st.nlink = dir ? 2 : 1;
  st.rdev = 0;
  st.size = dir ? 0 : i64(size);
  st.blksize = i32(kPageSize);
}

InitrdNode& node_of(File& f) { return *static_cast<InitrdNode*>(f.data); }

Result<size_t> initrd_read(File& f, uptr user_buf, size_t n) {
  InitrdNode& node = node_of(f);
  if (node.dir) return Error::IsDir;
  MutexGuard g(f.offset_lock);
  if (f.offset >= node.size) return size_t{0};
  size_t want = min(n, size_t(node.size - f.offset));
  const u8* src = node.data + f.offset;
  size_t done = TRY(for_each_user_piece(user_buf, want, [&](uptr at, size_t len, size_t off) {
    return copyout(at, src + off, len);
  }));
  f.offset += done;
  return done;
}

// Unreachable through file_write (the File is read-only), but a backend
// answers for itself.
Result<size_t> initrd_write(File&, uptr, size_t) { return Error::BadF; }

void initrd_close(File& f) { kfree(f.data); }

void initrd_stat(File& f, FileStat& st) {
  InitrdNode& node = node_of(f);
  fill_stat(st, node.path + 1, node.mode, node.size);  // path without its '/'
}

const FileOps kInitrdOps = {
    .name = "initrd",
    .read = initrd_read,
    .write = initrd_write,
    .close = initrd_close,
    .stat = initrd_stat,
    .seekable = true,
};

// Buffers a kernel stack should not carry.
struct PathBuf {
  char* p = static_cast<char*>(kmalloc(kPathMax));
  ~PathBuf() { kfree(p); }
};

}  // namespace

void initrd_set_archive(const void* base, size_t size) {
  g_builtin = base ? CpioArchive(base, size) : CpioArchive();
}

void initrd_add_archive(const void* base, size_t size) {
  g_loader = base ? CpioArchive(base, size) : CpioArchive();
}

Result<CpioFile> initrd_lookup(const char* base, const char* path) {
  PathBuf norm;
  if (!norm.p) return Error::NoMem;
  bool parent_ok;
  return walk(base, path, norm.p, &parent_ok);
}

Result<File*> initrd_open(const char* base, const char* path, int flags) {
  // Linux 6.4+: O_CREAT with O_DIRECTORY is meaningless.
  if ((flags & kOCreat) && (flags & kODirectory)) return Error::Inval;
  PathBuf norm;
  if (!norm.p) return Error::NoMem;
  bool parent_ok;
  Result<CpioFile> found = walk(base, path, norm.p, &parent_ok);
  if (!found.ok()) {
    // Creating in an existing directory of a read-only file system.
    if (found.error() == Error::NoEnt && parent_ok && (flags & kOCreat)) return Error::RoFs;
    return found.error();
  }
  const CpioFile& e = found.value();
  bool write = (flags & kOAccMode) != kORdOnly;
  // In Linux's order (fs/namei.c do_open, may_open).
  if ((flags & kOCreat) && (flags & kOExcl)) return Error::Exist;
  if (e.is_dir()) {
    if ((flags & kOCreat) || write) return Error::IsDir;
  } else {
    if (flags & kODirectory) return Error::NotDir;
    if (write || (flags & kOTrunc)) return Error::RoFs;
  }

  size_t plen = strlen(norm.p);
  auto* node = static_cast<InitrdNode*>(kmalloc(sizeof(InitrdNode) + plen + 2));
  if (!node) return Error::NoMem;
  node->dir = e.is_dir();
  node->mode = e.mode;
  node->data = e.data;
  node->size = e.size;
  node->path = reinterpret_cast<char*>(node + 1);
  node->path[0] = '/';
  memcpy(node->path + 1, norm.p, plen + 1);
  // What F_GETFL reports: as Linux's do_dentry_open, without the flags that
  // only acted at open; with O_LARGEFILE, which a 64-bit Linux forces on
  // (force_o_largefile).
  int kept = (flags & ~(kOCreat | kOExcl | kONoCtty | kOTrunc)) | kOLargeFile;
  Result<File*> f = file_create(&kInitrdOps, kept, node);
  if (!f.ok()) kfree(node);
  return f;
}

Result<void> initrd_stat_path(const char* base, const char* path, FileStat& st) {
  PathBuf norm;
  if (!norm.p) return Error::NoMem;
  bool parent_ok;
  CpioFile e = TRY(walk(base, path, norm.p, &parent_ok));
  fill_stat(st, norm.p, e.mode, e.size);
  return ok();
}

const char* initrd_dir_path(File* f) {
  if (f->ops != &kInitrdOps) return nullptr;
  InitrdNode& node = node_of(*f);
  return node.dir ? node.path : nullptr;
}

}  // namespace tine
