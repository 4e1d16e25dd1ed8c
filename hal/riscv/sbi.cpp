#include "hal/riscv/sbi.h"

namespace tine::hal::riscv::sbi {

Ret call(Ext ext, long fid, long a0, long a1, long a2, long a3, long a4,
         long a5) {
  register long r0 asm("a0") = a0;
  register long r1 asm("a1") = a1;
  register long r2 asm("a2") = a2;
  register long r3 asm("a3") = a3;
  register long r4 asm("a4") = a4;
  register long r5 asm("a5") = a5;
  register long r6 asm("a6") = fid;
  register long r7 asm("a7") = static_cast<long>(ext);
  asm volatile("ecall"
               : "+r"(r0), "+r"(r1)
               : "r"(r2), "r"(r3), "r"(r4), "r"(r5), "r"(r6), "r"(r7)
               : "memory");
  return {r0, r1};
}

namespace {
enum BaseFid : long { kGetSpecVersion = 0, kProbeExtension = 3 };
}

bool probe(Ext ext) {
  Ret r = call(Ext::Base, kProbeExtension, static_cast<long>(ext));
  return r.ok() && r.value != 0;
}

long spec_version() { return call(Ext::Base, kGetSpecVersion).value; }

void legacy_putchar(char c) { call(Ext::LegacyPutchar, 0, c); }

Ret debug_console_write(paddr_t buf, size_t len) {
  // num_bytes, base_addr_lo, base_addr_hi
  return call(Ext::Dbcn, 0, static_cast<long>(len), static_cast<long>(buf), 0);
}

Ret set_timer(u64 v) { return call(Ext::Time, 0, static_cast<long>(v)); }

Ret send_ipi(unsigned long mask, unsigned long base) {
  return call(Ext::Ipi, 0, static_cast<long>(mask), static_cast<long>(base));
}

Ret remote_sfence_vma(unsigned long mask, unsigned long base, uptr start,
                      u64 size) {
  return call(Ext::Rfence, 1, static_cast<long>(mask), static_cast<long>(base),
              static_cast<long>(start), static_cast<long>(size));
}

Ret remote_sfence_vma_asid(unsigned long mask, unsigned long base, uptr start,
                           u64 size, unsigned long asid) {
  return call(Ext::Rfence, 2, static_cast<long>(mask), static_cast<long>(base),
              static_cast<long>(start), static_cast<long>(size),
              static_cast<long>(asid));
}

Ret hart_start(unsigned long hartid, paddr_t start, unsigned long opaque) {
  return call(Ext::Hsm, 0, static_cast<long>(hartid), static_cast<long>(start),
              static_cast<long>(opaque));
}

Ret hart_status(unsigned long hartid) {
  return call(Ext::Hsm, 2, static_cast<long>(hartid));
}

Ret system_reset(ResetType type, ResetReason reason) {
  return call(Ext::Srst, 0, static_cast<long>(type),
              static_cast<long>(reason));
}

}  // namespace tine::hal::riscv::sbi
