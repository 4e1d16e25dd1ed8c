#pragma once

namespace tine::hal::riscv {

// Probes SBI DBCN; until uart_configure(), output goes through SBI.
void console_early_init();

}  // namespace tine::hal::riscv
