// The kernel's lock order, in one place. A thread may take a lock only if
// every lock it already holds has a lower rank; debug builds check this on
// every acquisition and panic naming both locks (core/lockdebug.cpp).
//
//   smp_call             serialises smp_call_all, whose function may lock
//   proc_lock            the process tree, pid table (sleeping mutex)
//   p_lock               one process's state (sleeping mutex)
//   test locks           ktests' own mutexes and spin locks
//   sleep queue locks    a condition variable's waiters (spin)
//   mutex queue locks    a mutex's waiters (spin; cv wait releases a mutex
//                        while holding its sleep queue lock)
//   callout lock         one hart's timer list (spin, irq off; a timed
//                        sleep arms its alarm under the sleep queue lock)
//   run queue locks      one hart's run queue (spin, irq off)
//   kernel map lock      changes to the shared kernel page table (spin)
//   kernel stacks        the free-stack list (spin, a leaf)
//   heap size classes    one class's slabs (spin, irq off; never nested)
//   page cache, buddy    a hart's page cache, then the buddy lists
//   console              a leaf (spin)
#pragma once

namespace tine {

enum class LockRank : unsigned {
  Unranked = 0,  // not order-checked (locks no other lock nests inside)
  SmpCall = 5,
  ProcLock = 10,
  PLock = 20,
  TestOuter = 30,
  TestInner = 31,
  Test = 32,
  SleepQueue = 70,
  MutexQueue = 75,
  Callout = 78,
  RunQueue = 80,
  KernelMap = 85,
  KernelStacks = 86,
  HeapClass = 88,
  PageCache = 90,
  PageBuddy = 91,
  Console = 100,
};

}  // namespace tine
