// iostreams and exceptions from many threads at once: each thread throws
// and catches its own exceptions (the unwinder's shared state), builds
// strings with ostringstream, and writes whole lines to std::cout under a
// mutex; the lines are sorted before they are printed.
#include <algorithm>
#include <iostream>
#include <mutex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

struct Custom : std::exception {
  int n;
  explicit Custom(int v) : n(v) {}
  const char* what() const noexcept override { return "custom"; }
};

static int depth(int n) {
  if (n == 0) throw Custom(42);
  return depth(n - 1) + 1;
}

int main() {
  std::mutex m;
  std::vector<std::string> lines;
  std::vector<std::thread> ts;
  for (int t = 0; t < 8; t++)
    ts.emplace_back([&, t] {
      int caught = 0, value = 0;
      for (int i = 0; i < 200; i++) {
        try {
          if (i % 2) throw std::out_of_range("odd");
          depth(i % 17);
        } catch (const Custom& c) {
          caught++;
          value += c.n;
        } catch (const std::out_of_range&) {
          caught++;
        }
      }
      std::ostringstream os;
      os << "thread " << t << ": caught " << caught << " value " << value << " hex " << std::hex
         << (t * 255);
      std::lock_guard<std::mutex> g(m);
      lines.push_back(os.str());
    });
  for (auto& t : ts) t.join();
  std::sort(lines.begin(), lines.end());
  for (auto& l : lines) std::cout << l << '\n';
  try {
    std::vector<int> v(3);
    (void)v.at(10);
  } catch (const std::out_of_range& e) {
    std::cout << "at() threw out_of_range" << std::endl;
  }
  std::exception_ptr ep;
  std::thread carrier([&] {
    try {
      throw std::logic_error("from a thread");
    } catch (...) {
      ep = std::current_exception();
    }
  });
  carrier.join();
  try {
    std::rethrow_exception(ep);
  } catch (const std::logic_error& e) {
    std::cout << "rethrown in main: " << e.what() << std::endl;
  }
  std::cerr << "stderr works too" << std::endl;
  return 0;
}
