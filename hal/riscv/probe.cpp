#include "hal/riscv/probe.h"

#include "hal/riscv/hart.h"

namespace tine::hal::riscv {

bool probe_load(uptr addr, u64* out) {
  HartLocal* h = &this_hart();
  u64 value = 0;
  long ok;
  // The trap handler sends a fault to label 1 with ok still 0.
  asm volatile(
      "lla t0, 1f\n"
      "sd t0, %[rec](%[h])\n"
      "li %[ok], 0\n"
      "ld %[v], 0(%[a])\n"
      "li %[ok], 1\n"
      "1:\n"
      "sd zero, %[rec](%[h])\n"
      : [v] "=&r"(value), [ok] "=&r"(ok)
      : [a] "r"(addr), [h] "r"(h), [rec] "i"(HART_FAULT_RECOVER)
      : "t0", "memory");
  if (ok) *out = value;
  return ok;
}

bool probe_store(uptr addr, u64 value) {
  HartLocal* h = &this_hart();
  long ok;
  asm volatile(
      "lla t0, 1f\n"
      "sd t0, %[rec](%[h])\n"
      "li %[ok], 0\n"
      "sd %[v], 0(%[a])\n"
      "li %[ok], 1\n"
      "1:\n"
      "sd zero, %[rec](%[h])\n"
      : [ok] "=&r"(ok)
      : [v] "r"(value), [a] "r"(addr), [h] "r"(h), [rec] "i"(HART_FAULT_RECOVER)
      : "t0", "memory");
  return ok;
}

}  // namespace tine::hal::riscv
