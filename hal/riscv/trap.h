// Trap dispatch and the hooks generic code and tests plug into.
#pragma once

#include "hal/riscv/trap_frame.h"

namespace tine::hal::riscv {

void trap_init_hart();  // stvec and sscratch for the calling hart

const char* cause_name(u64 scause);

// Prints scause, sepc, stval and every register of a frame.
void dump_frame(const TrapFrame& f);

// Kernel breakpoints (ebreak) go here when set; the ktest of traps uses it.
// Returning true resumes after the ebreak.
using BreakpointHook = bool (*)(TrapFrame&);
void set_breakpoint_hook(BreakpointHook hook);

}  // namespace tine::hal::riscv

extern "C" void trap_dispatch(tine::hal::riscv::TrapFrame* frame);
extern "C" void trap_entry();
extern "C" void trap_return();
