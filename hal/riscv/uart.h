// Polled UART output for the console: ns16550 (incl. the DesignWare 8250 of
// the JH7110) and the SiFive UART. Firmware has set the line up already.
#pragma once

#include "core/lib/types.h"

namespace tine::hal::riscv {

struct UartConfig {
  enum class Kind : u8 { None, Ns16550, Sifive } kind = Kind::None;
  uptr base = 0;          // virtual address of the registers
  unsigned reg_shift = 0;
  unsigned reg_io_width = 1;
};

void uart_configure(const UartConfig& cfg);
bool uart_ready();
void uart_putc(char c);
// The next received byte, or -1 if none is waiting (or no UART).
int uart_getc();
// Makes the UART raise its interrupt line while received bytes wait
// (ns16550: IER's received-data bit; SiFive: ie.rxwm with a watermark of
// 0, so one byte is enough). Reading them all lowers it again. False
// without a UART.
bool uart_enable_rx_interrupt();

}  // namespace tine::hal::riscv
