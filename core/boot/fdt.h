// Flattened device tree: what the kernel needs from the blob the firmware
// passes in a1, gathered once at boot into a BootInfo that owns no pointers
// into the blob. Knows QEMU virt, QEMU sifive_u and the VisionFive 2.
//
// Fixed capacities: memory ranges, reserved ranges and harts past the
// capacities below are ignored, not an error; strings longer than their
// buffers are truncated (always NUL-terminated).
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine::fdt {

inline constexpr unsigned kMaxMemRanges = 8, kMaxReserved = 16, kMaxHarts = 16;

// Hart::plic_s_context when the PLIC has no S-mode context for the hart.
inline constexpr u32 kNoPlicContext = 0xffffffff;

struct Range {
  paddr_t base;
  u64 size;
};

enum class UartKind : u8 { None, Ns16550, Sifive };

struct Uart {
  UartKind kind;
  paddr_t base;
  u64 size;
  u32 reg_shift;     // register i lives at base + (i << reg_shift)
  u32 reg_io_width;  // bytes per register access: 1 or 4
  u32 clock_hz;      // 0 when the node names a clock instead of a frequency
  u32 irq;           // its PLIC source (interrupts' first cell); 0 if none
};

struct Hart {
  u32 hartid;
  bool okay;     // status absent, "okay" or "ok"
  bool has_mmu;  // mmu-type riscv,sv39/sv48/sv57: all of them can run Sv39
  bool sstc;     // stimecmp usable
  char mmu_type[24];
  char isa[128];  // riscv,isa (else riscv,isa-base), "" if neither
  u32 plic_s_context;  // kNoPlicContext if none
};

struct Plic {
  paddr_t base;  // 0 if there is no PLIC
  u64 size;
  u32 ndev;
};

struct BootInfo {
  Range memory[kMaxMemRanges];
  unsigned memory_count;
  // /memreserve/ block entries, then every /reserved-memory child with reg.
  Range reserved[kMaxReserved];
  unsigned reserved_count;
  Range blob;  // the FDT itself: {blob_pa, totalsize}
  Hart harts[kMaxHarts];
  unsigned hart_count;
  u64 timebase_hz;
  // /chosen/bootargs, "" if absent; longer than the kernel keeps
  // (Cmdline::kMax), so that Cmdline sees and reports a cut.
  char bootargs[2048];
  char stdout_path[128];  // /chosen/stdout-path as written
  // The node stdout-path names (alias resolved through /aliases, ":options"
  // stripped); else the first enabled UART the tree lists; kind None if none.
  Uart uart;
  // First node compatible "riscv,plic0" or "sifive,plic-1.0.0".
  Plic plic;
  // QEMU's "sifive,test0/1" finisher (power-off with an exit status); size 0
  // when the board has none.
  Range test_device;
  // /chosen linux,initrd-start/end: an initrd placed by the loader; size 0
  // when there is none.
  Range initrd;
  // /chosen rng-seed: random bytes from the loader for the kernel's pool
  // (core/lib/random.h); rng_seed_len 0 when there are none.
  u8 rng_seed[64];
  u32 rng_seed_len;
};

// Parses the blob at `blob` (physical address blob_pa) into `out`.
// Error::Inval on bad magic, an unsupported version (< 16), or any structure
// that runs past totalsize; nothing past totalsize is read. The blob needs
// only 4-byte alignment. Uses under 2 KiB of stack and no heap. On error
// `out` holds whatever was gathered before the fault.
Result<void> parse(const void* blob, paddr_t blob_pa, BootInfo& out);

// Number of harts the kernel may run on: okay && has_mmu.
unsigned usable_hart_count(const BootInfo& info);

}  // namespace tine::fdt
