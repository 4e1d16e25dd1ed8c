#include "core/vfs/namecache.h"

#include "core/lib/string.h"
#include "core/sync/mutex.h"
#include "core/vfs/vnode.h"

namespace tine {

namespace {

struct NcEntry {
  Vnode* dvp;  // null: empty
  Vnode* vp;
  u8 len;
  char name[kNcNameMax];
};

Mutex g_nc_lock{"namecache", LockRank::NameCache};
NcEntry g_nc[kNcSlots] GUARDED_BY(g_nc_lock);
u64 g_hits = 0, g_misses = 0;  // atomic

size_t slot_of(Vnode* dvp, const char* name, size_t len) {
  u64 h = 0xcbf29ce484222325ull ^ (uptr(dvp) >> 4);
  for (size_t i = 0; i < len; i++) {
    h ^= u8(name[i]);
    h *= 0x100000001b3ull;
  }
  return size_t(h ^ (h >> 29)) % kNcSlots;
}

bool cacheable(const char* name, size_t len) {
  if (len == 0 || len > kNcNameMax) return false;
  if (name[0] == '.' && (len == 1 || (len == 2 && name[1] == '.'))) return false;
  return true;
}

bool matches(const NcEntry& e, Vnode* dvp, const char* name, size_t len) {
  return e.dvp == dvp && e.len == len && memcmp(e.name, name, len) == 0;
}

}  // namespace

Vnode* namecache_lookup(Vnode* dvp, const char* name) {
  const size_t len = strlen(name);
  if (!cacheable(name, len)) return nullptr;
  Vnode* found = nullptr;
  {
    MutexGuard g(g_nc_lock);
    NcEntry& e = g_nc[slot_of(dvp, name, len)];
    if (matches(e, dvp, name, len) && vnode_try_hold(e.vp)) found = e.vp;
  }
  __atomic_add_fetch(found ? &g_hits : &g_misses, 1, __ATOMIC_RELAXED);
  return found;
}

void namecache_enter(Vnode* dvp, const char* name, Vnode* vp) {
  const size_t len = strlen(name);
  if (!cacheable(name, len)) return;
  MutexGuard g(g_nc_lock);
  NcEntry& e = g_nc[slot_of(dvp, name, len)];
  e.dvp = dvp;
  e.vp = vp;
  __atomic_store_n(&dvp->nc_named, true, __ATOMIC_RELAXED);
  __atomic_store_n(&vp->nc_named, true, __ATOMIC_RELAXED);
  e.len = u8(len);
  memcpy(e.name, name, len);
}

void namecache_purge_name(Vnode* dvp, const char* name) {
  const size_t len = strlen(name);
  if (!cacheable(name, len)) return;
  MutexGuard g(g_nc_lock);
  NcEntry& e = g_nc[slot_of(dvp, name, len)];
  if (matches(e, dvp, name, len)) e.dvp = nullptr;
}

void namecache_purge_vnode(Vnode* vp) {
  MutexGuard g(g_nc_lock);
  for (NcEntry& e : g_nc)
    if (e.dvp == vp || (e.dvp && e.vp == vp)) e.dvp = nullptr;
}

NamecacheStats namecache_stats() {
  return {__atomic_load_n(&g_hits, __ATOMIC_RELAXED), __atomic_load_n(&g_misses, __ATOMIC_RELAXED)};
}

}  // namespace tine
