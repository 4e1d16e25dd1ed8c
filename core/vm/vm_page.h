// Which page allocator the virtual-memory layer (core/vm_*, hal/*/pmap.cpp)
// takes frames and table pages from. The kernel never changes it: it is
// page_allocator(). Host tests point it at an allocator of their own, so
// each test starts from a fresh, poisoned, exactly counted pool (as the heap
// tests do with heap_init).
#pragma once

#include "core/vm/page_alloc.h"

namespace tine {

PageAllocator& vm_page_allocator();

// nullptr restores page_allocator(). Contract: no VmSpace or Pmap is alive
// (their pages came from the previous allocator).
void vm_use_page_allocator(PageAllocator* pages);

}  // namespace tine
