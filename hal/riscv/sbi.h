// Typed SBI calls (SBI spec v1.0+), each returning {error, value}.
#pragma once

#include "core/lib/types.h"

namespace tine::hal::riscv::sbi {

struct Ret {
  long error;
  long value;
  bool ok() const { return error == 0; }
};

enum class Ext : long {
  LegacyPutchar = 0x01,
  Base = 0x10,
  Time = 0x54494D45,   // "TIME"
  Ipi = 0x735049,      // "sPI"
  Rfence = 0x52464E43, // "RFNC"
  Hsm = 0x48534D,      // "HSM"
  Srst = 0x53525354,   // "SRST"
  Dbcn = 0x4442434E,   // "DBCN"
};

Ret call(Ext ext, long fid, long a0 = 0, long a1 = 0, long a2 = 0,
         long a3 = 0, long a4 = 0, long a5 = 0);

bool probe(Ext ext);
long spec_version();
void legacy_putchar(char c);
Ret debug_console_write(paddr_t buf, size_t len);  // DBCN write
Ret set_timer(u64 stime_value);
Ret send_ipi(unsigned long hart_mask, unsigned long hart_mask_base);
Ret remote_sfence_vma(unsigned long hart_mask, unsigned long base,
                      uptr start, u64 size);
Ret remote_sfence_vma_asid(unsigned long hart_mask, unsigned long base,
                           uptr start, u64 size, unsigned long asid);
Ret hart_start(unsigned long hartid, paddr_t start, unsigned long opaque);
Ret hart_status(unsigned long hartid);

enum class ResetType : long { Shutdown = 0, ColdReboot = 1, WarmReboot = 2 };
enum class ResetReason : long { None = 0, SystemFailure = 1 };
Ret system_reset(ResetType type, ResetReason reason);

}  // namespace tine::hal::riscv::sbi
