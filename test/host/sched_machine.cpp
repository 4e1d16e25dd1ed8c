#include "test/host/sched_machine.h"

#include <cstdlib>
#include <thread>

#include "core/vm/heap.h"
#include "core/vm/page_alloc.h"
#include "core/proc/exit.h"
#include "core/proc/proc0.h"
#include "core/sched/sched.h"
#include "core/sched/sleep_intr.h"
#include "hal/host/hal_host.h"

namespace tine::test {

namespace {
Lwp g_boot[kHostHarts];

void start_once() {
  // 32 MiB of "physical memory" for LWPs and the heap.
  constexpr size_t kBytes = 32u << 20;
  void* mem = std::aligned_alloc(4u << 20, kBytes);
  PhysRange ram{reinterpret_cast<paddr_t>(mem), kBytes};
  MUST(page_allocator().init(&ram, 1, nullptr, 0));
  heap_init(page_allocator());

  hal::host::set_online_cpus(kHostHarts);
  hal::host::set_cpu_index(0);
  g_boot[0].name = "catch2-main";
  sched_init_cpu(&g_boot[0], false);
  for (unsigned i = 1; i < kHostHarts; i++) {
    std::thread([i] {
      hal::host::set_cpu_index(i);
      g_boot[i].name = "idle";
      sched_init_cpu(&g_boot[i], true);
      sched_idle_loop();
    }).detach();
  }
}
}  // namespace

void start_sched_machine() {
  static bool started = [] {
    start_once();
    return true;
  }();
  (void)started;
}

void start_proc_machine() {
  start_sched_machine();
  static bool started = [] {
    proc0_init(curlwp());
    sleep_intr_set_check(sigpending_fatal);
    return true;
  }();
  (void)started;
}

void run_lwps(unsigned count, void (*fn)(void*), void* const* args,
              const LwpOptions& base) {
  Lwp* lwps[256];
  KASSERT(count <= 256);
  for (unsigned i = 0; i < count; i++) {
    LwpOptions o = base;
    o.joinable = true;
    lwps[i] = MUST(lwp_create(fn, args ? args[i] : nullptr, o));
  }
  for (unsigned i = 0; i < count; i++) lwp_join(lwps[i]);
}

}  // namespace tine::test
