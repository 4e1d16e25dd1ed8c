// The kernel's lock order, in one place. A thread may take a lock only if
// every lock it already holds has a lower rank; debug builds check this on
// every acquisition and panic naming both locks (core/sync/lockdebug.cpp).
//
//   smp_call             serialises smp_call_all, whose function may lock
//   proc_lock            the process tree, pid table (sleeping mutex)
//   p_lock               one process's state (sleeping mutex)
//   futex buckets        one hash chain of futex waiters (spin; taken
//                        alone, or two in address order; the waiter reads
//                        its user word under it, and that read may fault
//                        the page in through vm_fault_from_kernel, so it
//                        ranks below vm map and vm anon)
//   file table           a FileTable's slots (sleeping mutex; never held
//                        while a File is closed or read: Files are taken
//                        out under it and released after)
//   file offset          one File's offset, held across the copyout of a
//                        read (so user page faults nest inside it)
//   mount table          the mounts (core/vfs/mount.cpp; sleeping mutex)
//   vnode io             serialises writes and truncation of one vnode
//                        (held across copyin, as Linux's i_rwsem)
//   tmpfs                one tmpfs's directory trees (held across a
//                        readdir under the file offset, never across a
//                        user copy)
//   epoll                every epoll interest list (core/fs/file_epoll.cpp);
//                        a watched File's poll runs under it
//   tty                  the console tty's line discipline (sleeping
//                        mutex; under proc_lock in its ioctls)
//   record locks         every file's POSIX record locks (core/vfs/lockf.h;
//                        taken alone, never across a user copy)
//   mqueue names         the POSIX message queue names, limits and per-user
//                        charges (core/ipc/mqueue_names.h; taken alone)
//   pipe                 one pipe's ring, held across copyin/copyout
//   eventfd, timerfd,    one file's own state; never nested in one another
//   socket, mqueue       (the same rank as pipe; a message queue's lock is
//                        never held across a user copy)
//   console input        serialises console readers (held across sleeps)
//   vm map               one address space (VmSpace, sleeping mutex); user
//                        page faults take it, also inside copyin/copyout,
//                        so it ranks above every lock held across those
//   vm anon              an anonymous memory object's page slots (spin,
//                        under vm map; a shared object spans spaces)
//   test locks           ktests' own mutexes and spin locks
//   uid counts, fork hooks  small tables (spin, leaves)
//   vnode                one vnode's attributes and page array (taken by
//                        directory ops under tmpfs; never across a user
//                        copy, so a fault on a file page may take it)
//   name cache           the VFS name cache (a leaf)
//   timers               armed timers and their expiry queue (spin, irq
//                        off; taken in the timer interrupt, arms callouts)
//   tty rx               bytes from the UART interrupt (spin, irq off)
//   sleep intr           one LWP's interruptible-sleep registration (spin;
//                        psignal holds it while it wakes the sleep queue)
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
  TimerTable = 15,  // a process's timer table (core/proc/itimer.cpp)
  PLock = 20,
  Futex = 25,  // a futex hash bucket (core/proc/futex.cpp)
  // Files (core/fs/filedesc.h, core/fs/file.h). Copyin/copyout run under the
  // three below, so whatever a user page fault takes must rank above 49.
  FileTable = 40,
  FileOffset = 41,
  Mounts = 42,
  VnodeIo = 43,
  Tmpfs = 44,
  Epoll = 45,  // core/fs/file_epoll.cpp
  Tty = 46,  // the console tty's line discipline (core/tty/tty.h)
  RecordLocks = 47,
  MQueueNames = 47,  // core/ipc/mqueue_names.cpp (taken alone)
  Pipe = 48,
  EventFd = 48,  // core/fs/file_eventfd.cpp
  TimerFd = 48,  // core/fs/file_timerfd.cpp
  MQueue = 48,   // one message queue (core/ipc/mqueue.h)
  ConsoleInput = 49,
  // Address spaces (core/vm/vm.h, core/vm/vm_anon.h).
  VmMap = 50,
  VmAnon = 51,
  TestOuter = 30,
  TestInner = 31,
  Test = 32,
  UidCount = 52,
  Poll = 53,  // poll's wait channel: taken under a pipe's lock (poll_wakeup)
  Vnode = 54,
  NameCache = 55,
  Timers = 60,
  TtyRx = 62,  // bytes the UART interrupt received (spin, irq off)
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
