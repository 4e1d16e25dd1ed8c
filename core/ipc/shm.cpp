// System V shared memory segments (contract in shm.h).
#include "core/ipc/shm.h"

#include "core/lib/list.h"
#include "core/lib/new.h"
#include "core/proc/cred.h"
#include "core/proc/proc.h"
#include "core/sync/mutex.h"
#include "core/vm/heap.h"
#include "core/vm/vm.h"
#include "core/vm/vm_anon.h"
#include "core/vm/vm_page.h"
#include "hal/hal.h"

namespace tine {

namespace {

constexpr u32 kIdxBits = 15;  // Linux's IPCMNI_SHIFT
constexpr u32 kIdxLimit = u32(1) << kIdxBits;
constexpr u32 kSeqMax = 0xffff;  // IPCID_SEQ_MAX (INT_MAX >> 15)

struct Segment : ListLink<> {
  int idx = 0;
  IpcPerm perm;
  u64 segsz = 0;
  size_t pages = 0;
  VmAnon* anon = nullptr;  // one reference, dropped at destroy
  i64 atime = 0, dtime = 0, ctime = 0;
  i32 cpid = 0, lpid = 0;
  u64 nattch = 0;   // map entries holding the segment (pager hold/release)
  u32 busy = 0;     // shmat between its look-up and its mapping
  bool removed = false;  // out of the list, awaiting destroy

  int id() const { return int((u32(perm.seq) << kIdxBits) | u32(idx)); }
};

// Ranked above vm map, under which the pager's hold and release take it;
// VmAnon calls (rank 51) are made without it. It shares the rank of the
// small leaf tables (lock_order.h: "uid counts"), with which it never
// nests: a rank of its own in lock_order.h, which nearly every file
// includes, is left for that file's next change.
constexpr LockRank kSysvIpcRank = LockRank::UidCount;
Mutex g_lock("sysv shm", kSysvIpcRank);
List<Segment> g_segs GUARDED_BY(g_lock);
u32 g_count GUARDED_BY(g_lock) = 0;
u64 g_tot_pages GUARDED_BY(g_lock) = 0;
int g_last_idx GUARDED_BY(g_lock) = -1;
u16 g_seq GUARDED_BY(g_lock) = 0;

ShmLimits g_limits;  // atomic fields

i64 now_sec() { return i64(hal::time_ns() / 1000000000u); }

i32 cur_pid() {
  Proc* p = curproc();
  return p ? p->p_pid.value : 0;
}

const Cred* cur_cred() { return proc_own_cred(curproc()); }

Segment* find_idx_locked(int idx) REQUIRES(g_lock) {
  for (Segment* s : g_segs)
    if (s->idx == idx) return s;
  return nullptr;
}

// By id: the index must be in use with the same sequence (Linux's
// ipc_obtain_object_check: EINVAL otherwise).
Segment* find_id_locked(int id) REQUIRES(g_lock) {
  if (id < 0) return nullptr;
  Segment* s = find_idx_locked(int(u32(id) & (kIdxLimit - 1)));
  return s && s->id() == id ? s : nullptr;
}

Segment* find_key_locked(i32 key) REQUIRES(g_lock) {
  for (Segment* s : g_segs)
    if (s->perm.key == key && !(s->perm.mode & kShmDest)) return s;
  return nullptr;
}

// The next index after the last one given, cyclic (idr_alloc_cyclic); a
// wrap starts a new sequence. -1: every index is taken.
int alloc_idx_locked() REQUIRES(g_lock) {
  for (u32 n = 0; n < kIdxLimit; ++n) {
    const int idx = int((u32(g_last_idx + 1) + n) % kIdxLimit);
    if (find_idx_locked(idx)) continue;
    if (idx <= g_last_idx && ++g_seq > kSeqMax) g_seq = 0;
    g_last_idx = idx;
    return idx;
  }
  return -1;
}

// Frees a segment taken out of the list (no lock: its VmAnon's release
// ranks below ours, and nobody can reach it any more).
void destroy(Segment* s) {
  s->anon->release();
  s->~Segment();
  kfree(s);
}

// Takes s out when nothing holds it and it is marked for destruction
// (Linux's shm_may_destroy); the caller destroys it after unlocking.
bool unlink_if_dead_locked(Segment* s) REQUIRES(g_lock) {
  if (!(s->perm.mode & kShmDest) || s->nattch || s->busy || s->removed) return false;
  g_segs.remove(s);
  s->removed = true;
  --g_count;
  g_tot_pages -= s->pages;
  return true;
}

// ---- the pager: attachments are map entries onto the segment -------------

Result<paddr_t> seg_get_page(void* obj, u64 idx) {
  auto* s = static_cast<Segment*>(obj);
  if (idx >= s->pages) return Error::Range;
  const paddr_t pa = TRY(s->anon->fill_zero(size_t(idx)));
  vm_page_allocator().ref(pa);
  return pa;
}

// An entry now maps the segment: shmat, fork, a split (Linux's shm_open).
void seg_hold(void* obj) {
  auto* s = static_cast<Segment*>(obj);
  MutexGuard g(g_lock);
  ++s->nattch;
  s->atime = now_sec();
  s->lpid = cur_pid();
}

// An entry is gone: shmdt, munmap, exec, exit (Linux's shm_close).
void seg_release(void* obj) {
  auto* s = static_cast<Segment*>(obj);
  bool dead;
  {
    MutexGuard g(g_lock);
    --s->nattch;
    s->dtime = now_sec();
    s->lpid = cur_pid();
    dead = unlink_if_dead_locked(s);
  }
  if (dead) destroy(s);
}

const VmPagerOps kShmPager = {.get_page = seg_get_page, .hold = seg_hold,
                              .release = seg_release};

size_t seg_pages(void* obj) { return static_cast<Segment*>(obj)->pages; }

// A new segment (Linux's newseg), in the list.
Result<int> create_locked(i32 key, u64 size, u32 flags, Segment* s, VmAnon* anon)
    REQUIRES(g_lock) {
  const size_t pages = size_t((size + kPageSize - 1) / kPageSize);
  const ShmLimits lim = shm_limits();
  if (g_tot_pages + pages < g_tot_pages || g_tot_pages + pages > lim.shmall) return Error::NoSpc;
  if (g_count >= lim.shmmni) return Error::NoSpc;
  const int idx = alloc_idx_locked();
  if (idx < 0) return Error::NoSpc;
  ipc_perm_init(s->perm, cur_cred(), key, flags);
  s->perm.seq = g_seq;
  s->idx = idx;
  s->segsz = size;
  s->pages = pages;
  s->anon = anon;
  s->ctime = now_sec();
  s->cpid = cur_pid();
  g_segs.push_back(s);
  ++g_count;
  g_tot_pages += pages;
  return s->id();
}

}  // namespace

ShmLimits shm_limits() {
  ShmLimits l;
  l.shmmax = __atomic_load_n(&g_limits.shmmax, __ATOMIC_RELAXED);
  l.shmall = __atomic_load_n(&g_limits.shmall, __ATOMIC_RELAXED);
  l.shmmni = __atomic_load_n(&g_limits.shmmni, __ATOMIC_RELAXED);
  return l;
}

void shm_set_max(u64 v) { __atomic_store_n(&g_limits.shmmax, v, __ATOMIC_RELAXED); }
void shm_set_all(u64 v) { __atomic_store_n(&g_limits.shmall, v, __ATOMIC_RELAXED); }

Result<void> shm_set_mni(i64 v) {
  if (v < 0 || v > i64(kIpcMni)) return Error::Inval;
  __atomic_store_n(&g_limits.shmmni, u32(v), __ATOMIC_RELAXED);
  return ok();
}

Result<int> shm_get(i32 key, u64 size, u32 flags) {
  // Everything a new segment needs is had before the lock; a look-up that
  // finds the key gives it back.
  const bool may_create = key == 0 || (flags & kIpcCreat);
  Segment* s = nullptr;
  VmAnon* anon = nullptr;
  if (may_create) {
    if (size < kShmMin || size > shm_limits().shmmax) {
      if (key == 0) return Error::Inval;
    } else {
      void* mem = kmalloc(sizeof(Segment));
      if (!mem) return Error::NoMem;
      s = new (mem) Segment;
      Result<VmAnon*> a = VmAnon::create(size_t((size + kPageSize - 1) / kPageSize));
      if (!a.ok()) {
        s->~Segment();
        kfree(s);
        return a.error();
      }
      anon = a.value();
    }
  }
  Result<int> r = Error::Inval;
  {
    MutexGuard g(g_lock);
    Segment* found = key == 0 ? nullptr : find_key_locked(key);
    if (found) {
      // ipcget_public: EEXIST, then shm_more_checks, then ipcperms.
      if ((flags & kIpcCreat) && (flags & kIpcExcl))
        r = Error::Exist;
      else if (found->segsz < size)
        r = Error::Inval;
      else if (!ipc_perm_allows(found->perm, cur_cred(), flags))
        r = Error::Access;
      else
        r = found->id();
    } else if (!may_create) {
      r = Error::NoEnt;
    } else if (s) {
      r = create_locked(key, size, flags, s, anon);
      if (r.ok()) s = nullptr;  // the list has it
    }
  }
  if (s) {
    anon->release();
    s->~Segment();
    kfree(s);
  }
  return r;
}

Result<uptr> shm_attach(VmSpace* vs, int id, uptr addr, u32 flags) {
  if (id < 0) return Error::Inval;
  if (addr) {
    if (addr % kPageSize) {
      if (!(flags & kShmRnd)) return Error::Inval;
      addr &= ~uptr(kPageSize - 1);  // SHMLBA is the page size on riscv
    }
  } else if (flags & kShmRemap) {
    return Error::Inval;
  }
  Prot prot = Prot::Read, max = Prot::Read | Prot::Exec;
  u32 acc = 0444;
  if (!(flags & kShmRdonly)) {
    prot = prot | Prot::Write;
    max = max | Prot::Write;
    acc |= 0222;
  }
  if (flags & kShmExec) {
    prot = prot | Prot::Exec;
    acc |= 0111;
  }
  Segment* s;
  u64 len;
  {
    MutexGuard g(g_lock);
    s = find_id_locked(id);
    if (!s) return Error::Inval;
    if (!ipc_perm_allows(s->perm, cur_cred(), acc)) return Error::Access;
    ++s->busy;
    len = u64(s->pages) * kPageSize;
  }
  Result<uptr> r = Error::Inval;
  // Linux's shmat: a given address must be free unless SHM_REMAP.
  if (!addr || (flags & kShmRemap) || vm_range_free(vs, addr, len))
    r = vm_map_object(vs, addr, len, prot, MapShare::Shared, addr != 0,
                      VmObject{&kShmPager, s}, 0, max);
  bool dead;
  {
    MutexGuard g(g_lock);
    --s->busy;
    dead = unlink_if_dead_locked(s);
  }
  if (dead) destroy(s);
  return r;
}

Result<void> shm_detach(VmSpace* vs, uptr addr) {
  TRY(vm_detach_object(vs, addr, &kShmPager, seg_pages));
  return ok();
}

Result<int> shm_stat(int id_or_index, bool by_index, bool check_read, ShmStat* out) {
  MutexGuard g(g_lock);
  Segment* s = by_index ? (id_or_index >= 0 ? find_idx_locked(id_or_index) : nullptr)
                        : find_id_locked(id_or_index);
  if (!s) return Error::Inval;
  if (check_read && !ipc_perm_allows(s->perm, cur_cred(), 0444)) return Error::Access;
  out->perm = s->perm;
  out->segsz = s->segsz;
  out->atime = s->atime;
  out->dtime = s->dtime;
  out->ctime = s->ctime;
  out->cpid = s->cpid;
  out->lpid = s->lpid;
  out->nattch = s->nattch;
  return by_index ? s->id() : 0;
}

Result<void> shm_set(int id, u32 uid, u32 gid, u32 mode) {
  MutexGuard g(g_lock);
  Segment* s = find_id_locked(id);
  if (!s) return Error::Inval;
  if (!ipc_perm_owner(s->perm, cur_cred())) return Error::Perm;
  s->perm.uid = uid;
  s->perm.gid = gid;
  s->perm.mode = (s->perm.mode & ~kIpcModeMask) | (mode & kIpcModeMask);
  s->ctime = now_sec();
  return ok();
}

Result<void> shm_remove(int id) {
  Segment* dead = nullptr;
  {
    MutexGuard g(g_lock);
    Segment* s = find_id_locked(id);
    if (!s) return Error::Inval;
    if (!ipc_perm_owner(s->perm, cur_cred())) return Error::Perm;
    // Linux's do_shm_rmid: destroyed now when nothing maps it, else at
    // the last detach; either way its key is free again.
    s->perm.mode |= kShmDest;
    s->perm.key = 0;
    if (unlink_if_dead_locked(s)) dead = s;
  }
  if (dead) destroy(dead);
  return ok();
}

Result<void> shm_lock(int id, bool lock) {
  MutexGuard g(g_lock);
  Segment* s = find_id_locked(id);
  if (!s) return Error::Inval;
  if (!ipc_perm_owner(s->perm, cur_cred())) return Error::Perm;
  if (lock)
    s->perm.mode |= kShmLocked;
  else
    s->perm.mode &= ~kShmLocked;
  return ok();
}

ShmTotals shm_totals() {
  ShmTotals t;
  // The resident pages are counted outside the lock (the VmAnon's lock
  // ranks below it), on segments kept alive by busy.
  Segment** segs = nullptr;
  u32 n = 0;
  {
    MutexGuard g(g_lock);
    segs = static_cast<Segment**>(kmalloc(sizeof(Segment*) * (g_count ? g_count : 1)));
    for (Segment* s : g_segs) {
      ++t.used_ids;
      if (s->idx > t.max_index) t.max_index = s->idx;
      if (segs) {
        ++s->busy;
        segs[n++] = s;
      }
    }
    t.tot_pages = g_tot_pages;
  }
  for (u32 i = 0; i < n; ++i) t.rss_pages += segs[i]->anon->resident(0, segs[i]->pages);
  for (u32 i = 0; i < n; ++i) {
    bool dead;
    {
      MutexGuard g(g_lock);
      --segs[i]->busy;
      dead = unlink_if_dead_locked(segs[i]);
    }
    if (dead) destroy(segs[i]);
  }
  kfree(segs);
  return t;
}

}  // namespace tine
