// From boot/entry.S to generic code: the bring-up order of the machine.
#include "core/lib/assert.h"
#include "core/lib/cmdline.h"
#include "core/lib/console.h"
#include "core/lib/random.h"
#include "core/boot/fdt.h"
#include "core/vm/heap.h"
#include "core/boot/kmain.h"
#include "core/vm/page_alloc.h"
#include "hal/riscv/console.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/hart.h"
#include "hal/riscv/kmap.h"
#include "hal/riscv/memlayout.h"
#include "hal/riscv/memory.h"
#include "hal/riscv/platform.h"
#include "hal/riscv/smp.h"
#include "hal/riscv/timer.h"
#include "hal/riscv/trap.h"
#include "hal/riscv/uaccess_window.h"
#include "hal/riscv/uart.h"

using namespace tine;
using namespace tine::hal::riscv;

extern "C" void (*__init_array_start[])();
extern "C" void (*__init_array_end[])();

namespace {

fdt::BootInfo g_boot_info;
constexpr u32 kRandomFullSeedBytes = 32;  // a ChaCha20 key

const fdt::Hart* find_hart(const fdt::BootInfo& info, unsigned hartid) {
  for (unsigned i = 0; i < info.hart_count; i++)
    if (info.harts[i].hartid == hartid) return &info.harts[i];
  return nullptr;
}

void setup_uart(const fdt::Uart& u) {
  UartConfig cfg;
  switch (u.kind) {
    case fdt::UartKind::Ns16550: cfg.kind = UartConfig::Kind::Ns16550; break;
    case fdt::UartKind::Sifive: cfg.kind = UartConfig::Kind::Sifive; break;
    case fdt::UartKind::None: return;
  }
  cfg.base = reinterpret_cast<uptr>(hal::phys_to_virt(u.base));
  cfg.reg_shift = u.reg_shift;
  cfg.reg_io_width = u.reg_io_width ? u.reg_io_width : 1;
  uart_configure(cfg);
}

// Physical memory the allocator must never hand out: the image, the FDT and
// what the firmware reserved.
void init_physical_memory(const fdt::BootInfo& info) {
  PhysRange ram[fdt::kMaxMemRanges];
  for (unsigned i = 0; i < info.memory_count; i++)
    ram[i] = {info.memory[i].base, info.memory[i].size};
  PhysRange holes[fdt::kMaxReserved + 3];
  unsigned n = 0;
  holes[n++] = {image_phys_start(), image_phys_end() - image_phys_start()};
  holes[n++] = {info.blob.base, info.blob.size};
  if (info.initrd.size) holes[n++] = {info.initrd.base, info.initrd.size};
  for (unsigned i = 0; i < info.reserved_count; i++)
    holes[n++] = {info.reserved[i].base, info.reserved[i].size};
  Result<void> r = page_allocator().init_deferred(ram, info.memory_count, holes, n);
  if (!r.ok()) panic("no usable RAM (%s)", error_name(r.error()));
  heap_init(page_allocator());
}

}  // namespace

namespace {
u64 g_kernel_entry_count = 0;  // the time CSR at _start's first instruction
}

// In ns by the timebase the FDT gave (time_ns' own conversion), so that
// it compares with time_ns() whenever it is read.
u64 tine::hal::kernel_entry_ns() {
  if (g_ns_per_count) return g_kernel_entry_count * g_ns_per_count;
  return time_ns_slow(g_kernel_entry_count);
}

// entry_count: the time CSR as boot/entry.S was entered, before the BSS
// clear and the early map.
extern "C" [[noreturn]] void kernel_entry_boot_hart(u64 hartid, paddr_t fdt_pa,
                                                    paddr_t load_pa, u64 entry_count) {
  g_kernel_entry_count = entry_count;
  HartLocal& self = g_harts[0];
  self.index = 0;
  self.hartid = static_cast<unsigned>(hartid);
  self.online = true;
  write_tp(reinterpret_cast<uptr>(&self));
  trap_init_hart();
  memory_set_load_address(load_pa);
  for (auto** ctor = __init_array_start; ctor < __init_array_end; ctor++)
    (*ctor)();
  console_early_init();

  // The early map direct-maps the first 16 GiB, so the blob is reachable.
  if (!fdt::parse(hal::phys_to_virt(fdt_pa), fdt_pa, g_boot_info).ok())
    panic("cannot parse the device tree at %#lx", (unsigned long)fdt_pa);
  const fdt::BootInfo& info = g_boot_info;
  setup_uart(info.uart);
  platform_init(info);
  kernel_cmdline().set(info.bootargs);
  // The random pool: the loader's seed (QEMU virt: 32 bytes from the host),
  // then clock jitter, before anything can ask for a random byte.
  random_add_entropy(info.rng_seed, info.rng_seed_len);
  // A full 256-bit seed from the loader (QEMU virt's comes from the host's
  // RNG) leaves the jitter a top-up: 8 samples, the runtime reseed's count,
  // not 64 (~85,000 instructions of busy work at every boot). Without one
  // the jitter is all there is, and it takes its 64.
  random_add_jitter(info.rng_seed_len >= kRandomFullSeedBytes ? 8 : 64);

  init_physical_memory(info);
  Result<void> r = kernel_map_build(info);
  if (!r.ok()) panic("cannot build the kernel map (%s)", error_name(r.error()));
  kernel_map_activate();

  const fdt::Hart* me = find_hart(info, self.hartid);
  timer_init(info.timebase_hz ? info.timebase_hz : 10000000,
             me && me->sstc);
  set_sie(kIntSoftware);
  console_input_init(info, self.hartid);
  timer_start_hart();
  smp_start_harts(info, self.hartid);
  set_sstatus(kSstatusSIE | kSstatusSumAlways);

  kmain(info);
}

extern "C" [[noreturn]] void kernel_entry_secondary(u64 hartid) {
  HartLocal* self = nullptr;
  for (unsigned i = 1; i < hal::kMaxCpus; i++)
    if (g_harts[i].hartid == hartid && g_harts[i].index == i) self = &g_harts[i];
  if (!self) hal::halt();
  write_tp(reinterpret_cast<uptr>(self));
  trap_init_hart();
  set_sie(kIntSoftware);
  timer_start_hart();
  smp_check_in(*self);
  set_sstatus(kSstatusSIE | kSstatusSumAlways);
  kmain_secondary();
}

// The device tree's riscv,isa for the hart (g_boot_info keeps it for good);
// every hart runs in Sv39 (hal/riscv/sv39.h) whatever more it could, which
// is the mode Linux's cpuinfo names (its satp mode).
hal::HartInfo hal::hart_info(unsigned cpu) {
  const unsigned id = hartid_of(cpu);
  const fdt::Hart* h = find_hart(g_boot_info, id);
  return {id, h ? h->isa : "", "sv39"};
}
