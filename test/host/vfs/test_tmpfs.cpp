// tmpfs through its VnodeOps: files and their pages, directories, link
// counts, hard links, rename's cases, rmdir, readdir, and freeing.
#include <catch2/catch.hpp>

#include <map>
#include <string>
#include <vector>

#include "core/vfs/namecache.h"
#include "core/vm/vm_page.h"
#include "test/host/vfs/vfs_test_util.h"

using namespace tine;
using namespace tine::test;

namespace {

VnodeRef must_lookup(const char* path, int flags = kNameiFollow) {
  Result<Vnode*> r = lookup(path, flags);
  REQUIRE(r.ok());
  return VnodeRef(r.value());
}

VAttr attr(const char* path) {
  VnodeRef vp = must_lookup(path, 0);
  VAttr va;
  vnode_getattr(*vp, va);
  return va;
}

struct Entry {
  u64 ino;
  VType type;
};

bool collect(void* ctx, const char* name, size_t len, u64 ino, VType type, u64) {
  (*static_cast<std::map<std::string, Entry>*>(ctx))[std::string(name, len)] = {ino, type};
  return true;
}

std::map<std::string, Entry> list_dir(const char* path) {
  VnodeRef d = must_lookup(path);
  std::map<std::string, Entry> out;
  REQUIRE(d->ops->readdir(*d, 0, collect, &out).ok());
  return out;
}

Error rename(const char* from_dir, const char* from, const char* to_dir, const char* to,
             u32 flags = 0) {
  VnodeRef f = must_lookup(from_dir), t = must_lookup(to_dir);
  Result<void> r = f->ops->rename(*f, from, *t, to, flags);
  // As the VFS does after a rename (the ops leave the name cache alone).
  namecache_purge_name(f.get(), from);
  namecache_purge_name(t.get(), to);
  return r.ok() ? Error{} : r.error();
}

Error rmdir(const char* dir, const char* name) {
  VnodeRef d = must_lookup(dir);
  Result<void> r = d->ops->rmdir(*d, name);
  namecache_purge_name(d.get(), name);
  return r.ok() ? Error{} : r.error();
}

Error unlink(const char* dir, const char* name) {
  VnodeRef d = must_lookup(dir);
  Result<void> r = d->ops->unlink(*d, name);
  namecache_purge_name(d.get(), name);
  return r.ok() ? Error{} : r.error();
}

}  // namespace

TEST_CASE("tmpfs files read back what was written, at any offset", "[vfs][tmpfs]") {
  TmpRoot root;
  make_file("/f");
  VnodeRef f = must_lookup("/f");
  std::string big(3 * kPageSize + 123, '\0');
  for (size_t i = 0; i < big.size(); i++) big[i] = char('a' + i % 26);
  Result<size_t> w = f->ops->write(*f, 0, VIo{uptr(big.data()), false}, big.size());
  REQUIRE(w.ok());
  CHECK(w.value() == big.size());
  CHECK(read_all(f.get()) == big);
  CHECK(attr("/f").size == i64(big.size()));
  CHECK(attr("/f").blocks == 4 * (kPageSize / 512));

  // A write past the end leaves a hole of zeros.
  const u64 far = 10 * kPageSize + 5;
  REQUIRE(f->ops->write(*f, far, VIo{uptr("xyz"), false}, 3).ok());
  std::string all = read_all(f.get());
  REQUIRE(all.size() == far + 3);
  CHECK(all.substr(big.size(), far - big.size()) == std::string(far - big.size(), '\0'));
  CHECK(all.substr(far) == "xyz");
  CHECK(attr("/f").blocks == 5 * (kPageSize / 512));  // the hole holds no pages

  // Reads at and past the end.
  char c;
  CHECK(f->ops->read(*f, far + 3, VIo{uptr(&c), false}, 1).value() == 0);
  CHECK(f->ops->read(*f, far + 100, VIo{uptr(&c), false}, 1).value() == 0);

  // Truncate down zeroes the tail; growing again shows zeros, not old data.
  REQUIRE(f->ops->truncate(*f, 10).ok());
  CHECK(read_all(f.get()) == big.substr(0, 10));
  REQUIRE(f->ops->truncate(*f, 20).ok());
  CHECK(read_all(f.get()) == big.substr(0, 10) + std::string(10, '\0'));
  CHECK(attr("/f").blocks == kPageSize / 512);
  REQUIRE(f->ops->truncate(*f, 0).ok());
  CHECK(read_all(f.get()).empty());
}

TEST_CASE("tmpfs directories count links and list entries", "[vfs][tmpfs]") {
  TmpRoot root;
  mkdir_p("/d");
  CHECK(attr("/d").nlink == 2);
  const u32 root_links = attr("/").nlink;
  mkdir_p("/d/sub1");
  mkdir_p("/d/sub2");
  make_file("/d/file");
  make_symlink("/d/lnk", "file");
  CHECK(attr("/d").nlink == 4);
  CHECK(attr("/").nlink == root_links);
  CHECK(attr("/d/lnk").type == VType::Lnk);
  CHECK(attr("/d/lnk").size == 4);

  auto entries = list_dir("/d");
  CHECK(entries.size() == 6);
  CHECK(entries["."].ino == ino_of("/d"));
  CHECK(entries[".."].ino == ino_of("/"));
  CHECK(entries["sub1"].type == VType::Dir);
  CHECK(entries["file"].type == VType::Reg);
  CHECK(entries["lnk"].type == VType::Lnk);
  CHECK(entries["file"].ino == ino_of("/d/file"));

  // rmdir: only empty directories, only directories.
  make_file("/d/sub1/x");
  CHECK(rmdir("/d", "sub1") == Error::NotEmpty);
  CHECK(rmdir("/d", "file") == Error::NotDir);
  CHECK(rmdir("/d", "nope") == Error::NoEnt);
  CHECK(unlink("/d", "sub1") == Error::IsDir);
  CHECK(unlink("/d/sub1", "x") == Error{});
  CHECK(rmdir("/d", "sub1") == Error{});
  CHECK(attr("/d").nlink == 3);
  CHECK(lookup_error("/d/sub1") == Error::NoEnt);
}

TEST_CASE("tmpfs readdir resumes at a cookie even after removals", "[vfs][tmpfs]") {
  TmpRoot root;
  mkdir_p("/d");
  for (int i = 0; i < 10; i++) make_file(("/d/f" + std::to_string(i)).c_str());
  VnodeRef d = must_lookup("/d");
  struct Ctx {
    std::vector<std::string> names;
    u64 next = 0;
    size_t max;
  } ctx{{}, 0, 4};
  auto take = [](void* p, const char* name, size_t len, u64, VType, u64 next) {
    auto& c = *static_cast<Ctx*>(p);
    if (c.names.size() == c.max) return false;
    c.names.emplace_back(name, len);
    c.next = next;
    return true;
  };
  REQUIRE(d->ops->readdir(*d, 0, take, &ctx).ok());
  CHECK(ctx.names == std::vector<std::string>{".", "..", "f0", "f1"});
  REQUIRE(unlink("/d", "f1") == Error{});  // already read
  REQUIRE(unlink("/d", "f3") == Error{});  // not yet read
  ctx.max = 100;
  REQUIRE(d->ops->readdir(*d, ctx.next, take, &ctx).ok());
  CHECK(ctx.names == std::vector<std::string>{".", "..", "f0", "f1", "f2", "f4", "f5", "f6",
                                              "f7", "f8", "f9"});
}

TEST_CASE("tmpfs large directories: the name index follows adds, removes and renames",
          "[vfs][tmpfs]") {
  TmpRoot root;
  mkdir_p("/big");
  mkdir_p("/other");
  // Past the index's threshold and through several doublings.
  const int n = 300;
  for (int i = 0; i < n; i++) make_file(("/big/f" + std::to_string(i)).c_str());
  for (int i = 0; i < n; i++) CHECK(lookup_error(("/big/f" + std::to_string(i)).c_str()) == Error{});
  CHECK(lookup_error("/big/f300") == Error::NoEnt);
  CHECK(list_dir("/big").size() == size_t(n) + 2);
  // Remove every third, rename every fifth out and every seventh within.
  for (int i = 0; i < n; i += 3) CHECK(unlink("/big", ("f" + std::to_string(i)).c_str()) == Error{});
  for (int i = 1; i < n; i += 5) {
    if (i % 3 == 0) continue;
    CHECK(rename("/big", ("f" + std::to_string(i)).c_str(), "/other",
                 ("g" + std::to_string(i)).c_str()) == Error{});
  }
  for (int i = 2; i < n; i += 7) {
    if (i % 3 == 0 || i % 5 == 1) continue;
    CHECK(rename("/big", ("f" + std::to_string(i)).c_str(), "/big",
                 ("h" + std::to_string(i)).c_str()) == Error{});
  }
  size_t left = 0;
  for (int i = 0; i < n; i++) {
    const std::string f = "/big/f" + std::to_string(i), g = "/other/g" + std::to_string(i),
                      h = "/big/h" + std::to_string(i);
    const bool gone = i % 3 == 0, out = !gone && i % 5 == 1,
               in = !gone && !out && i % 7 == 2;
    CHECK(lookup_error(f.c_str()) == (gone || out || in ? Error::NoEnt : Error{}));
    CHECK(lookup_error(g.c_str()) == (out ? Error{} : Error::NoEnt));
    CHECK(lookup_error(h.c_str()) == (in ? Error{} : Error::NoEnt));
    if (!gone && !out) left++;
  }
  CHECK(list_dir("/big").size() == left + 2);
  // A name that was removed can be made again, once.
  make_file("/big/f0");
  CHECK(lookup_error("/big/f0") == Error{});
  VnodeRef d = must_lookup("/big");
  CHECK(!d->ops->create(*d, "f0", VCreate{.mode = 0644}).ok());
}

TEST_CASE("tmpfs hard links share one node until the last name goes", "[vfs][tmpfs]") {
  TmpRoot root;
  make_file("/a", "shared");
  VnodeRef a = must_lookup("/a");
  VnodeRef dir = must_lookup("/");
  REQUIRE(dir->ops->link(*dir, "b", *a).ok());
  CHECK(dir->ops->link(*dir, "b", *a).error() == Error::Exist);
  CHECK(attr("/a").nlink == 2);
  CHECK(ino_of("/b") == ino_of("/a"));
  REQUIRE(unlink("/", "a") == Error{});
  CHECK(attr("/b").nlink == 1);
  VnodeRef b = must_lookup("/b");
  CHECK(read_all(b.get()) == "shared");
  REQUIRE(unlink("/", "b") == Error{});
  // Still open (held): readable, nlink 0, and cannot be linked back.
  CHECK(read_all(a.get()) == "shared");
  VAttr va;
  vnode_getattr(*a, va);
  CHECK(va.nlink == 0);
  CHECK(dir->ops->link(*dir, "c", *a).error() == Error::NoEnt);
}

TEST_CASE("tmpfs rename: files, directories, replacement and refusals", "[vfs][tmpfs]") {
  TmpRoot root;
  mkdir_p("/x");
  mkdir_p("/y");
  make_file("/x/f", "f");
  make_file("/y/g", "g");
  const u64 f = ino_of("/x/f");

  CHECK(rename("/x", "f", "/y", "g", kRenameNoReplace) == Error::Exist);
  CHECK(rename("/x", "f", "/y", "g") == Error{});  // replaces g
  CHECK(ino_of("/y/g") == f);
  CHECK(lookup_error("/x/f") == Error::NoEnt);
  CHECK(rename("/x", "nope", "/y", "z") == Error::NoEnt);
  CHECK(rename("/y", "g", "/y", "g") == Error{});  // onto itself
  CHECK(ino_of("/y/g") == f);

  // Directories: moving changes both parents' link counts and "..".
  mkdir_p("/x/sub");
  make_file("/x/sub/inner", "i");
  CHECK(attr("/x").nlink == 3);
  CHECK(rename("/x", "sub", "/y", "moved") == Error{});
  CHECK(attr("/x").nlink == 2);
  CHECK(attr("/y").nlink == 3);
  CHECK(ino_of("/y/moved/..") == ino_of("/y"));
  CHECK(lookup_error("/y/moved/inner") == Error{});

  // Type mismatches, non-empty targets, moving into itself.
  mkdir_p("/y/emptydir");
  mkdir_p("/y/full");
  make_file("/y/full/z");
  CHECK(rename("/y", "g", "/y", "emptydir") == Error::IsDir);
  CHECK(rename("/y", "moved", "/y", "g") == Error::NotDir);
  CHECK(rename("/y", "moved", "/y", "full") == Error::NotEmpty);
  CHECK(rename("/y", "moved", "/y/moved", "deeper") == Error::Inval);
  CHECK(rename("/", "y", "/y/moved", "loop") == Error::Inval);
  CHECK(rename("/y", "moved", "/y", "emptydir") == Error{});  // replaces an empty dir
  CHECK(attr("/y").nlink == 4);  // 2, and the ".." of emptydir (the moved one) and full
  CHECK(lookup_error("/y/emptydir/inner") == Error{});
  CHECK(lookup_error("/y/moved") == Error::NoEnt);
}

TEST_CASE("tmpfs: a removed directory held open answers NoEnt", "[vfs][tmpfs]") {
  TmpRoot root;
  mkdir_p("/gone");
  VnodeRef d = must_lookup("/gone");
  REQUIRE(rmdir("/", "gone") == Error{});
  CHECK(d->ops->lookup(*d, "..").error() == Error::NoEnt);
  CHECK(d->ops->create(*d, "f", VCreate{.mode = 0644}).error() == Error::NoEnt);
  VAttr va;
  vnode_getattr(*d, va);
  CHECK(va.nlink == 0);
}

TEST_CASE("tmpfs frees every page and node on unmount", "[vfs][tmpfs]") {
  start_sched_machine();
  const size_t pages_before = vm_page_allocator().free_pages();
  {
    TmpRoot root;
    mkdir_p("/a");
    mkdir_p("/a/b");
    make_file("/a/b/f", std::string(5 * kPageSize, 'q'));
    make_symlink("/a/l", "b/f");
    VnodeRef f = must_lookup("/a/b/f");
    VnodeRef dir = must_lookup("/");
    REQUIRE(dir->ops->link(*dir, "hard", *f).ok());
  }
  CHECK(vm_page_allocator().free_pages() == pages_before);
}
