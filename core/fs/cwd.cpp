#include "core/fs/cwd.h"

#include "core/vm/heap.h"
#include "core/lib/new.h"
#include "core/lib/string.h"

namespace tine {

Result<CwdInfo*> cwd_create() {
  void* m = kmalloc(sizeof(CwdInfo));
  if (!m) return Error::NoMem;
  return new (m) CwdInfo;
}

CwdInfo* cwdshare(CwdInfo* c) {
  c->refs.hold();
  return c;
}

Result<CwdInfo*> cwdinit(const CwdInfo* c) {
  CwdInfo* n = TRY(cwd_create());
  memcpy(n->path, c->path, sizeof n->path);
  return n;
}

void cwd_release(CwdInfo* c) {
  if (c->refs.release()) {
    c->~CwdInfo();
    kfree(c);
  }
}

}  // namespace tine
