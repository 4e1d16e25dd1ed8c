// Kernel virtual address layout under Sv39. Shared by C++ and assembly.
//
//   0x0000000000000000 .. 0x0000003fffffffff  user space (lower half)
//   0xffffffc000000000 .. +128 GiB            direct map of physical memory
//   0xffffffe000000000 .. +64 GiB             kernel stacks (guard page each)
//   0xffffffff80000000 .. +2 GiB              the kernel image
#pragma once

#define KERNEL_DIRECT_MAP_BASE 0xffffffc000000000
#define KERNEL_DIRECT_MAP_SIZE 0x0000002000000000
#define KERNEL_STACK_AREA_BASE 0xffffffe000000000
#define KERNEL_STACK_AREA_SIZE 0x0000001000000000
#define KERNEL_IMAGE_VBASE 0xffffffff80000000

// Boot stacks: one per hart id, each below an unmapped guard page.
#define BOOT_STACK_SIZE 16384
#define BOOT_STACK_GUARD 4096
#define BOOT_MAX_HARTS 16

// How many 1 GiB gigapages of physical memory the early page table maps into
// the direct map (enough for a VisionFive 2 with 8 GiB at 0x40000000).
#define EARLY_DIRECT_MAP_GIB 16
// How many 2 MiB pages the early table maps for the image (and its initrd).
#define EARLY_IMAGE_2M_PAGES 32
