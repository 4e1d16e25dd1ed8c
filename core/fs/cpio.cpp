#include "core/fs/cpio.h"

#include "core/lib/string.h"

namespace tine {

namespace {

constexpr size_t kHeaderSize = 110;
constexpr char kMagic[] = "070701";  // newc without checksums
constexpr char kTrailer[] = "TRAILER!!!";

// Field indices of the 13 hex fields that follow the magic.
enum Field : unsigned { Ino, Mode, Uid, Gid, NLink, MTime, FileSize, DevMajor, DevMinor,
                        RDevMajor, RDevMinor, NameSize, Check };

// Hex digit values; 0xff for anything else. A table (not three range
// tests a character) because seeding parses ~300 headers of 104 digits at
// every boot.
constexpr auto kHexValue = [] {
  struct Table { u8 v[256]; } t{};
  for (unsigned c = 0; c < 256; ++c) t.v[c] = 0xff;
  for (unsigned c = 0; c < 10; ++c) t.v['0' + c] = u8(c);
  for (unsigned c = 0; c < 6; ++c) t.v['a' + c] = t.v['A' + c] = u8(10 + c);
  return t;
}();

// Eight hex digits as one little-endian word (the first digit in the low
// byte), decoded and checked a byte per lane, without a branch or a table:
// about 25 instructions for what the table takes ~50. A lane's value is
// its low nibble, plus 9 for bit 6 (letters); the lane is a hex digit iff
// it is that value's own spelling ('0'-'9', or 'a'-'f' up to case) and the
// value is below 16. No lane ever carries into the next.
inline bool hex_word(u64 x, u32& out) {
  constexpr u64 k01 = 0x0101010101010101ull;
  const u64 d = (x & (k01 * 0x0f)) + ((x >> 6) & k01) * 9;
  const u64 ge10 = ((d + k01 * 6) >> 4) & k01;
  const u64 spelled = d + k01 * 0x30 + ge10 * 0x27;
  const u64 bad = ((x | (ge10 << 5)) ^ spelled) | ((d + k01 * 0x70) & (k01 * 0x80));
  if (bad) return false;
  // Nibbles to a number, the first digit the most significant.
  u64 t = ((d & 0x00ff00ff00ff00ffull) << 4) | ((d >> 8) & 0x00ff00ff00ff00ffull);
  t = ((t & 0x0000ffff0000ffffull) << 8) | ((t >> 16) & 0x0000ffff0000ffffull);
  out = u32((t << 16) | (t >> 32));
  return true;
}

// Field `i` of a header at a 4-aligned address: the field starts 2 past
// a multiple of 4, so a halfword, a word and a halfword cover it.
inline bool hex_field_aligned(const u8* h, unsigned i, u32& out) {
  static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "hex_word takes the first digit low");
  const u8* p = h + 6 + 8 * i;
  u16 a, c;
  u32 b;
  __builtin_memcpy(&a, __builtin_assume_aligned(p, 2), 2);
  __builtin_memcpy(&b, __builtin_assume_aligned(p + 2, 4), 4);
  __builtin_memcpy(&c, __builtin_assume_aligned(p + 6, 2), 2);
  return hex_word(u64(a) | u64(b) << 16 | u64(c) << 48, out);
}

// Decodes field `i` of the header at `h`; false if it is not 8 hex digits.
// Bad digits are or-ed into one test: 0xff sets bits above a nibble.
inline bool hex_field(const u8* h, unsigned i, u32& out) {
  const u8* p = h + 6 + 8 * i;
  u32 v = 0, bad = 0;
  for (unsigned k = 0; k < 8; ++k) {
    const u32 d = kHexValue.v[p[k]];
    bad |= d;
    v = v << 4 | (d & 0xf);
  }
  if (bad & 0xf0) return false;
  out = v;
  return true;
}

// Drops leading "/" and "./" so "/bin/sh", "./bin/sh" and "bin/sh" compare
// equal; a lone "." (cpio's name for the root) becomes "".
void strip_prefix(const char*& s, size_t& n) {
  for (;;) {
    if (n >= 1 && s[0] == '/') {
      ++s, --n;
    } else if (n >= 2 && s[0] == '.' && s[1] == '/') {
      s += 2, n -= 2;
    } else {
      break;
    }
  }
  if (n == 1 && s[0] == '.') ++s, --n;
}

}  // namespace

Result<bool> CpioArchive::next(size_t& off, CpioFile& out) const {
  // An archive of zero bytes is "no initrd", not a truncated one.
  if (size_ == 0) return false;
  // Every subtraction below is of a smaller bound from size_, so nothing
  // overflows whatever the header says.
  if (off > size_ || size_ - off < kHeaderSize) return Error::Inval;
  const u8* h = base_ + off;
  // Or-ed byte differences, not memcmp: one test, no call, per entry.
  unsigned magic_diff = 0;
  for (unsigned i = 0; i < 6; ++i) magic_diff |= unsigned(h[i] ^ u8(kMagic[i]));
  if (magic_diff != 0) return Error::Inval;
  u32 fields[13];
  if (is_aligned(uptr(h), 4)) {
    // Seeding parses ~300 headers at every boot; archives are aligned.
    for (unsigned i = 0; i < 13; ++i)
      if (!hex_field_aligned(h, i, fields[i])) return Error::Inval;
  } else {
    for (unsigned i = 0; i < 13; ++i)
      if (!hex_field(h, i, fields[i])) return Error::Inval;
  }

  size_t name_off = off + kHeaderSize;
  size_t namesize = fields[NameSize];
  // namesize counts the NUL, which must be there.
  if (namesize < 1 || namesize > size_ - name_off) return Error::Inval;
  const char* name = reinterpret_cast<const char*>(base_ + name_off);
  if (name[namesize - 1] != '\0') return Error::Inval;
  // The name ends at its first NUL: an archive may pad it with more so the
  // data starts page-aligned (scripts/mkinitrd.py, gen_init_cpio -a).
  // Unpadded (most names: links, directories) when the byte before that
  // NUL is not one; only a padded name needs the scan.
  size_t name_len = namesize >= 2 && name[namesize - 2] != '\0' ? namesize - 1
                                                                 : strnlen(name, namesize - 1);
  if (name_len == sizeof kTrailer - 1 && memcmp(name, kTrailer, name_len) == 0) return false;
  if (name_len == 0) return Error::Inval;

  // Padding is relative to the start of the archive, not to memory.
  size_t data_off = align_up(name_off + namesize, 4);
  size_t filesize = fields[FileSize];
  if (data_off > size_ || filesize > size_ - data_off) return Error::Inval;

  strip_prefix(name, name_len);
  out = CpioFile{name,         name_len,        base_ + data_off, filesize,
                 fields[Mode], fields[Ino],     fields[NLink],    fields[Uid],
                 fields[Gid],  fields[MTime]};
  // May land past size_ by the padding; the next call reports that.
  off = align_up(data_off + filesize, 4);
  return true;
}

Result<CpioFile> CpioArchive::find(const char* path) const {
  if (path == nullptr) return Error::Inval;
  size_t want_len = strlen(path);
  strip_prefix(path, want_len);
  size_t off = 0;
  for (;;) {
    CpioFile file{};
    if (!TRY(next(off, file))) return Error::NoEnt;
    if (file.name_len == want_len && memcmp(file.name, path, want_len) == 0) return file;
  }
}

}  // namespace tine
