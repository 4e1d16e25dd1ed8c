#include "hal/riscv/smp.h"

#include "core/lib/console.h"
#include "hal/hal.h"
#include "hal/riscv/csr.h"
#include "hal/riscv/hart.h"
#include "hal/riscv/kmap.h"
#include "hal/riscv/memlayout.h"
#include "hal/riscv/memory.h"
#include "hal/riscv/sbi.h"
#include "hal/riscv/timer.h"

namespace tine::hal::riscv {

HartLocal g_harts[kMaxCpus];

namespace {
unsigned g_online = 1;  // the boot hart
unsigned g_cpu_count = 1;

// How long a started hart may take to check in (guest time).
constexpr u64 kCheckInTimeoutNs = 2'000'000'000;
}  // namespace

unsigned online_hart_count() {
  return __atomic_load_n(&g_online, __ATOMIC_ACQUIRE);
}

unsigned hartid_of(unsigned index) { return g_harts[index].hartid; }

void smp_check_in(HartLocal& self) {
  __atomic_store_n(&self.online, true, __ATOMIC_RELEASE);
  // The boot hart sleeps in smp_start_harts until this hart is online;
  // without the IPI it would sleep on to its next 10 ms tick.
  (void)sbi::send_ipi(1ul, g_harts[0].hartid);
}

void smp_start_harts(const fdt::BootInfo& info, unsigned boot_hartid) {
  const paddr_t entry = reinterpret_cast<uptr>(secondary_start) -
                        image_virt_start() + image_phys_start();
  for (unsigned i = 0; i < info.hart_count; i++) {
    const fdt::Hart& h = info.harts[i];
    if (h.hartid == boot_hartid || !h.okay || !h.has_mmu) continue;
    if (g_cpu_count == kMaxCpus || h.hartid >= BOOT_MAX_HARTS) {
      kprintf("smp: hart %u not started (over the kernel's limit)\n", h.hartid);
      continue;
    }
    const unsigned index = g_cpu_count;
    HartLocal& local = g_harts[index];
    local.index = index;
    local.hartid = h.hartid;
    __atomic_store_n(&local.online, false, __ATOMIC_RELEASE);
    sbi::Ret r = sbi::hart_start(h.hartid, entry, kernel_satp());
    if (!r.ok()) {
      kprintf("smp: hart %u did not start (SBI error %ld)\n", h.hartid, r.error);
      continue;
    }
    const u64 deadline = time_ns() + kCheckInTimeoutNs;
    while (!__atomic_load_n(&local.online, __ATOMIC_ACQUIRE)) {
      if (time_ns() > deadline) break;
      // Sleep rather than spin: under QEMU's instruction counting a
      // spinning vCPU starves the one starting up. The hart's check-in
      // IPI (smp_check_in) wakes us; the tick only bounds the wait.
      wfi();
      if (read_sip() & kIntTimer) timer_rearm_tick();
      clear_sip(kIntSoftware);
    }
    if (!__atomic_load_n(&local.online, __ATOMIC_ACQUIRE)) {
      kprintf("smp: hart %u did not check in\n", h.hartid);
      continue;
    }
    g_cpu_count++;
    // Only contiguous indices count as online: publish after check-in.
    __atomic_store_n(&g_online, g_cpu_count, __ATOMIC_RELEASE);
  }
}

}  // namespace tine::hal::riscv

namespace tine::hal {

unsigned online_cpus() { return riscv::online_hart_count(); }

void send_ipi(unsigned cpu) {
  unsigned long hartid = riscv::g_harts[cpu].hartid;
  (void)riscv::sbi::send_ipi(1ul, hartid);
}

void wait_for_interrupt() { riscv::wfi(); }

}  // namespace tine::hal
