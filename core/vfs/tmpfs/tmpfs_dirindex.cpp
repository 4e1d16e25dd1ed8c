// tmpfs directory names: the entry list plus a hash index over it
// (TmpfsDirIndex in tmpfs_node.h). Small directories are scanned.
#include "core/lib/string.h"
#include "core/vfs/tmpfs/tmpfs_node.h"
#include "core/vm/heap.h"

namespace tine {

namespace {

// Below this many names a scan is as cheap as hashing.
constexpr u32 kDirIndexMin = 16;

// Rebuilds the table with `n` (a power of two) buckets; keeps the old one
// if the memory is not there.
void rehash(TmpfsNode& dir, u32 n) {
  auto** b = static_cast<TmpfsDirent**>(kmalloc(n * sizeof(TmpfsDirent*)));
  if (!b) return;
  for (u32 i = 0; i < n; i++) b[i] = nullptr;
  for (TmpfsDirent* e : dir.entries) {
    TmpfsDirent*& head = b[e->hash & (n - 1)];
    e->hnext = head;
    head = e;
  }
  kfree(dir.index.buckets);
  dir.index.buckets = b;
  dir.index.mask = n - 1;
}

}  // namespace

// FNV-1a.
u32 tmpfs_name_hash(const char* name, size_t len) {
  u32 h = 2166136261u;
  for (size_t i = 0; i < len; i++) h = (h ^ u8(name[i])) * 16777619u;
  return h;
}

TmpfsDirent* tmpfs_dir_find(TmpfsNode& dir, const char* name) {
  const size_t len = strlen(name);
  if (!dir.index.buckets) {
    for (TmpfsDirent* e : dir.entries)
      if (e->len == len && memcmp(e->name, name, len) == 0) return e;
    return nullptr;
  }
  const u32 h = tmpfs_name_hash(name, len);
  for (TmpfsDirent* e = dir.index.buckets[h & dir.index.mask]; e; e = e->hnext)
    if (e->hash == h && e->len == len && memcmp(e->name, name, len) == 0) return e;
  return nullptr;
}

void tmpfs_dir_add(TmpfsNode& dir, TmpfsDirent* e) {
  dir.entries.push_back(e);
  TmpfsDirIndex& ix = dir.index;
  ix.count++;
  if (ix.buckets) {
    TmpfsDirent*& head = ix.buckets[e->hash & ix.mask];
    e->hnext = head;
    head = e;
  }
  // Grow at a load of 1 (the new entry goes in with the rest).
  if (ix.count >= kDirIndexMin && ix.count > (ix.buckets ? ix.mask + 1 : 0)) {
    u32 n = ix.buckets ? (ix.mask + 1) * 2 : kDirIndexMin * 2;
    rehash(dir, n);
  }
}

void tmpfs_dir_remove(TmpfsNode& dir, TmpfsDirent* e) {
  dir.entries.remove(e);
  TmpfsDirIndex& ix = dir.index;
  ix.count--;
  if (!ix.buckets) return;
  for (TmpfsDirent** pp = &ix.buckets[e->hash & ix.mask]; *pp; pp = &(*pp)->hnext) {
    if (*pp == e) {
      *pp = e->hnext;
      break;
    }
  }
}

void tmpfs_dir_free_index(TmpfsNode& dir) {
  kfree(dir.index.buckets);
  dir.index = TmpfsDirIndex{};
}

}  // namespace tine
