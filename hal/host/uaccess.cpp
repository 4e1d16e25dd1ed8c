// user_copy_in/out for the host tests (contract in hal/uaccess.h): no MMU
// to fault, so the copy walks the pmap of curvm() page by page, as the
// hardware would, and a page it cannot use goes to vm_fault_from_kernel
// first, as the kernel's trap path does. Rights are checked as Sv39 with
// SUM and without MXR: reads need Read, writes need Write.
#include <cstring>

#include "core/vm/vm.h"
#include "hal/hal.h"
#include "hal/pmap.h"
#include "hal/uaccess.h"

namespace tine::hal {

namespace {

// The kernel address of user byte va, faulting the page in once.
u8* user_byte(uptr va, bool write) {
  VmSpace* vs = curvm();
  if (!vs) return nullptr;
  const Prot need = write ? Prot::Write : Prot::Read;
  for (int attempt = 0; attempt < 2; ++attempt) {
    paddr_t pa;
    Prot prot;
    if (pmap_extract(vmspace_pmap(vs), va, &pa, &prot) && has(prot, need))
      return static_cast<u8*>(phys_to_virt(pa)) + (va & (kPageSize - 1));
    if (attempt == 0 && !vm_fault_from_kernel(va, write)) return nullptr;
  }
  return nullptr;
}

template <typename F>
bool each_page(uptr u, size_t n, bool write, F&& copy) {
  if (u >= kUserVaTop || n > kUserVaTop - u) return false;
  for (size_t done = 0; done < n;) {
    const uptr va = u + done;
    const size_t len = n - done < kPageSize - (va & (kPageSize - 1))
                           ? n - done
                           : kPageSize - (va & (kPageSize - 1));
    u8* p = user_byte(va, write);
    if (!p) return false;
    copy(p, done, len);
    done += len;
  }
  return true;
}

}  // namespace

bool user_copy_in(void* kdst, uptr usrc, size_t n) {
  return each_page(usrc, n, false, [kdst](const u8* p, size_t off, size_t len) {
    std::memcpy(static_cast<u8*>(kdst) + off, p, len);
  });
}

bool user_copy_out(uptr udst, const void* ksrc, size_t n) {
  return each_page(udst, n, true, [ksrc](u8* p, size_t off, size_t len) {
    std::memcpy(p, static_cast<const u8*>(ksrc) + off, len);
  });
}

// The word through the pmap, then a host atomic on it: the HAL's AMO.
bool user_amo32(uptr uaddr, UserAmo op, u32 arg, u32* old) {
  if (uaddr % 4 != 0 || uaddr >= kUserVaTop || kUserVaTop - uaddr < 4) return false;
  u32* w = reinterpret_cast<u32*>(user_byte(uaddr, true));
  if (!w) return false;
  switch (op) {
    case UserAmo::Swap: *old = __atomic_exchange_n(w, arg, __ATOMIC_SEQ_CST); break;
    case UserAmo::Add: *old = __atomic_fetch_add(w, arg, __ATOMIC_SEQ_CST); break;
    case UserAmo::Or: *old = __atomic_fetch_or(w, arg, __ATOMIC_SEQ_CST); break;
    case UserAmo::And: *old = __atomic_fetch_and(w, arg, __ATOMIC_SEQ_CST); break;
    case UserAmo::Xor: *old = __atomic_fetch_xor(w, arg, __ATOMIC_SEQ_CST); break;
  }
  return true;
}

bool user_cmpxchg32(uptr uaddr, u32 expected, u32 desired, u32* old) {
  if (uaddr % 4 != 0 || uaddr >= kUserVaTop || kUserVaTop - uaddr < 4) return false;
  u32* w = reinterpret_cast<u32*>(user_byte(uaddr, true));
  if (!w) return false;
  __atomic_compare_exchange_n(w, &expected, desired, false, __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
  *old = expected;
  return true;
}

}  // namespace tine::hal
