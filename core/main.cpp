#include "core/cmdline.h"
#include "core/console.h"
#include "core/kmain.h"
#include "core/ktest.h"
#include "core/page_alloc.h"
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
}

[[noreturn]] void idle_forever() {
  for (;;) hal::wait_for_interrupt();
}

}  // namespace

void kmain(const fdt::BootInfo& info) {
  print_boot_summary(info);
  Cmdline& cmd = kernel_cmdline();
  if (cmd.has("ktest")) {
    char name[64];
    bool one = cmd.value("ktest", name, sizeof name);
    unsigned failed = ktest_run(one ? name : nullptr);
    hal::power_off(failed != 0);
  }
  kprintf("tine: nothing to run yet; idle (Ctrl-A X leaves QEMU)\n");
  idle_forever();
}

void kmain_secondary() { idle_forever(); }

}  // namespace tine
