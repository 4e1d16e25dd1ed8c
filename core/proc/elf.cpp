#include "core/proc/elf.h"

#include "core/lib/assert.h"
#include "core/lib/string.h"
#include "hal/pmap.h"

namespace tine::elf {

namespace {

// Our own copies of the System V ABI layouts: core builds freestanding, with
// no <elf.h>.
struct Elf64_Ehdr {
  u8 e_ident[16];
  u16 e_type;
  u16 e_machine;
  u32 e_version;
  u64 e_entry;
  u64 e_phoff;
  u64 e_shoff;
  u32 e_flags;
  u16 e_ehsize;
  u16 e_phentsize;
  u16 e_phnum;
  u16 e_shentsize;
  u16 e_shnum;
  u16 e_shstrndx;
};
static_assert(sizeof(Elf64_Ehdr) == 64);
static_assert(offsetof(Elf64_Ehdr, e_entry) == 24 && offsetof(Elf64_Ehdr, e_phnum) == 56);

struct Elf64_Phdr {
  u32 p_type;
  u32 p_flags;
  u64 p_offset;
  u64 p_vaddr;
  u64 p_paddr;
  u64 p_filesz;
  u64 p_memsz;
  u64 p_align;
};
static_assert(sizeof(Elf64_Phdr) == 56);
static_assert(offsetof(Elf64_Phdr, p_align) == 48);

// The fields are copied out as they lie in the file, which is little-endian.
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__);

constexpr u8 kElfMag[4] = {0x7f, 'E', 'L', 'F'};
constexpr unsigned EI_CLASS = 4, EI_DATA = 5, EI_VERSION = 6;
constexpr u8 ELFCLASS64 = 2, ELFDATA2LSB = 1, EV_CURRENT = 1;
constexpr u16 ET_EXEC = 2;
constexpr u16 EM_RISCV = 243;

constexpr u32 PT_LOAD = 1, PT_INTERP = 3, PT_PHDR = 6, PT_TLS = 7;
constexpr u32 PT_GNU_STACK = 0x6474e551;
constexpr u32 PF_X = 1, PF_W = 2, PF_R = 4;

// [addr, addr + len) lies in the user range; false on overflow.
bool user_range(u64 addr, u64 len) {
  static_assert(kUserEnd == hal::kUserVaTop);
  return addr >= kUserMin && hal::user_va_range(addr, len);
}

// [off, off + len) lies in the file; false on overflow.
bool file_range(u64 off, u64 len, size_t size) {
  return off <= size && len <= size - off;
}

// The ELF gABI: 0 and 1 both mean "no alignment".
bool valid_align(u64 a) { return (a & (a - 1)) == 0; }

}  // namespace

u64 headers_end(const void* head, size_t avail) {
  Elf64_Ehdr eh;
  if (avail < sizeof eh) return 0;
  memcpy(&eh, head, sizeof eh);
  if (memcmp(eh.e_ident, kElfMag, sizeof kElfMag) != 0 || eh.e_ident[EI_CLASS] != ELFCLASS64)
    return 0;
  const u64 ph_bytes = u64{eh.e_phnum} * eh.e_phentsize;
  if (eh.e_phoff > ~u64{0} - ph_bytes) return 0;
  return max<u64>(sizeof eh, eh.e_phoff + ph_bytes);
}

Result<Image> parse(const void* file, size_t size) { return parse(file, size, size); }

Result<Image> parse(const void* file, size_t avail, u64 size_u64) {
  KASSERT(avail <= size_u64);
  // Segment ranges are checked against the whole file; what is read must
  // be in the head.
  const size_t size = size_t(size_u64);
  const u8* base = static_cast<const u8*>(file);
  Elf64_Ehdr eh;
  if (avail < sizeof eh) return Error::NoExec;
  memcpy(&eh, base, sizeof eh);

  if (memcmp(eh.e_ident, kElfMag, sizeof kElfMag) != 0) return Error::NoExec;
  if (eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_ident[EI_DATA] != ELFDATA2LSB ||
      eh.e_ident[EI_VERSION] != EV_CURRENT || eh.e_version != EV_CURRENT)
    return Error::NoExec;
  // ET_DYN (a PIE, static or not) is refused: Tine runs static non-PIE
  // executables only, at their link address, with no dynamic linker.
  if (eh.e_type != ET_EXEC) return Error::NoExec;
  if (eh.e_machine != EM_RISCV) return Error::NoExec;
  if (eh.e_phentsize != sizeof(Elf64_Phdr)) return Error::NoExec;
  // u16 * 56 cannot overflow; the table must be in the file.
  u64 ph_bytes = u64{eh.e_phnum} * sizeof(Elf64_Phdr);
  if (!file_range(eh.e_phoff, ph_bytes, avail)) return Error::NoExec;

  Image img{};
  img.entry = eh.e_entry;
  img.phnum = eh.e_phnum;
  img.phentsize = eh.e_phentsize;
  bool have_pt_phdr = false;

  for (unsigned i = 0; i < eh.e_phnum; ++i) {
    Elf64_Phdr ph;
    memcpy(&ph, base + eh.e_phoff + i * sizeof ph, sizeof ph);
    switch (ph.p_type) {
      case PT_INTERP:
        return Error::NoExec;  // dynamically linked
      case PT_PHDR:
        if (!user_range(ph.p_vaddr, ph_bytes)) return Error::NoExec;
        img.phdr_vaddr = ph.p_vaddr;
        have_pt_phdr = true;
        break;
      case PT_TLS:
        // Checked as a PT_LOAD's file part: user space copies it from there.
        if (ph.p_filesz > ph.p_memsz || !file_range(ph.p_offset, ph.p_filesz, size) ||
            !valid_align(ph.p_align) || !user_range(ph.p_vaddr, ph.p_memsz))
          return Error::NoExec;
        img.tls_vaddr = ph.p_vaddr;
        img.tls_memsz = ph.p_memsz;
        img.tls_align = ph.p_align;
        break;
      case PT_GNU_STACK:
        img.stack_flags_exec = (ph.p_flags & PF_X) ? 1 : 0;
        break;
      case PT_LOAD: {
        if (img.segment_count == kMaxSegments) return Error::NoExec;
        if (ph.p_filesz > ph.p_memsz) return Error::NoExec;
        if (!file_range(ph.p_offset, ph.p_filesz, size)) return Error::NoExec;
        if (!user_range(ph.p_vaddr, ph.p_memsz)) return Error::NoExec;
        if (!valid_align(ph.p_align)) return Error::NoExec;
        // The mapping is built page by page from the file, so the file
        // offset and the address must agree within a page.
        if ((ph.p_vaddr - ph.p_offset) % kPageSize != 0) return Error::NoExec;
        if (img.segment_count > 0) {
          const Segment& prev = img.segments[img.segment_count - 1];
          if (ph.p_vaddr < prev.vaddr + prev.memsz) return Error::NoExec;
        }
        img.segments[img.segment_count++] =
            Segment{ph.p_vaddr, ph.p_memsz, ph.p_filesz, ph.p_offset,
                    (ph.p_flags & PF_R) != 0, (ph.p_flags & PF_W) != 0, (ph.p_flags & PF_X) != 0};
        break;
      }
      default:
        break;  // PT_NOTE, PT_GNU_RELRO, PT_RISCV_ATTRIBUTES, ...: not needed
    }
  }
  if (img.segment_count == 0) return Error::NoExec;

  bool entry_ok = false;
  for (unsigned i = 0; i < img.segment_count; ++i) {
    const Segment& s = img.segments[i];
    if (s.exec && img.entry >= s.vaddr && img.entry - s.vaddr < s.memsz) entry_ok = true;
    // Without PT_PHDR (static binaries have none), the table is wherever the
    // segment that holds its file bytes puts it.
    if (!have_pt_phdr && img.phdr_vaddr == 0 && eh.e_phoff >= s.offset &&
        eh.e_phoff - s.offset <= s.filesz && ph_bytes <= s.filesz - (eh.e_phoff - s.offset))
      img.phdr_vaddr = s.vaddr + (eh.e_phoff - s.offset);
  }
  if (!entry_ok) return Error::NoExec;
  return img;
}

}  // namespace tine::elf
