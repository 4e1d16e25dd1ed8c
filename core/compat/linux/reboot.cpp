// reboot(2) (kernel/reboot.c): BusyBox's `poweroff -f`, `halt -f` and
// `reboot -f` end the machine through it. Linux's order: no privilege
// (root here, CAP_SYS_BOOT there) is EPERM, then the two magic numbers
// (EINVAL), then the command (EINVAL for one Linux does not know or this
// kernel cannot do). Tine cannot restart a machine or halt it without
// power: RESTART, RESTART2 and HALT power off too, as init's reboot does.
#include "core/compat/linux/linux.h"

#include "core/lib/console.h"
#include "core/proc/proc.h"
#include "core/sched/sched.h"
#include "core/vm/uaccess.h"
#include "hal/hal.h"

namespace tine {

namespace {
constexpr u32 kMagic1 = 0xfee1dead;
constexpr u32 kMagic2[] = {672274793, 85072278, 369367448, 537993216};
constexpr u32 kCmdRestart = 0x01234567, kCmdHalt = 0xcdef0123, kCmdCadOn = 0x89abcdef,
              kCmdCadOff = 0x00000000, kCmdPowerOff = 0x4321fedc, kCmdRestart2 = 0xa1b2c3d4;
}  // namespace

i64 linux_sys_reboot(const SyscallArgs& a) {
  {
    Proc* p = curproc();
    MutexGuard g(p->p_lock());
    if (!(p->p_cred->euid == kRootUid)) return errno_of(Error::Perm);
  }
  const u32 magic1 = u32(a.a[0]), magic2 = u32(a.a[1]), cmd = u32(a.a[2]);
  bool known = false;
  for (u32 m : kMagic2) known |= magic2 == m;
  if (magic1 != kMagic1 || !known) return errno_of(Error::Inval);
  const char* what;
  switch (cmd) {
    case kCmdCadOn:
    case kCmdCadOff:
      return 0;  // Ctrl-Alt-Del has no meaning on a serial console
    case kCmdPowerOff: what = "Power down"; break;
    case kCmdHalt: what = "System halted"; break;
    case kCmdRestart: what = "Restarting system"; break;
    case kCmdRestart2: {
      char arg[256];
      Result<size_t> s = copyinstr(arg, a.a[3], sizeof arg);
      if (!s.ok() && s.error() == Error::Fault) return errno_of(Error::Fault);
      what = "Restarting system";
      break;
    }
    default: return errno_of(Error::Inval);
  }
  kprintf("reboot: %s\n", what);
  hal::power_off(0);
}

}  // namespace tine
