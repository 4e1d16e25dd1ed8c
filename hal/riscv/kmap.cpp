#include "hal/riscv/kmap.h"

#include "hal/riscv/csr.h"
#include "hal/riscv/memlayout.h"
#include "hal/riscv/memory.h"

namespace tine::hal::riscv {

namespace {
KernelTablePages g_table_pages;
KernelPageTable g_kernel_table = KernelPageTable::adopt(g_table_pages, 0);
u64 g_kernel_satp = 0;

constexpr Prot kKernRW = Prot::Read | Prot::Write | Prot::Global;
constexpr Prot kKernRX = Prot::Read | Prot::Exec | Prot::Global;
constexpr Prot kKernR = Prot::Read | Prot::Global;

uptr va_of(const char* sym) { return reinterpret_cast<uptr>(sym); }
paddr_t pa_of_image(uptr va) {
  return va - image_virt_start() + image_phys_start();
}

Result<void> map_image_range(uptr start, uptr end, Prot prot) {
  if (end <= start) return ok();
  return g_kernel_table.map(start, pa_of_image(start), end - start, prot);
}

Result<void> map_device(paddr_t base, u64 size) {
  if (base == 0 || size == 0) return ok();
  paddr_t first = align_down(base, kPageSize);
  u64 len = align_up(base + size, kPageSize) - first;
  // Megapages where the range allows (the PLIC spans 1536 pages).
  return g_kernel_table.map_best(KERNEL_DIRECT_MAP_BASE + first, first, len, kKernRW);
}
}  // namespace

Result<void> kernel_map_build(const fdt::BootInfo& info) {
  g_kernel_table = TRY(KernelPageTable::create(g_table_pages));

  for (unsigned i = 0; i < info.memory_count; i++) {
    const fdt::Range& r = info.memory[i];
    paddr_t first = align_down(r.base, kPageSize);
    u64 len = align_up(r.base + r.size, kPageSize) - first;
    TRY(g_kernel_table.map_best(KERNEL_DIRECT_MAP_BASE + first, first, len,
                                kKernRW));
  }
  TRY(map_device(info.uart.base, info.uart.size));
  TRY(map_device(info.plic.base, info.plic.size));
  TRY(map_device(info.test_device.base, info.test_device.size));

  // W^X: text executable and read-only, rodata read-only, the rest RW.
  TRY(map_image_range(va_of(_start_image), va_of(_etext), kKernRX));
  TRY(map_image_range(va_of(_etext), va_of(_erodata), kKernR));
  // Not the built-in initrd (_erodata.._einitrd): the direct map reaches it,
  // and its pages become files' pages. Data and BSS, with each boot stack's
  // guard page left unmapped so an overflow faults instead of corrupting the
  // neighbour below.
  uptr cursor = va_of(_einitrd);
  for (unsigned h = 0; h < BOOT_MAX_HARTS; h++) {
    uptr guard = va_of(boot_stacks) + uptr(h) * (BOOT_STACK_GUARD + BOOT_STACK_SIZE);
    TRY(map_image_range(cursor, guard, kKernRW));
    cursor = guard + BOOT_STACK_GUARD;
  }
  TRY(map_image_range(cursor, align_up(va_of(_end), kPageSize), kKernRW));

  g_kernel_satp = make_satp(g_kernel_table.root(), 0);
  return ok();
}

void kernel_map_activate() {
  sfence_vma_all();
  write_satp(g_kernel_satp);
  sfence_vma_all();
}

u64 kernel_satp() { return g_kernel_satp; }
KernelPageTable& kernel_page_table() { return g_kernel_table; }

}  // namespace tine::hal::riscv
