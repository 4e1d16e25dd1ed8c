#include "core/lib/cmdline.h"
#include "core/lib/console.h"
#include "core/boot/kmain.h"
#include "core/tty/tty.h"
#include "core/boot/kbench.h"
#include "core/boot/ktest.h"
#include "core/sched/lwp.h"
#include "core/vm/page_alloc.h"
#include "core/proc/proc0.h"
#include "core/sched/sched.h"
#include "core/sync/sleepq.h"
#include "hal/hal.h"

namespace tine {

namespace {

u64 ram_bytes(const fdt::BootInfo& info) {
  u64 total = 0;
  for (unsigned i = 0; i < info.memory_count; i++) total += info.memory[i].size;
  return total;
}

void print_boot_summary(const fdt::BootInfo& info) {
  const unsigned harts = hal::online_cpus();
  const u64 mib = 1024 * 1024;
  kprintf("tine: %u %s online, %lu MiB RAM, %lu MiB free\n", harts,
          harts == 1 ? "hart" : "harts", (unsigned long)(ram_bytes(info) / mib),
          (unsigned long)(page_allocator().free_pages() * kPageSize / mib));
  // Guest time since reset; under -icount shift=0 it counts instructions.
  kprintf("tine: summary at %lu ns since reset (kernel entered at %lu ns)\n",
          (unsigned long)hal::time_ns(), (unsigned long)hal::kernel_entry_ns());
}

// Each hart's boot context, as its first thread.
Lwp g_boot_lwps[hal::kMaxCpus];

}  // namespace

void kmain(const fdt::BootInfo& info) {
  g_boot_lwps[0].name = "main";
  sched_init_cpu(&g_boot_lwps[0], false);
  print_boot_summary(info);
  Cmdline& cmd = kernel_cmdline();
  if (cmd.truncated())
    kprintf("tine: command line cut to its first %lu characters\n", Cmdline::kMax - 1);
  if (cmd.has("ktest")) {
    char name[64];
    bool one = cmd.value("ktest", name, sizeof name);
    unsigned failed = ktest_run(one ? name : nullptr);
    hal::power_off(failed != 0 ? 1 : 0);
  }
  if (cmd.has("kbench")) {
    char name[64];
    bool one = cmd.value("kbench", name, sizeof name);
    unsigned ran = kbench_run(one ? name : nullptr);
    hal::power_off(ran == 0 ? 1 : 0);
  }
  tty_init();  // before proc0: init's fds 0, 1 and 2 are the console tty
  proc0_init(&g_boot_lwps[0]);
  start_init(info.initrd.size ? hal::phys_to_virt(info.initrd.base) : nullptr,
             info.initrd.size);
  // proc0's thread has nothing more to do; init runs the show.
  for (;;) sleep_ns(1'000'000'000);
}

void kmain_secondary() {
  g_boot_lwps[hal::cpu_index()].name = "idle";
  sched_init_cpu(&g_boot_lwps[hal::cpu_index()], true);
  sched_idle_loop();
}

}  // namespace tine
