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

}  // namespace tine::hal
