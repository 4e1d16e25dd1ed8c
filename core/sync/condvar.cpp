#include "core/sync/condvar.h"

namespace tine {

bool CondVar::wait_mutex(Mutex& m, u64 ns, SrcLoc where) {
  hal::IrqState s = hal::irq_save();
  q_.lock().lock(where.file, where.line);
  m.unlock(where.file, where.line);  // takes m's queue lock: ranked after ours
  bool timed_out = q_.block_locked(ns, where);
  hal::irq_restore(s);
  m.lock(where.file, where.line);
  return timed_out;
}

SleepEnd CondVar::wait_intr(Mutex& m, u64 ns, const char* file, int line) {
  hal::IrqState s = hal::irq_save();
  q_.lock().lock(file, line);
  m.unlock(file, line);
  SleepEnd w = q_.block_intr_locked(ns, {file, line});
  hal::irq_restore(s);
  m.lock(file, line);
  return w;
}

void CondVar::wait(Mutex& m, const char* file, int line) {
  (void)wait_mutex(m, 0, {file, line});
}

bool CondVar::timed_wait(Mutex& m, u64 ns, const char* file, int line) {
  KASSERT(ns > 0);
  return wait_mutex(m, ns, {file, line});
}

void CondVar::wait(SpinLock& interlock, const char* file, int line) {
  KASSERT(!hal::irq_enabled());
  q_.lock().lock(file, line);
  interlock.unlock();
  q_.block_locked(0, {file, line});
  interlock.lock(file, line);
}

void CondVar::signal() {
  IrqSpinGuard guard(q_.lock());
  q_.wake_one_locked();
}

void CondVar::broadcast() {
  IrqSpinGuard guard(q_.lock());
  q_.wake_all_locked();
}

}  // namespace tine
