// Argument checks shared by the pmap implementations (hal/riscv/pmap.cpp
// and hal/host/pmap.cpp): the contract of hal/pmap.h, KASSERTed.
#pragma once

#include "core/lib/assert.h"
#include "hal/pmap.h"

namespace tine::hal {

// A user range: page aligned and inside the user half.
inline void pmap_check_user_range(uptr va, size_t len) {
  KASSERT(is_aligned(va, kPageSize) && is_aligned(len, kPageSize));
  KASSERT(user_va_range(va, len));
}

// The rights a user mapping gets: its access bits plus User, never Global.
inline Prot pmap_user_prot(Prot prot) {
  KASSERT(!has(prot, Prot::Global) && has_any(prot, kProtAccess));
  return (prot & kProtAccess) | Prot::User;
}

}  // namespace tine::hal
