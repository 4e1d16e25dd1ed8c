// C++20's synchronisation: std::jthread with stop_token, std::latch,
// std::barrier with a completion function, std::counting_semaphore,
// std::atomic wait/notify, std::shared_mutex, std::call_once.
// GCC 12 warns inside libstdc++'s jthread constructor (a false positive).
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <atomic>
#include <barrier>
#include <cstdio>
#include <latch>
#include <mutex>
#include <semaphore>
#include <shared_mutex>
#include <stop_token>
#include <thread>
#include <vector>

int main() {
  std::atomic<long> spins{0};
  {
    std::jthread j([&](std::stop_token st) {
      while (!st.stop_requested()) {
        spins++;
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    });
    while (spins < 3) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }  // request_stop and join
  std::printf("jthread stopped after spinning: %d\n", spins.load() >= 3);

  std::latch ready(4);
  std::atomic<int> arrived{0};
  std::vector<std::jthread> ts;
  for (int i = 0; i < 4; i++) ts.emplace_back([&] {
    arrived++;
    ready.count_down();
  });
  ready.wait();
  std::printf("latch: all %d arrived\n", arrived.load());
  ts.clear();

  int phases = 0;
  std::barrier sync(3, [&]() noexcept { phases++; });
  for (int i = 0; i < 3; i++) ts.emplace_back([&] {
    for (int p = 0; p < 10; p++) sync.arrive_and_wait();
  });
  ts.clear();
  std::printf("barrier: %d phases completed\n", phases);

  std::counting_semaphore<4> slots(2);
  std::atomic<int> inside{0}, most{0};
  for (int i = 0; i < 6; i++) ts.emplace_back([&] {
    for (int k = 0; k < 50; k++) {
      slots.acquire();
      int now = ++inside;
      int m = most.load();
      while (now > m && !most.compare_exchange_weak(m, now)) {
      }
      std::this_thread::yield();
      --inside;
      slots.release();
    }
  });
  ts.clear();
  std::printf("semaphore of 2: never more than 2 inside %d\n", most.load() <= 2);

  std::atomic<int> flag{0};
  std::jthread waiter([&] {
    flag.wait(0);
    flag.store(2);
    flag.notify_one();
  });
  flag.store(1);
  flag.notify_one();
  flag.wait(1);
  waiter.join();
  std::printf("atomic wait/notify: %d\n", flag.load());

  std::shared_mutex sm;
  long shared_value = 0, bad = 0;
  for (int i = 0; i < 4; i++) ts.emplace_back([&, i] {
    for (int k = 0; k < 2000; k++) {
      if (i == 0) {
        std::unique_lock g(sm);
        shared_value++;
        shared_value++;
      } else {
        std::shared_lock g(sm);
        if (shared_value % 2) bad++;
      }
    }
  });
  ts.clear();
  std::printf("shared_mutex: value %ld, torn reads %ld\n", shared_value, bad);

  std::once_flag of;
  std::atomic<int> calls{0};
  for (int i = 0; i < 8; i++) ts.emplace_back([&] { std::call_once(of, [&] { calls++; }); });
  ts.clear();
  std::printf("call_once: %d call\n", calls.load());
  return 0;
}
