// SPDX-License-Identifier: MIT
#pragma once

#include <condition_variable>
#include <mutex>

namespace goodput::detail {

// Limits requests in flight to one server, whatever model names point at it: two "models"
// that are one local GPU server with different settings must not be measured concurrently.
class Gate {
 public:
  explicit Gate(int slots) : m_free(slots) {}
  void acquire() {
    std::unique_lock lock(m_mutex);
    m_cv.wait(lock, [&] { return m_free > 0; });
    --m_free;
  }
  void release() {
    {
      std::lock_guard lock(m_mutex);
      ++m_free;
    }
    m_cv.notify_one();
  }

 private:
  std::mutex m_mutex;
  std::condition_variable m_cv;
  int m_free;
};

}  // namespace goodput::detail
