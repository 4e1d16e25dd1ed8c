#include "hal/riscv/plic.h"

#include "core/lib/console.h"
#include "hal/hal.h"

namespace tine::hal::riscv {

namespace {

// Register map (PLIC spec, "Memory Map"): a word of priority per source, a
// bit of enable per source and context, then a threshold and a
// claim/complete word per context.
constexpr uptr kPriority = 0x0;
constexpr uptr kEnable = 0x2000;
constexpr uptr kEnableStride = 0x80;
constexpr uptr kContext = 0x200000;
constexpr uptr kContextStride = 0x1000;
constexpr uptr kThreshold = 0x0;
constexpr uptr kClaim = 0x4;

constexpr u32 kMaxSources = 1024;  // the spec's limit; ndev says how many are wired
constexpr u32 kMaxHandlers = 64;   // Tine attaches few; sources above go unhandled

uptr g_base = 0;  // virtual; 0: no PLIC in use
u32 g_ndev = 0;
u32 g_context = 0;
// Written at boot before the source is enabled, read in the handler.
IrqHandler g_handlers[kMaxHandlers] = {};

volatile u32& reg(uptr off) { return *reinterpret_cast<volatile u32*>(g_base + off); }
volatile u32& enable_word(u32 irq) {
  return reg(kEnable + g_context * kEnableStride + (irq / 32) * 4);
}
volatile u32& context_reg(uptr off) {
  return reg(kContext + g_context * kContextStride + off);
}

}  // namespace

bool plic_init(const fdt::BootInfo& info, unsigned hartid) {
  if (info.plic.base == 0) return false;
  const fdt::Hart* me = nullptr;
  for (unsigned i = 0; i < info.hart_count; i++)
    if (info.harts[i].hartid == hartid) me = &info.harts[i];
  if (!me || me->plic_s_context == fdt::kNoPlicContext) return false;
  g_base = reinterpret_cast<uptr>(phys_to_virt(info.plic.base));
  g_ndev = info.plic.ndev < kMaxSources ? info.plic.ndev : kMaxSources - 1;
  g_context = me->plic_s_context;
  // Nothing of ours is enabled until attached: firmware may have left bits.
  for (u32 w = 0; w <= g_ndev / 32; w++)
    reg(kEnable + g_context * kEnableStride + w * 4) = 0;
  context_reg(kThreshold) = 0;  // every priority above 0 gets through
  return true;
}

bool plic_enable(u32 irq) {
  if (g_base == 0 || irq == 0 || irq > g_ndev) return false;
  reg(kPriority + irq * 4) = 1;
  enable_word(irq) = enable_word(irq) | (1u << (irq % 32));
  return true;
}

u32 plic_claim() { return g_base ? context_reg(kClaim) : 0; }

void plic_complete(u32 irq) { context_reg(kClaim) = irq; }

bool plic_attach(u32 irq, IrqHandler fn) {
  if (irq >= kMaxHandlers) return false;
  g_handlers[irq] = fn;
  return plic_enable(irq);
}

void plic_handle_interrupt() {
  for (u32 irq; (irq = plic_claim()) != 0;) {
    IrqHandler fn = irq < kMaxHandlers ? g_handlers[irq] : nullptr;
    if (fn) {
      fn();
    } else {
      // Nobody asked for it: mask it rather than take it forever.
      enable_word(irq) = enable_word(irq) & ~(1u << (irq % 32));
      kprintf("plic: source %u has no handler, masked\n", irq);
    }
    plic_complete(irq);
  }
}

}  // namespace tine::hal::riscv
