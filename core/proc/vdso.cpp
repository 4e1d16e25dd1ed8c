// The vDSO's pages and their mapping at exec (core/proc/vdso.h).
#include "core/proc/vdso.h"

#include "core/lib/assert.h"
#include "core/lib/string.h"
#include "core/proc/proc.h"
#include "core/vm/page_alloc.h"
#include "core/vm/vm.h"
#include "core/vm/vm_anon.h"
#include "core/vm/vm_page.h"
#include "hal/vdso.h"

namespace tine {

namespace {

// Set once by vdso_init, before any process execs; read-only after.
VmAnon* g_pages = nullptr;  // slot 0: the data page; then the image
size_t g_npages = 0;
uptr g_sigreturn_off = 0;

// The little of ELF64 the symbol lookup needs (the System V gABI).
struct Ehdr {
  u8 ident[16];
  u16 type, machine;
  u32 version;
  u64 entry, phoff, shoff;
  u32 flags;
  u16 ehsize, phentsize, phnum, shentsize, shnum, shstrndx;
};
struct Phdr {
  u32 type, flags;
  u64 offset, vaddr, paddr, filesz, memsz, align;
};
struct Dyn {
  i64 tag;
  u64 val;
};
struct Sym {
  u32 name;
  u8 info, other;
  u16 shndx;
  u64 value, size;
};
static_assert(sizeof(Ehdr) == 64 && sizeof(Phdr) == 56 && sizeof(Sym) == 24);
constexpr u32 kPtDynamic = 2;
constexpr i64 kDtNull = 0, kDtHash = 4, kDtStrtab = 5, kDtSymtab = 6;

// A copy of the T at `off` in the image, false past its end. The image is
// linked at 0, so its addresses are file offsets.
template <typename T>
bool read_at(const hal::VdsoImage& im, u64 off, T* out) {
  if (off > im.size || im.size - off < sizeof(T)) return false;
  memcpy(out, im.data + off, sizeof(T));
  return true;
}

// Walks PT_DYNAMIC to the dynamic symbols (DT_HASH's nchain is their count).
uptr lookup(const hal::VdsoImage& im, const char* name) {
  Ehdr eh;
  if (!read_at(im, 0, &eh) || memcmp(eh.ident, "\x7f" "ELF", 4) != 0) return 0;
  u64 symtab = 0, strtab = 0, hash = 0;
  for (u16 i = 0; i < eh.phnum; i++) {
    Phdr ph;
    if (!read_at(im, eh.phoff + u64(i) * eh.phentsize, &ph)) return 0;
    if (ph.type != kPtDynamic) continue;
    for (u64 off = ph.offset; off + sizeof(Dyn) <= ph.offset + ph.filesz; off += sizeof(Dyn)) {
      Dyn d;
      if (!read_at(im, off, &d) || d.tag == kDtNull) break;
      if (d.tag == kDtSymtab) symtab = d.val;
      if (d.tag == kDtStrtab) strtab = d.val;
      if (d.tag == kDtHash) hash = d.val;
    }
  }
  u32 nchain;
  if (!symtab || !strtab || !hash || !read_at(im, hash + 4, &nchain)) return 0;
  const size_t len = strlen(name);
  for (u32 i = 1; i < nchain; i++) {
    Sym s;
    if (!read_at(im, symtab + u64(i) * sizeof(Sym), &s)) return 0;
    const u64 at = strtab + s.name;
    if (s.shndx == 0 || at > im.size || im.size - at <= len) continue;
    if (memcmp(im.data + at, name, len + 1) == 0) return s.value;
  }
  return 0;
}

}  // namespace

uptr vdso_symbol_offset(const char* name) { return lookup(hal::vdso_image(), name); }

Result<void> vdso_init() {
  const hal::VdsoImage im = hal::vdso_image();
  if (im.size == 0) return ok();
  g_sigreturn_off = lookup(im, "__vdso_rt_sigreturn");
  if (g_sigreturn_off == 0 || g_sigreturn_off >= im.size)
    panic("vdso: no __vdso_rt_sigreturn in the image");
  const size_t npages = 1 + align_up(im.size, kPageSize) / kPageSize;
  VmAnon* anon = TRY(VmAnon::create(npages));
  // Every slot gets a page now, the data page zeroed (fill_zero), the image
  // pages zeroed past its end; the kernel's reference keeps them for good.
  for (size_t i = 0; i < npages; i++) {
    Result<paddr_t> pa = anon->fill_zero(i);
    if (!pa.ok()) {
      anon->release();
      return pa.error();
    }
    u8* page = static_cast<u8*>(hal::phys_to_virt(pa.value()));
    if (i == 0) {
      hal::vdso_data_init(page);
    } else {
      const size_t off = (i - 1) * kPageSize;
      memcpy(page, im.data + off, min(kPageSize, im.size - off));
    }
  }
  g_pages = anon;
  g_npages = npages;
  return ok();
}

void vdso_fini() {
  if (g_pages) g_pages->release();
  g_pages = nullptr;
  g_npages = 0;
  g_sigreturn_off = 0;
}

Result<uptr> vdso_map(VmSpace* vs) {
  if (!g_pages) return uptr(0);
  const uptr image = kVdsoDataAddr + kPageSize;
  TRY(vm_map_pages(vs, kVdsoDataAddr, g_pages, 0, 1, Prot::Read | Prot::User));
  TRY(vm_map_pages(vs, image, g_pages, 1, g_npages - 1,
                   Prot::Read | Prot::Exec | Prot::User));
  vm_set_vdso_base(vs, image);
  return image;
}

uptr vdso_sigreturn_pc(const Proc* p) {
  const VmSpace* vs = p ? p->p_vmspace : nullptr;
  const uptr base = vs ? vm_vdso_base(vs) : 0;
  return base ? base + g_sigreturn_off : 0;
}

}  // namespace tine
