#include "core/vfs/vfs_boot.h"

#include "core/lib/console.h"
#include "core/lib/assert.h"
#include "core/vfs/initrd_seed.h"
#include "core/vfs/mount.h"
#include "core/vfs/namei.h"
#include "core/vfs/tmpfs/tmpfs.h"

namespace tine {

void vfs_boot_mkdir(const char* path, u32 mode) {
  Nameidata nd;
  Result<void> r = namei(nullptr, path, kNameiParent, nd);
  if (r.ok() && !nd.vp && nd.dvp) r = nd.dvp->ops->mkdir(*nd.dvp, nd.last, VCreate{.mode = mode});
  if (!r.ok()) kprintf("vfs: cannot make %s: %s\n", path, error_name(r.error()));
}

void vfs_boot(const void* builtin, size_t builtin_size, const void* loader, size_t loader_size) {
  Result<void> r = vfs_mount_root(&kTmpfsType);
  if (!r.ok()) panic("cannot mount the root tmpfs: %s", error_name(r.error()));
  r = vfs_seed_cpio(builtin, builtin_size);
  if (!r.ok()) kprintf("vfs: the built-in initrd: %s\n", error_name(r.error()));
  if (loader && loader_size) {
    r = vfs_seed_cpio(loader, loader_size);
    if (!r.ok()) kprintf("vfs: the loader's initrd: %s\n", error_name(r.error()));
  }
  vfs_boot_mkdir("/dev", 0755);
  vfs_boot_mkdir("/proc", 0555);
  vfs_boot_mkdir("/tmp", 01777);
}

}  // namespace tine
