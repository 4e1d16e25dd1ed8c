// hal::Context on RISC-V: ra, sp, s0..s11, gp (switch.S).
#include "core/lib/assert.h"
#include "hal/hal.h"
#include "hal/riscv/hart.h"

extern "C" void context_switch_asm(tine::hal::Context* from,
                                   tine::hal::Context* to);
extern "C" void context_start_asm();

namespace tine::hal {

namespace {
enum Slot : unsigned { kRa = 0, kSp = 1, kS0 = 2, kS1 = 3, kS2 = 4 };
constexpr unsigned kSavedWords = 2 + 12 + 1;
static_assert(sizeof(Context::words) / sizeof(uptr) >= kSavedWords);
}  // namespace

void context_init(Context& ctx, uptr stack_top, void (*entry)(void*),
                  void* arg) {
  KASSERT((stack_top & 15) == 0);
  for (uptr& w : ctx.words) w = 0;
  ctx.words[kRa] = reinterpret_cast<uptr>(&context_start_asm);
  ctx.words[kSp] = stack_top;
  ctx.words[kS0] = 0;  // frame-pointer chain ends here
  ctx.words[kS1] = reinterpret_cast<uptr>(arg);
  ctx.words[kS2] = reinterpret_cast<uptr>(entry);
}

void context_switch(Context& from, Context& to) {
  context_switch_asm(&from, &to);
}

void set_trap_stack(uptr top) { riscv::this_hart().kernel_sp = top; }

}  // namespace tine::hal
