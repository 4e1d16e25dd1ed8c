// The name cache: (directory vnode, name) -> vnode, so a path walk through
// a directory it has seen skips the file system's lookup (NetBSD's
// namecache, reduced to a small direct-mapped table). Entries hold no
// reference: a hit takes one with vnode_try_hold, and a vnode's last
// release purges every entry naming it (as directory or result) before it
// is freed (only a vnode ever entered: Vnode::nc_named), so an entry never points at freed memory.
//
// Only file systems whose FsType says `namecache` are entered. The VFS
// purges a name after it unlinks, removes or renames it; ".", ".." and
// names longer than kNcNameMax are never cached.
#pragma once

#include "core/lib/types.h"

namespace tine {

struct Vnode;

inline constexpr size_t kNcNameMax = 31;
inline constexpr size_t kNcSlots = 256;

// The vnode cached for dvp/name, held, or null.
Vnode* namecache_lookup(Vnode* dvp, const char* name);
// Remembers dvp/name -> vp (replacing whatever shared its slot).
void namecache_enter(Vnode* dvp, const char* name, Vnode* vp);
// Forgets dvp/name.
void namecache_purge_name(Vnode* dvp, const char* name);
// Forgets every entry whose directory or result is vp.
void namecache_purge_vnode(Vnode* vp);

struct NamecacheStats {
  u64 hits, misses;
};
NamecacheStats namecache_stats();

}  // namespace tine
