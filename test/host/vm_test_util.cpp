#include "test/host/vm_test_util.h"

#include <catch2/catch.hpp>

#include <cstdlib>

#include "core/sched/cpu.h"
#include "core/vm/heap.h"
#include "core/vm/vm_page.h"
#include "hal/host/hal_host.h"
#include "hal/pmap.h"

namespace tine::test {

VmMachine::VmMachine(size_t bytes) {
  hal::host::set_cpu_index(0);
  constexpr size_t kAlign = kPageSize << PageAllocator::kMaxOrder;
  mem_ = std::aligned_alloc(kAlign, bytes);
  REQUIRE(mem_);
  PhysRange ram{reinterpret_cast<paddr_t>(mem_), bytes};
  REQUIRE(pages_->init(&ram, 1, nullptr, 0).ok());
  pages_->set_poison(true);
  heap_init(*pages_);
  vm_use_page_allocator(pages_.get());
  lwp_.name = "vm-test";
  lwp_.proc = &proc_;
  saved_current_ = g_cpus[0].current;
  g_cpus[0].current = &lwp_;
  hal::set_current_thread(&lwp_);  // curlwp() reads the HAL's word
  start_free_ = free_pages();
  start_allocations_ = heap_stats().allocations;
}

VmMachine::~VmMachine() {
  proc_.p_vmspace = nullptr;
  g_cpus[0].current = saved_current_;
  hal::set_current_thread(saved_current_);
  vm_use_page_allocator(nullptr);
  heap_trim();
  std::free(mem_);
}

void VmMachine::set_curvm(VmSpace* vs) { proc_.p_vmspace = vs; }

size_t VmMachine::free_pages() {
  heap_trim();
  return pages_->free_pages();
}

bool VmMachine::all_back() {
  return free_pages() == start_free_ &&
         heap_stats().allocations == start_allocations_;
}

paddr_t frame_of(VmSpace* vs, uptr va) {
  paddr_t pa = 0;
  return hal::pmap_extract(vmspace_pmap(vs), va, &pa, nullptr) ? pa : 0;
}

Prot rights_of(VmSpace* vs, uptr va) {
  Prot prot = Prot::None;
  hal::pmap_extract(vmspace_pmap(vs), va, nullptr, &prot);
  return prot;
}

u8 peek(VmSpace* vs, uptr va) {
  REQUIRE(vm_fault(vs, va, Access::Read).ok());
  const paddr_t pa = frame_of(vs, va);
  REQUIRE(pa != 0);
  return static_cast<u8*>(hal::phys_to_virt(pa))[va % kPageSize];
}

void poke(VmSpace* vs, uptr va, u8 value) {
  // A store to a writable translation needs no fault; otherwise fault first.
  if (!has(rights_of(vs, va), Prot::Write))
    REQUIRE(vm_fault(vs, va, Access::Write).ok());
  const paddr_t pa = frame_of(vs, va);
  REQUIRE(pa != 0);
  REQUIRE(has(rights_of(vs, va), Prot::Write));
  static_cast<u8*>(hal::phys_to_virt(pa))[va % kPageSize] = value;
}

}  // namespace tine::test
