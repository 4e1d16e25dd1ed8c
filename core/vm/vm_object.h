// VmObject: memory whose pages belong to something else, a file's page
// cache (NetBSD's uvm_object with its pager operations, reduced to what a
// mapping needs). core/vm knows no vnode: the VFS hands it a VmObject
// (core/vfs/vnode_pager.h) and the VM layer reaches the pages only through
// these operations.
//
// A file mapping's entry holds one reference to the object (hold/release)
// and, in its VmAnon's slots, one page reference for each page it has
// faulted in (vm_anon.h): a page the file drops (truncate, unlink of the
// last name) stays alive while a mapping holds it. Tine has no reverse map,
// so a truncate does not take pages out of the mappings that already hold
// them: those keep reading the old bytes (Linux unmaps them, and the next
// touch past the new end is SIGBUS); a page first touched after the
// truncate, at or past the new end, is SIGBUS as on Linux.
#pragma once

#include "core/lib/result.h"
#include "core/lib/types.h"

namespace tine {

struct VmPagerOps {
  // The object's page at index idx, referenced once more for the caller
  // (page allocator refcount); a hole inside the object gets its page first,
  // so every mapping and read/write share one page. Error::Range when idx
  // lies at or past the object's end (the fault becomes SIGBUS); NoMem or
  // NoSpc when there is no memory for the hole's page. Called with the
  // VmSpace lock held (LockRank::VmMap): it may take only locks ranked
  // above it (a vnode's lock, the page allocator).
  Result<paddr_t> (*get_page)(void* obj, u64 idx);
  void (*hold)(void* obj);
  // May be the last reference (the object is then freed); called with the
  // VmSpace lock held, under the same rule as get_page.
  void (*release)(void* obj);
};

// A borrowed view of an object: whoever stores it holds a reference.
struct VmObject {
  const VmPagerOps* ops = nullptr;
  void* obj = nullptr;

  explicit operator bool() const { return ops != nullptr; }
  void hold() const { ops->hold(obj); }
  void release() const { ops->release(obj); }
  Result<paddr_t> get_page(u64 idx) const { return ops->get_page(obj, idx); }
};

}  // namespace tine
