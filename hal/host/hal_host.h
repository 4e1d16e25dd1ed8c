// Extras only the host tests use: choose which "hart" a host thread is.
#pragma once

#include <stdexcept>
#include <string>

namespace tine::hal::host {

void set_cpu_index(unsigned index);

// panic() in a host test throws this, so tests can check that a bug is caught.
struct Panic : std::runtime_error {
  using std::runtime_error::runtime_error;
};

}  // namespace tine::hal::host

namespace tine::hal::host {

// How many harts the host "machine" has (hal::online_cpus()).
void set_online_cpus(unsigned n);

}  // namespace tine::hal::host
