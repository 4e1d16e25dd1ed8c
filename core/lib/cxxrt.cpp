// The C++ runtime a freestanding kernel needs: new/delete over the kernel
// heap, and the hooks GCC emits calls to.
#include "core/lib/new.h"

#include "core/lib/assert.h"
#include "core/vm/heap.h"

namespace std {
const nothrow_t nothrow{};
}  // namespace std

// Plain new cannot report failure without exceptions: it panics. Fallible
// kernel paths use new (std::nothrow) or a create() returning Result.
void* operator new(size_t n) {
  void* p = tine::kmalloc(n);
  if (!p) tine::panic("operator new: out of memory (%zu bytes)", n);
  return p;
}
void* operator new[](size_t n) { return operator new(n); }
void* operator new(size_t n, const std::nothrow_t&) noexcept {
  return tine::kmalloc(n);
}
void* operator new[](size_t n, const std::nothrow_t&) noexcept {
  return tine::kmalloc(n);
}
void operator delete(void* p) noexcept { tine::kfree(p); }
void operator delete[](void* p) noexcept { tine::kfree(p); }
void operator delete(void* p, size_t) noexcept { tine::kfree(p); }
void operator delete[](void* p, size_t) noexcept { tine::kfree(p); }

extern "C" {
void* __dso_handle = nullptr;
// Kernel globals live forever; their destructors are never run.
int __cxa_atexit(void (*)(void*), void*, void*) { return 0; }
void __cxa_pure_virtual() { tine::panic("pure virtual call"); }
}
