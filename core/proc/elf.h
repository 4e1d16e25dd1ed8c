// ELF64 little-endian RISC-V executables: validates a file and decodes what
// exec needs to map it. Loads nothing; the caller maps the segments.
//
// Only static, non-PIE executables (ET_EXEC without PT_INTERP) are accepted:
// Tine has no dynamic linker and no load-address randomisation, and a fixed
// link address keeps exec simple. The user ABI is Linux's (DESIGN.md), so
// these are what `riscv64-linux-gnu-gcc -static` makes.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine::elf {

inline constexpr unsigned kMaxSegments = 8;

// User addresses a program may be linked at: the page above the null page up
// to the top of the lower half of a 39-bit address space, the smallest one
// any supported hart has.
inline constexpr u64 kUserMin = 0x1000;
inline constexpr u64 kUserEnd = u64{1} << 38;  // 0x4000000000, exclusive

// A PT_LOAD. The file bytes [offset, offset + filesz) go at vaddr; the rest
// up to memsz is zero. Segments are sorted by vaddr and do not overlap, but
// two of them may share a page (the end of one and the start of the next);
// (vaddr - offset) is a multiple of the page size, so both can be mapped from
// the file page by page.
struct Segment {
  u64 vaddr;
  u64 memsz;
  u64 filesz;
  u64 offset;
  bool read, write, exec;
};

struct Image {
  u64 entry;  // inside an executable segment
  // AT_PHDR: where the program headers are in memory, from PT_PHDR, else
  // from the PT_LOAD whose file range holds the whole table; 0 if neither
  // (the program then cannot find its headers, which static glibc needs for
  // TLS).
  u64 phdr_vaddr;
  u16 phnum;      // AT_PHNUM
  u16 phentsize;  // AT_PHENT
  Segment segments[kMaxSegments];  // PT_LOAD only, in file order = vaddr order
  unsigned segment_count;
  // PT_TLS, all 0 if none. Informational: user space sets its TLS up itself.
  u64 tls_vaddr, tls_memsz, tls_align;
  // The X bit of PT_GNU_STACK, 0 if absent. Informational: the stack is
  // never made executable.
  u64 stack_flags_exec;
};

// Validates and decodes the file of `size` bytes at `file`, which needs no
// alignment (an initrd member is only 4-byte aligned). Error::NoExec for:
// bad magic or version, not ELFCLASS64, not little-endian, not ET_EXEC (ET_DYN
// is refused: static non-PIE only), e_machine not EM_RISCV, e_phentsize not
// that of Elf64_Phdr, program headers past the end, PT_INTERP, no PT_LOAD or
// more than kMaxSegments, filesz > memsz, a file range past the end, PT_LOADs
// overlapping or out of vaddr order, an address outside
// [kUserMin, kUserEnd) or one that overflows, p_align not 0 or a power of
// two, (vaddr - offset) not a multiple of the page size, an entry point
// outside every executable segment. Nothing past `size` is read.
Result<Image> parse(const void* file, size_t size);
// The same for a file of `size` bytes of which only the first `avail` are
// at `head` (exec reads the headers and maps the rest): the ELF header and
// the program header table must lie in them (Error::NoExec otherwise);
// segment ranges are checked against size.
Result<Image> parse(const void* head, size_t avail, u64 size);
// How many bytes from the start of the file parse needs at `head` (the ELF
// header and the program header table), judged from the ELF header in the
// first `avail` bytes; 0 when they hold no ELF64 header.
u64 headers_end(const void* head, size_t avail);

}  // namespace tine::elf
