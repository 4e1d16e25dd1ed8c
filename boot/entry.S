/* First instructions. OpenSBI (or U-Boot's booti) enters _start on one hart,
 * any hart, in S-mode with the MMU off: a0 = hart id, a1 = FDT address.
 * "One hart" is the firmware's promise, not ours: a hart that comes here as
 * well (one boot in ~220 at 4 harts ran the boot path twice) must not clear
 * BSS under the first, so the first act is a lottery, as OpenSBI's fw_base.S
 * and Linux's head.S hold one: the hart that swaps the ticket first boots.
 * We clear BSS, build an early Sv39 table (direct map in 1 GiB pages and the
 * image at its link address in 2 MiB pages), turn on paging and continue at
 * the link address in C++ (hal/riscv/start.cpp). Secondary harts enter at
 * secondary_start through SBI HSM with a1 = the final kernel satp. */
#include "hal/riscv/memlayout.h"
#include "hal/riscv/pte_bits.h"

#define SATP_MODE_SV39 (8 << 60)
#define BOOT_STACK_SLOT (BOOT_STACK_GUARD + BOOT_STACK_SIZE)

  .section .text.head, "ax"
  .globl _start
_start:
  /* The Linux RISC-V Image header (Documentation/arch/riscv/boot-image-header.rst);
   * U-Boot's booti checks magic2 and a non-zero image_size. */
  .option push
  .option norvc
  j real_start               /* code0 */
  .word 0                    /* code1 */
  .dword 0x200000            /* text_offset: 2 MiB above the RAM base */
  .dword _image_size         /* image_size, BSS included */
  .dword 0                   /* flags: little endian */
  .word 0x2                  /* version 0.2 */
  .word 0                    /* res1 */
  .dword 0                   /* res2 */
  .ascii "RISCV\0\0\0"       /* magic (deprecated, kept for old loaders) */
  .ascii "RSC\x05"           /* magic2 */
  .word 0                    /* res3: no PE/COFF header */
  .option pop

  .section .text.boot, "ax"
real_start:
  rdtime s4                  /* kernel entry: the boot-time line starts here */
  csrw sie, zero
  csrw satp, zero
  mv s0, a0                  /* hart id */
  mv s1, a1                  /* FDT physical address */

  li t0, BOOT_MAX_HARTS
  bgeu s0, t0, park          /* no stack for this hart id */

  /* The boot-hart lottery: one atomic swap on a word in .data (not .bss,
   * which the winner clears). Exactly one hart reads back 0. */
  lla t0, boot_lottery
  li t1, 1
  amoswap.w.aqrl t1, t1, (t0)
  bnez t1, lottery_lost

  /* Clear BSS at its physical address, 64 bytes a turn (the linker script
   * aligns both ends to 64). The boot stacks lie below __bss_start: a
   * stack need not start zeroed, and they are half of what was cleared. */
  lla t0, __bss_start
  lla t1, __bss_end
  bgeu t0, t1, 2f
1:
  sd zero, 0(t0)
  sd zero, 8(t0)
  sd zero, 16(t0)
  sd zero, 24(t0)
  sd zero, 32(t0)
  sd zero, 40(t0)
  sd zero, 48(t0)
  sd zero, 56(t0)
  addi t0, t0, 64
  bltu t0, t1, 1b
2:
  lla s2, _start             /* physical load address */
  lla t0, kernel_vbase
  ld t0, 0(t0)
  sub s3, t0, s2             /* virtual minus physical */

  /* Direct map: root[256 + i] = 1 GiB page at physical i GiB. */
  lla a0, early_root
  li t0, 0
  li t1, EARLY_DIRECT_MAP_GIB
  li t2, (PTE_V | PTE_R | PTE_W | PTE_A | PTE_D | PTE_G)
  li t3, 256 * 8
  add t3, a0, t3
3:
  slli t4, t0, 30 - 12 + PTE_PPN_SHIFT
  or t4, t4, t2
  sd t4, 0(t3)
  addi t3, t3, 8
  addi t0, t0, 1
  blt t0, t1, 3b

  /* The image: root[VPN2(vbase)] -> early_image_l1, 2 MiB pages from s2. */
  lla a1, early_image_l1
  srli t4, a1, 12
  slli t4, t4, PTE_PPN_SHIFT
  ori t4, t4, PTE_V
  lla t0, kernel_vbase
  ld t0, 0(t0)
  srli t5, t0, 30
  andi t5, t5, 511
  slli t5, t5, 3
  add t5, a0, t5
  sd t4, 0(t5)
  srli t5, t0, 21
  andi t5, t5, 511
  slli t5, t5, 3
  add t5, a1, t5             /* first level-1 slot */
  li t1, EARLY_IMAGE_2M_PAGES
  mv t3, s2
  li t2, (PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D | PTE_G)
  li t6, 0x200000
4:
  srli t4, t3, 12
  slli t4, t4, PTE_PPN_SHIFT
  or t4, t4, t2
  sd t4, 0(t5)
  addi t5, t5, 8
  add t3, t3, t6
  addi t1, t1, -1
  bnez t1, 4b

  /* Paging on. Nothing maps the current (physical) pc, so the next fetch
   * faults and the trap vector continues at the virtual address of 5f. */
  lla t0, 5f
  add t0, t0, s3
  csrw stvec, t0
  srli t1, a0, 12
  li t2, SATP_MODE_SV39
  or t1, t1, t2
  sfence.vma
  csrw satp, t1
  .balign 4
5:
  sfence.vma
  mv a0, s0
  call set_boot_stack
  mv a0, s0
  mv a1, s1
  mv a2, s2
  mv a3, s4
  mv s0, zero                /* ends the frame-pointer chain */
  call kernel_entry_boot_hart    /* hal/riscv/start.cpp; does not return */
  j park

/* Entered by SBI HSM hart_start: a0 = hart id, a1 = satp of the kernel map. */
  .globl secondary_start
secondary_start:
  csrw sie, zero
  mv s0, a0
  mv s1, a1
  li t0, BOOT_MAX_HARTS
  bgeu s0, t0, park
  lla t0, _start
  lla t1, kernel_vbase
  ld t1, 0(t1)
  sub s3, t1, t0
  lla t0, 6f
  add t0, t0, s3
  csrw stvec, t0
  sfence.vma
  csrw satp, s1
  .balign 4
6:
  sfence.vma
  mv a0, s0
  call set_boot_stack
  mv a0, s0
  mv s0, zero
  call kernel_entry_secondary    /* does not return */

/* A hart that lost the boot lottery touches nothing and hands itself back
 * to the firmware with SBI HSM hart_stop, so it is STOPPED again and
 * smp_start_harts can start it the ordinary way, through secondary_start.
 * hart_stop returns only on failure (no HSM): then it parks. */
lottery_lost:
  li a7, 0x48534D            /* SBI extension "HSM" */
  li a6, 1                   /* HART_STOP */
  ecall
park:
  wfi
  j park

/* sp = top of this hart's boot stack (virtual); keeps ra. a0 = hart id. */
set_boot_stack:
  lla t0, boot_stacks
  li t1, BOOT_STACK_SLOT
  mul t2, t1, a0
  add t0, t0, t2
  add sp, t0, t1
  mv tp, zero
  mv gp, zero
  ret

  .section .data
  .balign 4
  .globl boot_lottery
boot_lottery:                /* 0 until a hart has claimed the boot path */
  .word 0

  .section .rodata
  .balign 8
kernel_vbase:
  .dword _start

  .section .bss.boot_stacks, "aw", @nobits
  .balign 4096
  .globl boot_stacks
boot_stacks:
  .skip BOOT_MAX_HARTS * BOOT_STACK_SLOT

  .section .bss, "aw", @nobits
  .balign 4096
early_root:
  .skip 4096
early_image_l1:
  .skip 4096
