// core/fs/cpio: newc archives built here entry by entry, then the same archives
// truncated, corrupted and left without a trailer. Every parse runs on a heap
// copy of exactly the archive's size, so ASan reports any read past the end.
#include <catch2/catch.hpp>

#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "core/fs/cpio.h"

using namespace tine;

namespace {

struct Entry {
  std::string name;
  std::string data;
  u32 mode = 0100644;
};

// Field offsets in the 110-byte header: magic, then 8 hex digits a field.
constexpr size_t kHeader = 110;
constexpr size_t field_off(unsigned i) { return 6 + 8 * i; }
constexpr unsigned kModeField = 1, kFileSizeField = 6, kNameSizeField = 11;

void pad4(std::vector<u8>& out) {
  while (out.size() % 4) out.push_back(0);
}

// Appends one newc entry as cpio -H newc writes it: header, name with its
// NUL, padding to 4 from the archive start, data, padding to 4.
void put_entry(std::vector<u8>& out, const std::string& name, const std::string& data, u32 mode,
               bool lower_hex = false) {
  char hdr[kHeader + 1];
  const char* fmt = lower_hex ? "070701%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x%08x"
                              : "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X";
  std::snprintf(hdr, sizeof hdr, fmt, 1u /*ino*/, mode, 0u, 0u, 1u /*nlink*/, 0x5f5e100u /*mtime*/,
                unsigned(data.size()), 0u, 0u, 0u, 0u, unsigned(name.size() + 1), 0u);
  out.insert(out.end(), hdr, hdr + kHeader);
  out.insert(out.end(), name.begin(), name.end());
  out.push_back(0);
  pad4(out);
  out.insert(out.end(), data.begin(), data.end());
  pad4(out);
}

// The archive, and the offset just past the trailer's name: the shortest
// prefix that still parses (cpio pads further, to 512 bytes, which we do not
// need).
struct Archive {
  std::vector<u8> bytes;
  size_t min_size;
  std::vector<size_t> entry_offsets;
};

Archive build(const std::vector<Entry>& entries, bool trailer = true) {
  Archive a;
  for (const Entry& e : entries) {
    a.entry_offsets.push_back(a.bytes.size());
    put_entry(a.bytes, e.name, e.data, e.mode);
  }
  if (trailer) {
    size_t t = a.bytes.size();
    put_entry(a.bytes, "TRAILER!!!", "", 0);
    a.min_size = t + kHeader + 11;
    while (a.bytes.size() % 512) a.bytes.push_back(0);
  } else {
    a.min_size = a.bytes.size();
  }
  return a;
}

// A heap block of exactly the archive's bytes (or the first `len`).
struct Copy {
  std::unique_ptr<u8[]> mem;
  CpioArchive ar;
  Copy(const std::vector<u8>& b, size_t len) : mem(new u8[len ? len : 1]) {
    std::memcpy(mem.get(), b.data(), len);
    ar = CpioArchive(mem.get(), len);
  }
  explicit Copy(const std::vector<u8>& b) : Copy(b, b.size()) {}
};

std::string str(const CpioFile& f) { return std::string(f.name, f.name_len); }
std::string data(const CpioFile& f) { return std::string(reinterpret_cast<const char*>(f.data), f.size); }

std::vector<std::string> names(const CpioArchive& ar, Result<void>* result = nullptr) {
  std::vector<std::string> out;
  auto r = ar.for_each([&](const CpioFile& f) {
    out.push_back(str(f));
    return true;
  });
  if (result) *result = r;
  return out;
}

Error for_each_error(const CpioArchive& ar) {
  auto r = ar.for_each([](const CpioFile&) { return true; });
  REQUIRE_FALSE(r.ok());
  return r.error();
}

void set_field(std::vector<u8>& b, size_t entry_off, unsigned field, const char* eight) {
  std::memcpy(b.data() + entry_off + field_off(field), eight, 8);
}

const std::vector<Entry> kTree = {
    {".", "", 040755},
    {"bin", "", 040755},
    {"bin/sh", "#!shell binary", 0100755},
    {"etc", "", 040755},
    {"etc/motd", "hello\n", 0100644},
    {"empty", "", 0100644},
    {"bin/init", std::string(1000, 'i'), 0100755},
    {"etc/link", "motd", 0120777},
};

}  // namespace

TEST_CASE("cpio: find returns the entry's data, size and mode", "[cpio]") {
  Archive a = build(kTree);
  Copy c(a.bytes);

  auto r = c.ar.find("bin/sh");
  REQUIRE(r.ok());
  CHECK(str(r.value()) == "bin/sh");
  CHECK(data(r.value()) == "#!shell binary");
  CHECK(r.value().mode == 0100755);
  CHECK(r.value().is_reg());
  CHECK_FALSE(r.value().is_dir());
  // The data points into the archive itself: nothing is copied.
  CHECK(r.value().data > c.mem.get());
  CHECK(r.value().data + r.value().size <= c.mem.get() + a.bytes.size());

  auto init = c.ar.find("bin/init");
  REQUIRE(init.ok());
  CHECK(data(init.value()) == std::string(1000, 'i'));

  auto link = c.ar.find("etc/link");
  REQUIRE(link.ok());
  CHECK((link.value().mode & kCpioTypeMask) == kCpioSymlink);
  CHECK(data(link.value()) == "motd");
}

TEST_CASE("cpio: directories carry S_IFDIR", "[cpio]") {
  Archive a = build(kTree);
  Copy c(a.bytes);
  auto r = c.ar.find("etc");
  REQUIRE(r.ok());
  CHECK(r.value().is_dir());
  CHECK((r.value().mode & kCpioTypeMask) == kCpioDir);
  CHECK(r.value().mode == 040755);
  CHECK(r.value().size == 0);
}

TEST_CASE("cpio: leading / and ./ are ignored on both sides", "[cpio]") {
  for (const char* stored : {"bin/sh", "./bin/sh", "/bin/sh", ".//bin/sh"}) {
    Archive a = build({{"bin", "", 040755}, {stored, "x", 0100755}});
    Copy c(a.bytes);
    for (const char* query : {"bin/sh", "/bin/sh", "./bin/sh", "//bin/sh", "/./bin/sh"}) {
      INFO("stored " << stored << ", query " << query);
      auto r = c.ar.find(query);
      REQUIRE(r.ok());
      CHECK(str(r.value()) == "bin/sh");
      CHECK(data(r.value()) == "x");
    }
  }
}

TEST_CASE("cpio: the root entry answers to \"\", \"/\" and \".\"", "[cpio]") {
  Archive a = build(kTree);
  Copy c(a.bytes);
  for (const char* q : {"", "/", ".", "./"}) {
    INFO("query '" << q << "'");
    auto r = c.ar.find(q);
    REQUIRE(r.ok());
    CHECK(r.value().name_len == 0);
    CHECK(r.value().is_dir());
  }
  // Without a "." entry, the root is simply absent.
  Archive b = build({{"bin/sh", "x"}});
  Copy d(b.bytes);
  CHECK(d.ar.find("/").error() == Error::NoEnt);
}

TEST_CASE("cpio: absent paths and near misses are NoEnt", "[cpio]") {
  Archive a = build(kTree);
  Copy c(a.bytes);
  for (const char* q : {"bin/s", "bin/shx", "bi", "bin/", "sh", "etc/motd/x", "TRAILER!!!",
                        "/TRAILER!!!", "nope"}) {
    INFO("query " << q);
    auto r = c.ar.find(q);
    REQUIRE_FALSE(r.ok());
    CHECK(r.error() == Error::NoEnt);
  }
}

TEST_CASE("cpio: for_each visits every entry in order, without the trailer", "[cpio]") {
  Archive a = build(kTree);
  Copy c(a.bytes);
  Result<void> r = Error::Io;
  std::vector<std::string> got = names(c.ar, &r);
  CHECK(r.ok());
  std::vector<std::string> want;
  for (const Entry& e : kTree) want.push_back(e.name == "." ? "" : e.name);
  CHECK(got == want);
}

TEST_CASE("cpio: for_each stops when the visitor returns false", "[cpio]") {
  Archive a = build(kTree);
  Copy c(a.bytes);
  int calls = 0;
  auto r = c.ar.for_each([&](const CpioFile& f) {
    ++calls;
    return str(f) != "etc";
  });
  CHECK(r.ok());
  CHECK(calls == 4);
}

TEST_CASE("cpio: an empty archive has no entries", "[cpio]") {
  CpioArchive ar;
  CHECK(names(ar).empty());
  auto r = ar.for_each([](const CpioFile&) { return true; });
  CHECK(r.ok());
  CHECK(ar.find("bin/sh").error() == Error::NoEnt);

  // A trailer alone is a valid archive with no entries too.
  Archive a = build({});
  Copy c(a.bytes);
  Result<void> res = Error::Io;
  CHECK(names(c.ar, &res).empty());
  CHECK(res.ok());
}

TEST_CASE("cpio: names of length 1..8 and data of length 0..5 pad correctly", "[cpio]") {
  // 110 + namesize reaches every residue mod 4, and so does the data length:
  // every combination of name and data padding, in sequence.
  std::vector<Entry> entries;
  for (size_t n = 1; n <= 8; ++n)
    for (size_t d = 0; d <= 5; ++d) {
      std::string name(n, char('a' + d));
      if (n > 1) name[0] = char('0' + n);  // unique: "a".."f", "2a".."2f", ...
      std::string content;
      for (size_t k = 0; k < d; ++k) content.push_back(char('A' + (n + k) % 26));
      entries.push_back({name, content});
    }
  Archive a = build(entries);
  Copy c(a.bytes);
  for (const Entry& e : entries) {
    INFO("name " << e.name << ", " << e.data.size() << " data bytes");
    auto r = c.ar.find(e.name.c_str());
    REQUIRE(r.ok());
    CHECK(str(r.value()) == e.name);
    CHECK(data(r.value()) == e.data);
    CHECK(r.value().size == e.data.size());
  }
  Result<void> res = Error::Io;
  CHECK(names(c.ar, &res).size() == entries.size());
  CHECK(res.ok());
}

TEST_CASE("cpio: zero-size files", "[cpio]") {
  Archive a = build({{"a", ""}, {"bb", ""}, {"ccc", "x"}, {"dddd", ""}});
  Copy c(a.bytes);
  for (const char* q : {"a", "bb", "dddd"}) {
    auto r = c.ar.find(q);
    REQUIRE(r.ok());
    CHECK(r.value().size == 0);
    CHECK(r.value().is_reg());
  }
  CHECK(data(c.ar.find("ccc").value()) == "x");
}

TEST_CASE("cpio: hex fields may be lower or upper case", "[cpio]") {
  std::vector<u8> b;
  put_entry(b, "lower", "abcdefghijklmnopq", 0100644, /*lower_hex=*/true);
  put_entry(b, "TRAILER!!!", "", 0);
  Copy c(b);
  auto r = c.ar.find("lower");
  REQUIRE(r.ok());
  CHECK(r.value().size == 17);  // 0x11
}

TEST_CASE("cpio: the archive needs no alignment", "[cpio]") {
  Archive a = build(kTree);
  std::unique_ptr<u8[]> mem(new u8[a.bytes.size() + 1]);
  std::memcpy(mem.get() + 1, a.bytes.data(), a.bytes.size());
  CpioArchive ar(mem.get() + 1, a.bytes.size());
  auto r = ar.find("etc/motd");
  REQUIRE(r.ok());
  CHECK(data(r.value()) == "hello\n");
}

TEST_CASE("cpio: every truncation before the trailer's name ends is Inval", "[cpio]") {
  // Cuts in headers, names, padding and data alike; ASan checks that none of
  // them reads past the cut.
  Archive a = build(kTree);
  for (size_t len = 1; len < a.min_size; ++len) {
    INFO("truncated to " << len << " of " << a.min_size);
    Copy c(a.bytes, len);
    CHECK(for_each_error(c.ar) == Error::Inval);
    CHECK(c.ar.find("nope").error() == Error::Inval);
  }
  for (size_t len = a.min_size; len <= a.bytes.size(); ++len) {
    Copy c(a.bytes, len);
    CHECK(c.ar.for_each([](const CpioFile&) { return true; }).ok());
  }
}

TEST_CASE("cpio: truncated data", "[cpio]") {
  // The last entry says 1000 bytes; only 10 of them are there.
  std::vector<u8> b;
  put_entry(b, "first", "1", 0100644);
  size_t big = b.size();
  put_entry(b, "big", std::string(1000, 'b'), 0100644);
  b.resize(big + kHeader + 4 + 10);
  Copy c(b);
  CHECK(c.ar.find("first").ok());  // found before the fault
  CHECK(c.ar.find("big").error() == Error::Inval);
  CHECK(for_each_error(c.ar) == Error::Inval);
}

TEST_CASE("cpio: truncated header", "[cpio]") {
  std::vector<u8> b;
  put_entry(b, "first", "1", 0100644);
  size_t second = b.size();
  put_entry(b, "second", "2", 0100644);
  b.resize(second + kHeader - 1);
  Copy c(b);
  CHECK(c.ar.find("first").ok());
  CHECK(c.ar.find("second").error() == Error::Inval);
  CHECK(for_each_error(c.ar) == Error::Inval);
}

TEST_CASE("cpio: bad magic is Inval", "[cpio]") {
  for (const char* magic : {"070702", "070707", "070700", "170701", "\0\0\0\0\0\0"}) {
    INFO("magic " << magic);
    Archive a = build(kTree);
    std::memcpy(a.bytes.data() + a.entry_offsets[3], magic, 6);
    Copy c(a.bytes);
    CHECK(c.ar.find("bin").ok());  // before the bad entry
    CHECK(c.ar.find("etc/motd").error() == Error::Inval);
    CHECK(for_each_error(c.ar) == Error::Inval);
  }
}

TEST_CASE("cpio: a non-hex digit in any field is Inval", "[cpio]") {
  Archive a = build(kTree);
  for (unsigned field = 0; field < 13; ++field)
    for (char bad : {'g', 'G', ' ', '\0', 'x', '-'}) {
      INFO("field " << field << ", char " << int(bad));
      std::vector<u8> b = a.bytes;
      b[a.entry_offsets[2] + field_off(field) + 7] = u8(bad);
      Copy c(b);
      CHECK(c.ar.find("bin").ok());
      CHECK(c.ar.find("etc").error() == Error::Inval);
      CHECK(for_each_error(c.ar) == Error::Inval);
    }
}

TEST_CASE("cpio: a missing trailer is Inval", "[cpio]") {
  Archive a = build(kTree, /*trailer=*/false);
  Copy c(a.bytes);
  Result<void> r;
  std::vector<std::string> got = names(c.ar, &r);
  REQUIRE_FALSE(r.ok());
  CHECK(r.error() == Error::Inval);
  CHECK(got.size() == kTree.size());  // the entries before the fault were visited
  CHECK(c.ar.find("etc/link").ok());
  CHECK(c.ar.find("nope").error() == Error::Inval);

  // Zero padding where the trailer should be is no trailer either.
  std::vector<u8> b = a.bytes;
  b.resize(b.size() + 512, 0);
  Copy d(b);
  CHECK(for_each_error(d.ar) == Error::Inval);
}

TEST_CASE("cpio: bad name sizes are Inval", "[cpio]") {
  Archive a = build(kTree);
  size_t e = a.entry_offsets[4];  // "etc/motd", namesize 9
  SECTION("namesize 0") { set_field(a.bytes, e, kNameSizeField, "00000000"); }
  SECTION("name not NUL-terminated") { set_field(a.bytes, e, kNameSizeField, "00000008"); }
  SECTION("namesize past the end") { set_field(a.bytes, e, kNameSizeField, "FFFFFFFF"); }
  Copy c(a.bytes);
  CHECK(c.ar.find("etc/motd").error() == Error::Inval);
  CHECK(for_each_error(c.ar) == Error::Inval);
}

TEST_CASE("cpio: an empty name is Inval", "[cpio]") {
  // Well formed otherwise (namesize 1, just the NUL); cpio never writes it.
  std::vector<u8> b;
  put_entry(b, "ok", "1", 0100644);
  put_entry(b, "", "x", 0100644);
  put_entry(b, "TRAILER!!!", "", 0);
  Copy c(b);
  CHECK(c.ar.find("ok").ok());
  CHECK(c.ar.find("x").error() == Error::Inval);
  CHECK(for_each_error(c.ar) == Error::Inval);
}

TEST_CASE("cpio: file sizes past the end are Inval", "[cpio]") {
  Archive a = build(kTree);
  size_t e = a.entry_offsets[6];  // "bin/init"
  for (const char* size : {"FFFFFFFF", "7FFFFFFF", "00100000"}) {
    INFO("filesize " << size);
    std::vector<u8> b = a.bytes;
    set_field(b, e, kFileSizeField, size);
    Copy c(b);
    CHECK(c.ar.find("empty").ok());
    CHECK(c.ar.find("bin/init").error() == Error::Inval);
    CHECK(for_each_error(c.ar) == Error::Inval);
  }
  // A size that lands inside the archive but off the next header.
  std::vector<u8> b = a.bytes;
  set_field(b, e, kFileSizeField, "00000004");
  Copy c(b);
  CHECK(c.ar.find("bin/init").ok());
  CHECK(c.ar.find("etc/link").error() == Error::Inval);
}

TEST_CASE("cpio: mode is passed through as stored", "[cpio]") {
  Archive a = build(kTree);
  set_field(a.bytes, a.entry_offsets[5], kModeField, "000089ED");
  Copy c(a.bytes);
  CHECK(c.ar.find("empty").value().mode == 0104755);  // setuid kept
}

TEST_CASE("cpio: find(nullptr) is Inval", "[cpio]") {
  Archive a = build(kTree);
  Copy c(a.bytes);
  CHECK(c.ar.find(nullptr).error() == Error::Inval);
}

TEST_CASE("cpio: a name padded with NULs (page-aligned data) ends at its first NUL", "[cpio]") {
  // As scripts/mkinitrd.py and gen_init_cpio -a write it: namesize counts the
  // padding, so the data starts where the writer wanted.
  std::vector<u8> b;
  const std::string name = "bin/prog";
  const size_t namesize = 4096 - kHeader;  // data at offset 4096
  char hdr[kHeader + 1];
  std::snprintf(hdr, sizeof hdr, "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", 1u,
                0100755u, 0u, 0u, 1u, 0u, 5u, 0u, 0u, 0u, 0u, unsigned(namesize), 0u);
  b.insert(b.end(), hdr, hdr + kHeader);
  b.insert(b.end(), name.begin(), name.end());
  b.resize(b.size() + namesize - name.size(), 0);
  REQUIRE(b.size() == 4096);
  for (char c : std::string("hello")) b.push_back(u8(c));
  pad4(b);
  put_entry(b, "bin/next", "x", 0100644);
  put_entry(b, "TRAILER!!!", "", 0);
  Copy c(b);
  auto f = c.ar.find("bin/prog");
  REQUIRE(f.ok());
  CHECK(str(f.value()) == "bin/prog");
  CHECK(f.value().data == c.mem.get() + 4096);
  CHECK(data(f.value()) == "hello");
  CHECK(names(c.ar) == std::vector<std::string>{"bin/prog", "bin/next"});
}
