// madvise and mincore over the entry list (vm.h has the contracts; Linux's
// mm/madvise.c and mm/mincore.c are the reference for what each says).
#include "core/vm/vm_space.h"

namespace tine {

namespace {

bool private_anonymous(const VmEntry& e) {
  return e.share == MapShare::Private && !e.object;
}

// Whether `advice` may be given to e at all (Linux checks each vma).
bool advice_fits(const VmEntry& e, Advice advice) {
  switch (advice) {
    case Advice::Free:        // madvise_free: vma_is_anonymous
    case Advice::WipeOnFork:  // no file, not VM_SHARED
      return private_anonymous(e);
    default:
      return true;
  }
}

bool sets_flag(Advice advice) {
  return advice == Advice::DontFork || advice == Advice::DoFork ||
         advice == Advice::WipeOnFork || advice == Advice::KeepOnFork;
}

void set_flag(VmEntry& e, Advice advice) {
  switch (advice) {
    case Advice::DontFork: e.dontfork = true; break;
    case Advice::DoFork: e.dontfork = false; break;
    case Advice::WipeOnFork: e.wipeonfork = true; break;
    case Advice::KeepOnFork: e.wipeonfork = false; break;
    default: break;
  }
}

// DONTNEED and FREE on [a, b) of e: the translations go (fenced) and a
// private entry's slots are emptied, so the next touch fills them again
// (zeros, or the file's page). A shared entry's slots are the sharers'
// data and stay.
Result<void> discard(VmSpace* vs, VmEntry& e, uptr a, uptr b) REQUIRES(vs->lock) {
  TRY(vm_own_anon_locked(vs, &e));  // the slots emptied must be ours
  hal::pmap_remove(vs->pmap, a, b - a);
  if (e.anon && e.share == MapShare::Private)
    e.anon->clear(e.slot_of(a), (b - a) / kPageSize);
  return ok();
}

Result<void> populate(VmSpace* vs, uptr a, uptr b, Access access)
    REQUIRES(vs->lock) {
  for (uptr va = a; va < b; va += kPageSize) {
    const Result<void> r = vm_fault_locked(vs, va, access);
    if (!r.ok()) return r.error() == Error::NoMem ? Error::NoMem : Error::Fault;
  }
  return ok();
}

}  // namespace

Result<void> vm_advise(VmSpace* vs, uptr va, size_t len, Advice advice) {
  vm_check(vs);
  if (!is_aligned(va, kPageSize)) return Error::Inval;
  if (len == 0) return ok();
  uptr end;
  if (!vm_user_range(va, len, &end)) return Error::NoMem;  // no mapping there

  // Split entries that straddle the ends, for advice kept per entry.
  VmEntry* spare[2] = {};
  if (sets_flag(advice)) {
    for (VmEntry*& s : spare) {
      s = vm_entry_alloc();
      if (!s) {
        for (VmEntry* f : spare)
          if (f) vm_entry_free(f);
        return Error::NoMem;
      }
    }
  }
  struct FreeSpares {
    VmEntry** s;
    ~FreeSpares() {
      for (int i = 0; i < 2; ++i)
        if (s[i]) vm_entry_free(s[i]);
    }
  } free_spares{spare};

  MutexGuard g(vs->lock);
  bool hole = false;
  uptr covered = va;
  for (const VmEntry* e = vm_first_ending_after_locked(vs, va); e && e->start < end;
       e = e->next) {
    if (e->start > covered) hole = true;
    covered = e->end;
    if (!advice_fits(*e, advice)) return Error::Inval;
  }
  if (covered < end) hole = true;

  for (VmEntry* e = vm_first_ending_after_locked(vs, va); e && e->start < end;
       e = e->next) {
    if (sets_flag(advice)) {
      if (e->start < va) {
        vm_split_locked(vs, e, va, spare[0]);
        spare[0] = nullptr;
        continue;  // the high part, next in the list, is the one in range
      }
      if (e->end > end) {
        vm_split_locked(vs, e, end, spare[1]);
        spare[1] = nullptr;
      }
      set_flag(*e, advice);
      continue;
    }
    const uptr a = max(e->start, va);
    const uptr b = min(e->end, end);
    switch (advice) {
      case Advice::DontNeed:
      case Advice::Free:
        TRY(discard(vs, *e, a, b));
        break;
      case Advice::PopulateRead:
      case Advice::PopulateWrite:
        TRY(populate(vs, a, b,
                     advice == Advice::PopulateRead ? Access::Read : Access::Write));
        break;
      default:
        break;
    }
  }
  return hole ? Result<void>(Error::NoMem) : ok();
}

Result<size_t> vm_mincore(VmSpace* vs, uptr va, size_t npages, u8* out) {
  vm_check(vs);
  if (!is_aligned(va, kPageSize)) return Error::Inval;
  MutexGuard g(vs->lock);
  size_t done = 0;
  const VmEntry* e = vm_first_ending_after_locked(vs, va);
  while (done < npages) {
    const uptr page = va + done * kPageSize;
    if (!e || e->start > page) break;
    for (; done < npages && va + done * kPageSize < e->end; ++done) {
      const uptr p = va + done * kPageSize;
      out[done] = e->anon && e->anon->lookup(e->slot_of(p)) ? 1 : 0;
    }
    e = e->next;
  }
  if (done == 0 && npages > 0) return Error::NoMem;
  return done;
}

}  // namespace tine
