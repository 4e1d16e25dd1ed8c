#include "hal/riscv/uart.h"

namespace tine::hal::riscv {

namespace {
UartConfig g_uart;

// ns16550 registers (index before reg-shift).
constexpr unsigned kNsThr = 0;
constexpr unsigned kNsLsr = 5;
constexpr u32 kNsLsrThrEmpty = 1u << 5;
constexpr unsigned kNsRbr = 0;  // receive buffer (reads; THR on writes)
constexpr u32 kNsLsrDataReady = 1u << 0;
constexpr unsigned kNsIer = 1;         // interrupt enable
constexpr u32 kNsIerRxData = 1u << 0;  // received data available
// SiFive UART: txdata, whose bit 31 says the FIFO is full.
constexpr unsigned kSifiveTxData = 0;
constexpr u32 kSifiveTxFull = 1u << 31;
// rxdata: reading pops a byte; bit 31 says there was none. Firmware has set
// rxctrl.rxen, as it has set up the rest of the line.
constexpr unsigned kSifiveRxData = 4;
constexpr u32 kSifiveRxEmpty = 1u << 31;
// rxctrl: bit 0 rxen, bits 16..18 rxcnt (ip.rxwm is set while the FIFO
// holds more than rxcnt bytes); ie: bit 1 rxwm.
constexpr unsigned kSifiveRxCtrl = 0x0c;
constexpr unsigned kSifiveIe = 0x10;
constexpr u32 kSifiveRxEn = 1u << 0;
constexpr u32 kSifiveRxCntMask = 7u << 16;
constexpr u32 kSifiveIeRxWm = 1u << 1;

u32 ns_read(unsigned reg) {
  uptr a = g_uart.base + (uptr(reg) << g_uart.reg_shift);
  if (g_uart.reg_io_width == 4) return *reinterpret_cast<volatile u32*>(a);
  return *reinterpret_cast<volatile u8*>(a);
}

void ns_write(unsigned reg, u32 v) {
  uptr a = g_uart.base + (uptr(reg) << g_uart.reg_shift);
  if (g_uart.reg_io_width == 4)
    *reinterpret_cast<volatile u32*>(a) = v;
  else
    *reinterpret_cast<volatile u8*>(a) = static_cast<u8>(v);
}
}  // namespace

void uart_configure(const UartConfig& cfg) { g_uart = cfg; }

bool uart_ready() { return g_uart.kind != UartConfig::Kind::None; }

void uart_putc(char c) {
  switch (g_uart.kind) {
    case UartConfig::Kind::Ns16550:
      while ((ns_read(kNsLsr) & kNsLsrThrEmpty) == 0) {
      }
      ns_write(kNsThr, static_cast<u8>(c));
      break;
    case UartConfig::Kind::Sifive: {
      auto* tx = reinterpret_cast<volatile u32*>(g_uart.base + kSifiveTxData);
      while (*tx & kSifiveTxFull) {
      }
      *tx = static_cast<u8>(c);
      break;
    }
    case UartConfig::Kind::None:
      break;
  }
}

int uart_getc() {
  switch (g_uart.kind) {
    case UartConfig::Kind::Ns16550:
      if ((ns_read(kNsLsr) & kNsLsrDataReady) == 0) return -1;
      return static_cast<int>(ns_read(kNsRbr) & 0xff);
    case UartConfig::Kind::Sifive: {
      u32 v = *reinterpret_cast<volatile u32*>(g_uart.base + kSifiveRxData);
      if (v & kSifiveRxEmpty) return -1;
      return static_cast<int>(v & 0xff);
    }
    case UartConfig::Kind::None:
      break;
  }
  return -1;
}

bool uart_enable_rx_interrupt() {
  switch (g_uart.kind) {
    case UartConfig::Kind::Ns16550:
      ns_write(kNsIer, kNsIerRxData);
      return true;
    case UartConfig::Kind::Sifive: {
      auto* rxctrl = reinterpret_cast<volatile u32*>(g_uart.base + kSifiveRxCtrl);
      *rxctrl = (*rxctrl & ~kSifiveRxCntMask) | kSifiveRxEn;
      *reinterpret_cast<volatile u32*>(g_uart.base + kSifiveIe) = kSifiveIeRxWm;
      return true;
    }
    case UartConfig::Kind::None:
      break;
  }
  return false;
}

}  // namespace tine::hal::riscv
