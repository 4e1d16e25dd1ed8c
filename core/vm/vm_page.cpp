#include "core/vm/vm_page.h"

namespace tine {

namespace {
PageAllocator* g_vm_pages = nullptr;  // nullptr: page_allocator()
}  // namespace

PageAllocator& vm_page_allocator() {
  PageAllocator* p = __atomic_load_n(&g_vm_pages, __ATOMIC_ACQUIRE);
  return p ? *p : page_allocator();
}

void vm_use_page_allocator(PageAllocator* pages) {
  __atomic_store_n(&g_vm_pages, pages, __ATOMIC_RELEASE);
}

}  // namespace tine
