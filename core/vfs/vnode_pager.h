// A vnode as a VM object (NetBSD's uvn pager, reduced): mmap of a file and
// exec map a regular file's page-cache pages through this (core/vm/vm_object.h).
#pragma once

#include "core/vfs/vnode.h"
#include "core/vm/vm_object.h"

namespace tine {

// vp as an object a mapping can hold (the mapping takes its own vnode
// reference), or an empty VmObject when vp's file system cannot map it
// (no getpage op: mmap's ENODEV).
VmObject vnode_vm_object(Vnode& vp);

}  // namespace tine
