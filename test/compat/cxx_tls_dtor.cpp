// C++ thread_local objects: constructed in each thread on first use,
// destroyed when that thread ends (before join returns), in reverse order
// of construction, and main's at exit; a static local initialised once by
// racing threads (a guard under a futex).
#include <algorithm>
#include <cstdio>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

static std::mutex m;
static std::vector<std::string> events;
static void note(const std::string& s) {
  std::lock_guard<std::mutex> g(m);
  events.push_back(s);
}

struct Tracked {
  std::string name;
  explicit Tracked(std::string n) : name(std::move(n)) { note("ctor " + name); }
  ~Tracked() { note("dtor " + name); }
};

static int constructions;
struct Once {
  Once() {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    constructions++;
  }
};

static void body(int t) {
  thread_local Tracked first("first");
  thread_local Tracked second("second");
  first.name += std::to_string(t);
  second.name += std::to_string(t);
  static Once once;
  (void)once;
}

int main() {
  for (int t = 0; t < 3; t++) {
    std::thread th(body, t);
    th.join();
    std::lock_guard<std::mutex> g(m);
    // The thread's objects are gone once join returns, second first.
    std::printf("after join %d:", t);
    for (auto& e : events) std::printf(" [%s]", e.c_str());
    std::printf("\n");
    events.clear();
  }
  std::vector<std::thread> racers;
  for (int t = 0; t < 6; t++) racers.emplace_back(body, 10 + t);
  for (auto& r : racers) r.join();
  std::sort(events.begin(), events.end());
  std::printf("6 racers: %zu events, static constructed %d time(s)\n", events.size(), constructions);
  return 0;
}
