// Host implementation of hal/hal.h for the Catch2 tests.
#include "hal/host/hal_host.h"

#include <atomic>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <thread>

#include "hal/hal.h"

namespace tine::hal {

namespace {
thread_local unsigned t_cpu_index = 0;
thread_local bool t_irq_enabled = true;
}  // namespace

void host::set_cpu_index(unsigned index) { t_cpu_index = index; }

namespace {
unsigned g_online_cpus = 1;
}
void host::set_online_cpus(unsigned n) { g_online_cpus = n; }
unsigned online_cpus() { return g_online_cpus; }
// Simulated harts: ids are the indices, described as QEMU virt's.
HartInfo hart_info(unsigned cpu) { return {cpu, "rv64imafdc", "sv39"}; }

// Host harts poll instead of taking IPIs (see wait_for_interrupt).
void send_ipi(unsigned) {}

void print_backtrace() {}
u64 kernel_entry_ns() { return 0; }

namespace {
std::atomic<host::IrqEnableHook> g_irq_enable_hook{nullptr};
}
void host::set_irq_enable_hook(IrqEnableHook hook) { g_irq_enable_hook.store(hook); }

IrqState irq_save() {
  IrqState s = t_irq_enabled;
  t_irq_enabled = false;
  return s;
}
void irq_restore(IrqState s) {
  const bool enabling = s != 0 && !t_irq_enabled;
  if (enabling) host::tick_if_due();  // still with interrupts off, as a trap
  t_irq_enabled = s != 0;
  if (enabling)
    if (host::IrqEnableHook hook = g_irq_enable_hook.load()) hook();
}
bool irq_enabled() { return t_irq_enabled; }
unsigned cpu_index() { return t_cpu_index; }

namespace {
void* g_current_thread[kMaxCpus];
}
void set_current_thread(void* t) { g_current_thread[t_cpu_index] = t; }
void* current_thread() {
  // A host thread's simulated hart changes only at a switch: read the slot
  // with interrupts (the simulated ones) off, as curlwp() always did.
  IrqState s = irq_save();
  void* t = g_current_thread[t_cpu_index];
  irq_restore(s);
  return t;
}
namespace {
u32 g_preempt_off[kMaxCpus];
}
// A host thread's simulated hart changes only at a switch: masked, as
// current_thread().
void preempt_inc() {
  IrqState s = irq_save();
  g_preempt_off[t_cpu_index]++;
  irq_restore(s);
}
void preempt_dec() {
  IrqState s = irq_save();
  g_preempt_off[t_cpu_index]--;
  irq_restore(s);
}
u32 preempt_count() {
  IrqState s = irq_save();
  u32 n = g_preempt_off[t_cpu_index];
  irq_restore(s);
  return n;
}
void cpu_relax() { std::this_thread::yield(); }
// Host harts are threads the host runs side by side: a yield will do.
void cpu_nap() { std::this_thread::yield(); }

// Host "physical" addresses are host virtual addresses.
void* phys_to_virt(paddr_t pa) { return reinterpret_cast<void*>(pa); }
paddr_t virt_to_phys(const void* va) { return reinterpret_cast<paddr_t>(va); }


u64 time_ns() {
  timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return u64(ts.tv_sec) * 1000000000u + u64(ts.tv_nsec);
}

u64 time_counter_hz() { return 1000000000u; }

void power_off(int exit_status) { std::exit(exit_status); }
void halt() { std::abort(); }

}  // namespace tine::hal
