// std::async (launch::async and deferred), std::future/std::promise,
// std::packaged_task, std::shared_future, and exceptions carried across
// threads by futures.
#include <cstdio>
#include <future>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

static long sum_range(long a, long b) {
  long s = 0;
  for (long i = a; i < b; i++) s += i;
  return s;
}

int main() {
  std::vector<std::future<long>> parts;
  for (int i = 0; i < 8; i++)
    parts.push_back(std::async(std::launch::async, sum_range, i * 100000L, (i + 1) * 100000L));
  long total = 0;
  for (auto& f : parts) total += f.get();
  std::printf("async sum %ld\n", total);

  auto lazy = std::async(std::launch::deferred, [] { return std::this_thread::get_id(); });
  std::printf("deferred runs in the caller %d\n", lazy.get() == std::this_thread::get_id());

  auto thrower = std::async(std::launch::async, []() -> int { throw std::runtime_error("boom"); });
  try {
    thrower.get();
    std::printf("no exception?\n");
  } catch (const std::runtime_error& e) {
    std::printf("exception across threads: %s\n", e.what());
  }

  std::promise<std::string> p;
  std::shared_future<std::string> sf = p.get_future().share();
  std::vector<std::future<size_t>> readers;
  for (int i = 0; i < 4; i++)
    readers.push_back(std::async(std::launch::async, [sf] { return sf.get().size(); }));
  std::thread setter([&p] { p.set_value("shared value"); });
  size_t lens = 0;
  for (auto& r : readers) lens += r.get();
  setter.join();
  std::printf("shared_future read by 4: %zu\n", lens);

  std::promise<int> broken;
  auto bf = broken.get_future();
  { std::promise<int> gone = std::move(broken); }
  try {
    bf.get();
  } catch (const std::future_error& e) {
    std::printf("broken promise: %d\n", e.code() == std::future_errc::broken_promise);
  }

  std::packaged_task<int(int, int)> task([](int a, int b) { return a * b; });
  auto tf = task.get_future();
  std::thread tt(std::move(task), 6, 7);
  tt.join();
  std::printf("packaged_task %d\n", tf.get());
  auto w = std::async(std::launch::async, [] {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    return 1;
  });
  std::printf("wait_for before ready: timeout %d\n",
              w.wait_for(std::chrono::milliseconds(1)) == std::future_status::timeout);
  std::printf("then %d\n", w.get());
  return 0;
}
