// riscv_hwprobe(pairs, pair_count, cpusetsize, cpus, flags) (258), as
// Linux 6.12's arch/riscv/kernel/sys_hwprobe.c answers it: each pair's key
// is read and its value written; an unknown key becomes key -1, value 0.
// Tine's harts are all alike, so a value never depends on the CPU set,
// which is only checked: it must name an online hart (EINVAL), or be
// NULL with size 0 for "all". RISCV_HWPROBE_WHICH_CPUS (flags 1) keeps the
// harts of the set whose values match every pair given.
//
// What Tine reports: IMA, plus FD and C as AT_HWCAP has them; never V
// (Tine does not switch vector state, so user code may not use it), no
// Z* extension (Linux reports those it found in the ISA string; Tine does
// not parse it, and leaves senvcfg.CBZE clear, so Zicboz's block size is
// 0 as Linux's answer without Zicboz). Vendor, architecture and
// implementation ids read 0 (Linux's value on QEMU, whose CSRs are 0).
// Misaligned access speed: unknown (QEMU does it in hardware; Tine has not
// measured it, and does not emulate it).
#include "core/compat/linux/linux.h"

#include "core/vm/uaccess.h"
#include "hal/hal.h"
#include "hal/pmap.h"
#include "hal/user.h"

namespace tine {

namespace {
enum : i64 {
  kKeyMvendorid = 0,
  kKeyMarchid = 1,
  kKeyMimpid = 2,
  kKeyBaseBehavior = 3,
  kKeyImaExt0 = 4,
  kKeyCpuperf0 = 5,
  kKeyZicbozBlockSize = 6,
  kKeyHighestVirtAddress = 7,
  kKeyTimeCsrFreq = 8,
  kKeyMisalignedScalarPerf = 9,
};
constexpr u64 kBaseBehaviorIma = 1;
constexpr u64 kImaFd = 1 << 0, kImaC = 1 << 1;
constexpr u64 kMisalignedUnknown = 0;
constexpr u64 kWhichCpus = 1;
// Linux's cpumask_size() with NR_CPUS 512 (riscv64's defconfig): a longer
// set is read only this far.
constexpr u64 kCpumaskBytes = 64;

struct Pair {
  i64 key;
  u64 value;
};

u64 ima_ext0() {
  const u64 hw = hal::user_hwcap();
  auto has = [hw](char c) { return (hw >> (c - 'a')) & 1; };
  u64 v = 0;
  if (has('f') && has('d')) v |= kImaFd;
  if (has('c')) v |= kImaC;
  return v;
}

// hwprobe_one_pair: false for a key Tine does not know.
bool answer(i64 key, u64& value) {
  switch (key) {
    case kKeyMvendorid:
    case kKeyMarchid:
    case kKeyMimpid:
      value = 0;
      return true;
    case kKeyBaseBehavior:
      value = kBaseBehaviorIma;
      return true;
    case kKeyImaExt0:
      value = ima_ext0();
      return true;
    case kKeyCpuperf0:
    case kKeyMisalignedScalarPerf:
      value = kMisalignedUnknown;
      return true;
    case kKeyZicbozBlockSize:
      value = 0;
      return true;
    case kKeyHighestVirtAddress:
      value = hal::kUserVaTop;  // Linux: TASK_SIZE, the same on Sv39
      return true;
    case kKeyTimeCsrFreq:
      value = hal::time_counter_hz();
      return true;
    default:
      return false;
  }
}

// The online harts in a user CPU set (at most kCpumaskBytes of it).
Result<u64> read_cpus(uptr user, u64 size) {
  u8 mask[kCpumaskBytes] = {};
  size = min(size, kCpumaskBytes);
  TRY(copyin(mask, user, size_t(size)));
  u64 online = 0;
  for (unsigned c = 0; c < hal::online_cpus(); c++)
    if (mask[c / 8] & (1u << (c % 8))) online |= u64(1) << c;
  return online;
}

i64 get_values(uptr pairs, u64 count, u64 setsize, uptr cpus) {
  if (setsize || cpus) {
    Result<u64> online = read_cpus(cpus, setsize);
    if (!online.ok()) return errno_of(online.error());
    if (!online.value()) return errno_of(Error::Inval);
  }
  for (u64 i = 0; i < count; i++) {
    const uptr at = pairs + i * sizeof(Pair);
    Pair p{};
    if (Result<void> r = copyin(&p.key, at, sizeof p.key); !r.ok()) return errno_of(r.error());
    if (!answer(p.key, p.value)) p = {-1, 0};
    if (Result<void> r = copyout(at, &p, sizeof p); !r.ok()) return errno_of(r.error());
  }
  return 0;
}

// hwprobe_get_cpus: every hart answers alike, so the set keeps all its
// online harts when each pair matches Tine's answer, and none otherwise
// (also none once a key is unknown; that key is written back as -1).
i64 which_cpus(uptr pairs, u64 count, u64 setsize, uptr cpus) {
  if (!setsize || !cpus) return errno_of(Error::Inval);
  const u64 all = hal::online_cpus() >= 64 ? ~u64(0) : (u64(1) << hal::online_cpus()) - 1;
  Result<u64> set = read_cpus(cpus, setsize);
  if (!set.ok()) return errno_of(set.error());
  u8 raw[kCpumaskBytes] = {};
  setsize = min(setsize, kCpumaskBytes);
  if (Result<void> r = copyin(raw, cpus, size_t(setsize)); !r.ok()) return errno_of(r.error());
  bool empty = true;
  for (u64 i = 0; i < setsize; i++) empty = empty && raw[i] == 0;
  u64 keep = empty ? all : set.value();
  bool clear_all = false;
  for (u64 i = 0; i < count; i++) {
    const uptr at = pairs + i * sizeof(Pair);
    Pair p;
    if (Result<void> r = copyin(&p, at, sizeof p); !r.ok()) return errno_of(r.error());
    u64 mine = 0;
    if (!answer(p.key, mine)) {
      clear_all = true;
      const Pair unknown{-1, 0};
      if (Result<void> r = copyout(at, &unknown, sizeof unknown); !r.ok())
        return errno_of(r.error());
    }
    if (clear_all) continue;
    // riscv_hwprobe_pair_cmp: the bitmask keys match when Tine has all the
    // bits asked for, the others by value.
    const bool bitmask =
        p.key == kKeyBaseBehavior || p.key == kKeyImaExt0 || p.key == kKeyCpuperf0;
    const bool match = bitmask ? (mine & p.value) == p.value : mine == p.value;
    if (!match) keep = 0;
  }
  if (clear_all) keep = 0;
  u8 out[kCpumaskBytes] = {};
  for (unsigned c = 0; c < 64; c++)
    if (keep & (u64(1) << c)) out[c / 8] |= u8(1u << (c % 8));
  return syscall_result(copyout(cpus, out, size_t(setsize)));
}
}  // namespace

i64 linux_sys_riscv_hwprobe(const SyscallArgs& a) {
  const uptr pairs = a.a[0], cpus = a.a[3];
  const u64 count = a.a[1], setsize = a.a[2];
  const u32 flags = u32(a.a[4]);
  if (flags & kWhichCpus) {
    if (flags != kWhichCpus) return errno_of(Error::Inval);
    return which_cpus(pairs, count, setsize, cpus);
  }
  if (flags != 0) return errno_of(Error::Inval);
  return get_values(pairs, count, setsize, cpus);
}

}  // namespace tine
