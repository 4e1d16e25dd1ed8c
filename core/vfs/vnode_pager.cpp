// vnode_vm_object: see vnode_pager.h. A mapping's reference keeps the
// vnode, and so its pages, alive after unlink, as an open File does.
#include "core/vfs/vnode_pager.h"

namespace tine {

namespace {

Result<paddr_t> get_page(void* obj, u64 idx) {
  Vnode& vp = *static_cast<Vnode*>(obj);
  return vp.ops->getpage(vp, idx);
}

void hold(void* obj) { vnode_hold(static_cast<Vnode*>(obj)); }

// The last reference reclaims the vnode: the name cache and the file
// system's page array, whose locks rank above the VmSpace lock held here.
void release(void* obj) { vnode_release(static_cast<Vnode*>(obj)); }

const VmPagerOps kVnodePager = {.get_page = get_page, .hold = hold, .release = release};

}  // namespace

VmObject vnode_vm_object(Vnode& vp) {
  if (vp.type != VType::Reg || !vp.ops->getpage) return VmObject{};
  return VmObject{&kVnodePager, &vp};
}

}  // namespace tine
