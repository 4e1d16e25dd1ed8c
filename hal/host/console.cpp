// The host console: output to stderr (or into a buffer a test captures),
// input from a queue of "typed" bytes that the tests fill.
#include <cstdio>
#include <deque>
#include <mutex>

#include "hal/hal.h"
#include "hal/host/host_console.h"

namespace tine::hal {

namespace {
std::mutex g_mu;  // host harts are host threads
std::deque<unsigned char> g_input;
bool g_capturing = false;
std::string g_captured;
}  // namespace

void host::console_inject(const char* s, size_t n) {
  std::lock_guard<std::mutex> g(g_mu);
  g_input.insert(g_input.end(), s, s + n);
}

void host::console_capture(bool on) {
  std::lock_guard<std::mutex> g(g_mu);
  g_capturing = on;
  g_captured.clear();
}

std::string host::console_captured() {
  std::lock_guard<std::mutex> g(g_mu);
  return g_captured;
}

void console_write(const char* s, size_t n) {
  {
    std::lock_guard<std::mutex> g(g_mu);
    if (g_capturing) {
      g_captured.append(s, n);
      return;
    }
  }
  fwrite(s, 1, n, stderr);
}

void console_write_raw(const char* s, size_t n) { console_write(s, n); }

// The host tests inject input and read it back by polling.
bool console_input_interrupts() { return false; }

int console_getc() {
  std::lock_guard<std::mutex> g(g_mu);
  if (g_input.empty()) return -1;
  int c = g_input.front();
  g_input.pop_front();
  return c;
}

}  // namespace tine::hal
