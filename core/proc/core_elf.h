// The layouts of an ELF core file as Linux riscv64 writes it (fs/binfmt_elf.c
// elf_core_dump; include/linux/elfcore.h, include/uapi/linux/elf.h), which
// gdb reads: the ELF header of type ET_CORE, one PT_NOTE and a PT_LOAD per
// mapping, and the notes' descriptors. core/proc/coredump.cpp fills them.
#pragma once

#include "core/lib/types.h"
#include "hal/regset.h"

namespace tine::core_elf {

inline constexpr u16 kEtCore = 4;
inline constexpr u16 kEmRiscv = 243;  // the only machine Tine runs (as elf.cpp)
inline constexpr u32 kPtLoad = 1, kPtNote = 4;
inline constexpr u32 kPfX = 1, kPfW = 2, kPfR = 4;
// Note types; every one here is named "CORE".
inline constexpr u32 kNtPrstatus = 1, kNtPrfpreg = 2, kNtPrpsinfo = 3, kNtAuxv = 6,
                     kNtSiginfo = 0x53494749, kNtFile = 0x46494c45;

struct Ehdr {
  u8 e_ident[16];
  u16 e_type, e_machine;
  u32 e_version;
  u64 e_entry, e_phoff, e_shoff;
  u32 e_flags;
  u16 e_ehsize, e_phentsize, e_phnum, e_shentsize, e_shnum, e_shstrndx;
};
static_assert(sizeof(Ehdr) == 64);

struct Phdr {
  u32 p_type, p_flags;
  u64 p_offset, p_vaddr, p_paddr, p_filesz, p_memsz, p_align;
};
static_assert(sizeof(Phdr) == 56);

struct Nhdr {
  u32 n_namesz, n_descsz, n_type;
};

// struct __kernel_old_timeval.
struct Timeval {
  i64 sec, usec;
};

// struct elf_prstatus (64-bit): the thread's signal state, ids, times and
// its registers in user_regs_struct order (hal/regset.h).
struct PrStatus {
  i32 si_signo, si_code, si_errno;  // struct elf_siginfo pr_info
  i16 pr_cursig;
  u16 pad0;
  u64 pr_sigpend, pr_sighold;
  i32 pr_pid, pr_ppid, pr_pgrp, pr_sid;
  Timeval pr_utime, pr_stime, pr_cutime, pr_cstime;
  u64 pr_reg[hal::kUserRegs];
  i32 pr_fpvalid;
  u32 pad1;
};
static_assert(sizeof(PrStatus) == 376 && offsetof(PrStatus, pr_pid) == 32 &&
              offsetof(PrStatus, pr_reg) == 112);

// struct elf_prpsinfo (64-bit).
struct PrPsInfo {
  char pr_state, pr_sname, pr_zomb, pr_nice;
  u32 pad0;
  u64 pr_flag;
  u32 pr_uid, pr_gid;
  i32 pr_pid, pr_ppid, pr_pgrp, pr_sid;
  char pr_fname[16];
  char pr_psargs[80];
};
static_assert(sizeof(PrPsInfo) == 136 && offsetof(PrPsInfo, pr_fname) == 40);

// NT_PRFPREG on riscv64: struct __riscv_d_ext_state, f[32] then a 32-bit
// fcsr, padded to 264 (ELF_NFPREG 33 words; as ptrace's regset).
struct FpRegs {
  u64 f[32];
  u32 fcsr;
  u32 pad;
};
static_assert(sizeof(FpRegs) == 264);

// A note's bytes: the header, "CORE" padded to 4, the descriptor padded to 4.
inline constexpr size_t kNoteName = 8;  // "CORE\0" and 3 bytes of padding
inline constexpr size_t note_size(size_t desc) {
  return sizeof(Nhdr) + kNoteName + ((desc + 3) & ~size_t(3));
}

}  // namespace tine::core_elf
