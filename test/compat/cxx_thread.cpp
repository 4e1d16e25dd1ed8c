// std::thread, std::mutex, std::lock_guard/unique_lock and
// std::condition_variable: a work queue drained by 4 threads, a
// notify_all, wait_for's timeout, std::thread::id and hardware_concurrency
// being at least 1.
#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <numeric>
#include <queue>
#include <set>
#include <thread>
#include <vector>

int main() {
  std::mutex m;
  std::condition_variable cv;
  std::queue<int> work;
  bool done = false;
  std::vector<long> sums(4);
  std::vector<std::thread> pool;
  std::set<std::thread::id> ids;
  for (int t = 0; t < 4; t++)
    pool.emplace_back([&, t] {
      {
        std::lock_guard<std::mutex> g(m);
        ids.insert(std::this_thread::get_id());
      }
      for (;;) {
        std::unique_lock<std::mutex> lk(m);
        cv.wait(lk, [&] { return !work.empty() || done; });
        if (work.empty()) return;
        int v = work.front();
        work.pop();
        lk.unlock();
        sums[t] += v;
      }
    });
  for (int i = 1; i <= 10000; i++) {
    {
      std::lock_guard<std::mutex> g(m);
      work.push(i);
    }
    cv.notify_one();
  }
  {
    std::lock_guard<std::mutex> g(m);
    done = true;
  }
  cv.notify_all();
  for (auto& t : pool) t.join();
  std::printf("queue drained: sum %ld, 4 distinct ids %d, main not among them %d\n",
              std::accumulate(sums.begin(), sums.end(), 0L), ids.size() == 4,
              ids.count(std::this_thread::get_id()) == 0);
  std::unique_lock<std::mutex> lk(m);
  auto t0 = std::chrono::steady_clock::now();
  bool woke = cv.wait_for(lk, std::chrono::milliseconds(30), [] { return false; });
  auto waited = std::chrono::steady_clock::now() - t0;
  std::printf("wait_for timed out %d after at least 25 ms %d\n", !woke,
              waited >= std::chrono::milliseconds(25));
  lk.unlock();
  std::printf("hardware_concurrency at least 1: %d\n", std::thread::hardware_concurrency() >= 1);
  std::thread moved([] { std::this_thread::sleep_for(std::chrono::milliseconds(5)); });
  std::thread other = std::move(moved);
  std::printf("moved thread: old joinable %d new joinable %d\n", moved.joinable(), other.joinable());
  other.join();
  std::thread det([] {});
  det.detach();
  std::printf("detached joinable %d\n", det.joinable());
  return 0;
}
