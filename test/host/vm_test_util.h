// A machine for the VM host tests: a fresh, poisoned page allocator that the
// heap and the VM layer both use, and a thread with a process, so mutexes
// have an owner and curvm() answers (copyin/copyout, vm_fault_from_kernel).
#pragma once

#include <catch2/catch.hpp>

#include <memory>

#include "core/sched/lwp.h"
#include "core/vm/page_alloc.h"
#include "core/proc/proc.h"
#include "core/vm/heap.h"
#include "core/vm/vm.h"

namespace tine::test {

class VmMachine {
 public:
  explicit VmMachine(size_t bytes = size_t{16} << 20);
  ~VmMachine();
  VmMachine(const VmMachine&) = delete;
  VmMachine& operator=(const VmMachine&) = delete;

  PageAllocator& pages() { return *pages_; }
  // The space curvm() returns (nullptr: a kernel thread).
  void set_curvm(VmSpace* vs);
  // Free pages with the heap's cached slabs given back: equal to the value
  // at construction once everything is released.
  size_t free_pages();
  size_t start_free() const { return start_free_; }
  // Every page and heap object back where construction found it.
  bool all_back();

 private:
  void* mem_ = nullptr;
  std::unique_ptr<PageAllocator> pages_ = std::make_unique<PageAllocator>();
  Lwp lwp_;
  Proc proc_;
  Lwp* saved_current_ = nullptr;
  size_t start_free_ = 0;
  size_t start_allocations_ = 0;
};

// Strict-fake failure injection over every allocation an operation makes:
// runs attempt(pass) with the n-th page allocation failing, n = 1, 2, ...
// until it succeeds (pass 0), then likewise with the n-th kmalloc (pass 1).
// attempt returns Error{} on success; a failure must be NoMem, and then
// after_failure() checks that nothing changed or leaked. Returns how many
// attempts failed.
template <typename Attempt, typename Check>
unsigned fail_every_step(PageAllocator& pages, Attempt&& attempt,
                         Check&& after_failure);

// The frame mapped at va's page (0 if none) and its rights, as the pmap has
// them now.
paddr_t frame_of(VmSpace* vs, uptr va);
Prot rights_of(VmSpace* vs, uptr va);
// Faults va in for the access, then reads / writes its byte through the
// frame (as a user load or store would after the fault).
u8 peek(VmSpace* vs, uptr va);
void poke(VmSpace* vs, uptr va, u8 value);

template <typename Attempt, typename Check>
unsigned fail_every_step(PageAllocator& pages, Attempt&& attempt,
                         Check&& after_failure) {
  unsigned failures = 0;
  for (int pass = 0; pass < 2; ++pass) {
    for (unsigned n = 1;; ++n) {
      if (pass == 0)
        pages.fail_nth_alloc(n);
      else
        heap_fail_nth_alloc(n);
      const Error e = attempt(pass);
      pages.fail_nth_alloc(0);
      heap_fail_nth_alloc(0);
      if (e == Error{}) break;
      ++failures;
      REQUIRE(e == Error::NoMem);
      after_failure();
      REQUIRE(n < 200);
    }
  }
  return failures;
}

}  // namespace tine::test
