/* Sv39 PTE bits (RISC-V privileged spec, "Sv39"). Plain macros so that
 * boot/entry.S and hal/riscv/sv39.h share one definition. */
#pragma once

#define PTE_V (1 << 0)
#define PTE_R (1 << 1)
#define PTE_W (1 << 2)
#define PTE_X (1 << 3)
#define PTE_U (1 << 4)
#define PTE_G (1 << 5)
#define PTE_A (1 << 6)
#define PTE_D (1 << 7)
#define PTE_PPN_SHIFT 10
