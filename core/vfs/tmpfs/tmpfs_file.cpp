// tmpfs regular files: a page array per vnode (tmpfs_node.h). A page is
// referenced (page allocator refcount) by the array, and once more by a
// reader or writer for the length of its copy, which runs without the
// vnode's lock: a page fault during the copy may then take that lock (as
// mmap of a file will), and a truncate meanwhile cannot free the page
// under the copy. A mapping (mmap, exec) holds its pages the same way
// (tmpfs_getpage), for as long as it maps them.
#include "core/lib/string.h"
#include "core/vfs/tmpfs/tmpfs_node.h"
#include "core/vm/heap.h"
#include "core/vm/vm_page.h"
#include "hal/hal.h"

namespace tine {

namespace {

// The largest file: the page array must fit one heap allocation.
constexpr u64 kMaxPages = kHeapMaxAlloc / sizeof(paddr_t);
constexpr u64 kMaxFileSize = kMaxPages * kPageSize;

const u8 g_zeros[kPageSize] = {};

PageAllocator& pages() { return vm_page_allocator(); }

u8* page_ptr(paddr_t pa) { return static_cast<u8*>(hal::phys_to_virt(pa)); }

// Makes room for slot idx. REQUIRES vp.lock.
Result<void> grow_array(TmpfsNode& node, u64 idx) {
  if (idx < node.cap) return ok();
  if (idx >= kMaxPages) return Error::FBig;
  u64 cap = max<u64>(node.cap * 2, 16);
  while (cap <= idx) cap *= 2;
  cap = min(cap, kMaxPages);
  auto* a = static_cast<paddr_t*>(kzalloc(cap * sizeof(paddr_t)));
  if (!a) return Error::NoSpc;
  if (node.pages) memcpy(a, node.pages, node.cap * sizeof(paddr_t));
  kfree(node.pages);
  node.pages = a;
  node.cap = cap;
  return ok();
}

// The page at idx, allocated if missing, with one more reference for the
// caller. NoSpc when the mount is full or memory ran out. REQUIRES vp.lock.
Result<paddr_t> hold_page_locked(Vnode& vp, u64 idx) {
  TmpfsNode& node = tmpfs_node_of(vp);
  TmpfsMount& tm = tmpfs_mount_of(vp);
  TRY(grow_array(node, idx));
  if (!node.pages[idx]) {
    if (__atomic_load_n(&tm.pages_used, __ATOMIC_RELAXED) >= tm.pages_max) return Error::NoSpc;
    Result<paddr_t> pa = pages().alloc_zeroed();
    if (!pa.ok()) return Error::NoSpc;
    node.pages[idx] = pa.value();
    node.npages++;
    __atomic_add_fetch(&tm.pages_used, 1, __ATOMIC_RELAXED);
  }
  pages().ref(node.pages[idx]);
  return node.pages[idx];
}

Result<paddr_t> hold_page_for_write(Vnode& vp, u64 idx) {
  MutexGuard g(vp.lock);
  return hold_page_locked(vp, idx);
}

// Drops pages from index `first` on. REQUIRES vp.lock.
void drop_pages_from(Vnode& vp, u64 first) {
  TmpfsNode& node = tmpfs_node_of(vp);
  TmpfsMount& tm = tmpfs_mount_of(vp);
  for (u64 i = first; i < node.cap; i++) {
    if (!node.pages[i]) continue;
    (void)pages().unref(node.pages[i]);
    node.pages[i] = 0;
    node.npages--;
    __atomic_sub_fetch(&tm.pages_used, 1, __ATOMIC_RELAXED);
  }
}

}  // namespace

// mmap's and exec's page (VnodeOps::getpage): a hole inside the file gets
// its page here, so the mapping and later writes share it.
Result<paddr_t> tmpfs_getpage(Vnode& vp, u64 idx) {
  if (vp.type != VType::Reg) return Error::NoDev;
  MutexGuard g(vp.lock);
  if (idx >= kMaxPages || idx * kPageSize >= u64(vp.size)) return Error::Range;
  return hold_page_locked(vp, idx);
}

// The initrd's file data becomes the file's pages where it lies: from here
// on they are ordinary page-cache pages (a write changes them in place, a
// truncate or unlink frees them to the page allocator).
Result<void> tmpfs_attach_pages(Vnode& vp, paddr_t pa, u64 npages, u64 size) {
  if (vp.type != VType::Reg) return Error::Inval;
  if (size > kMaxFileSize || align_up(size, kPageSize) / kPageSize != npages) return Error::Inval;
  TmpfsNode& node = tmpfs_node_of(vp);
  TmpfsMount& tm = tmpfs_mount_of(vp);
  MutexGuard io_guard(node.io_lock);
  MutexGuard g(vp.lock);
  if (vp.size != 0 || node.npages != 0) return Error::Inval;
  if (npages == 0) return ok();
  if (__atomic_load_n(&tm.pages_used, __ATOMIC_RELAXED) + npages > tm.pages_max) return Error::NoSpc;
  TRY(grow_array(node, npages - 1));
  for (u64 i = 0; i < npages; i++) node.pages[i] = pa + i * kPageSize;
  node.npages = npages;
  __atomic_add_fetch(&tm.pages_used, npages, __ATOMIC_RELAXED);
  vp.size = i64(size);
  return ok();
}

Result<size_t> tmpfs_read(Vnode& vp, u64 off, const VIo& io, size_t n) {
  if (vp.type == VType::Dir) return Error::IsDir;
  if (vp.type != VType::Reg) return Error::Inval;
  TmpfsNode& node = tmpfs_node_of(vp);
  size_t done = 0;
  while (done < n) {
    const u64 at = off + done;
    paddr_t pa = 0;
    size_t chunk;
    {
      MutexGuard g(vp.lock);
      if (at >= u64(vp.size)) break;
      const u64 idx = at / kPageSize;
      chunk = size_t(min<u64>(min<u64>(n - done, kPageSize - at % kPageSize), u64(vp.size) - at));
      if (idx < node.cap && node.pages[idx]) {
        pa = node.pages[idx];
        pages().ref(pa);
      }
    }
    const u8* src = pa ? page_ptr(pa) + at % kPageSize : g_zeros;
    const size_t moved = vio_copyout(io, done, src, chunk);
    if (pa) (void)pages().unref(pa);
    done += moved;
    if (moved < chunk) {
      if (done == 0) return Error::Fault;
      break;
    }
  }
  return done;
}

Result<size_t> tmpfs_write(Vnode& vp, u64 off, const VIo& io, size_t n) {
  if (vp.type != VType::Reg) return Error::Inval;
  TmpfsNode& node = tmpfs_node_of(vp);
  if (off >= kMaxFileSize) return Error::FBig;
  n = size_t(min<u64>(n, kMaxFileSize - off));
  MutexGuard io_guard(node.io_lock);
  size_t done = 0;
  Error failed{};
  while (done < n) {
    const u64 at = off + done;
    const size_t chunk = size_t(min<u64>(n - done, kPageSize - at % kPageSize));
    Result<paddr_t> pa = hold_page_for_write(vp, at / kPageSize);
    if (!pa.ok()) {
      failed = pa.error();
      break;
    }
    const size_t moved = vio_copyin(page_ptr(pa.value()) + at % kPageSize, io, done, chunk);
    (void)pages().unref(pa.value());
    done += moved;
    if (moved < chunk) {
      failed = Error::Fault;
      break;
    }
  }
  if (done > 0) {
    const VTime now = vtime_now();
    MutexGuard g(vp.lock);
    if (off + done > u64(vp.size)) vp.size = i64(off + done);
    vp.mtime = vp.ctime = now;
  }
  if (done == 0 && failed != Error{}) return failed;
  return done;
}

Result<void> tmpfs_truncate(Vnode& vp, u64 size) {
  if (vp.type == VType::Dir) return Error::IsDir;
  if (vp.type != VType::Reg) return Error::Inval;
  if (size > kMaxFileSize) return Error::FBig;
  TmpfsNode& node = tmpfs_node_of(vp);
  MutexGuard io_guard(node.io_lock);
  const VTime now = vtime_now();
  MutexGuard g(vp.lock);
  if (size < u64(vp.size)) {
    drop_pages_from(vp, align_up(size, kPageSize) / kPageSize);
    // The kept tail of the last page reads as zeros if the file grows again.
    const u64 idx = size / kPageSize;
    if (size % kPageSize && idx < node.cap && node.pages[idx])
      memset(page_ptr(node.pages[idx]) + size % kPageSize, 0, kPageSize - size % kPageSize);
  }
  vp.size = i64(size);
  vp.mtime = vp.ctime = now;
  return ok();
}

void tmpfs_free_pages(Vnode& vp) {
  TmpfsNode& node = tmpfs_node_of(vp);
  MutexGuard g(vp.lock);
  drop_pages_from(vp, 0);
  kfree(node.pages);
  node.pages = nullptr;
  node.cap = 0;
}

}  // namespace tine
