// SPDX-License-Identifier: MIT
// `max-latency`: the client-side times of DESIGN.md "Metrics" stay within limits. A time that
// was never measured (no token arrived) fails: an answer that never came is not fast.
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "builtin_types.hpp"
#include "check_message.hpp"

namespace goodput::checkers::detail {

namespace {

struct Limit {
  std::string name;                              // as a person reads it: "end-to-end"
  std::optional<double> Metrics::*metric;
  std::string missing;                           // said when it was not measured, and why
  double seconds = 0;
};

class MaxLatencyChecker final : public Checker {
 public:
  explicit MaxLatencyChecker(std::vector<Limit> limits) : m_limits(std::move(limits)) {}

  CheckResult check(const Completion& completion) const override {
    std::string failures;
    std::string passes;
    for (const Limit& limit : m_limits) {
      const std::optional<double>& measured = completion.metrics.*limit.metric;
      std::string& out = measured && *measured <= limit.seconds ? passes : failures;
      if (!out.empty()) out += "; ";
      if (measured) {
        out += limit.name + " " + format_seconds(*measured) + " s " +
               (*measured <= limit.seconds ? "<=" : ">") + " " + format_seconds(limit.seconds) + " s";
      } else {
        out += limit.missing + ", limit " + format_seconds(limit.seconds) + " s";
      }
    }
    if (failures.empty()) return {Outcome::pass, "max-latency: " + passes};
    return {Outcome::fail, "max-latency: " + failures};
  }

  std::string describe() const override {
    std::string text;
    for (const Limit& limit : m_limits) {
      if (!text.empty()) text += ", ";
      text += limit.name + " <= " + format_seconds(limit.seconds) + " s";
    }
    return text;
  }

 private:
  std::vector<Limit> m_limits;
};

}  // namespace

CheckerType max_latency_type() {
  return {"max-latency",
          "client-side latencies stay within limits, in seconds",
          {{"ttft", ParamType::number, false, "most seconds to the first token of any kind"},
           {"first_answer", ParamType::number, false,
            "most seconds to the first answer token, after any reasoning"},
           {"e2e", ParamType::number, false, "most seconds from request to the last token"}},
          [](const Params& params) -> std::unique_ptr<Checker> {
            struct Field {
              const char* param;
              const char* name;
              std::optional<double> Metrics::*metric;
              const char* missing;
            };
            const Field fields[] = {
                {"ttft", "TTFT", &Metrics::ttft_s, "no TTFT measured (no token arrived)"},
                {"first_answer", "time to first answer token", &Metrics::time_to_first_answer_s,
                 "no time to first answer token measured (no answer token arrived)"},
                {"e2e", "end-to-end", &Metrics::e2e_s,
                 "no end-to-end time measured (no token arrived)"},
            };
            std::vector<Limit> limits;
            for (const Field& field : fields) {
              const auto seconds = params.optional_number(field.param);
              if (!seconds) continue;
              // Also catches NaN, which compares false with everything.
              if (!(*seconds > 0) || *seconds == std::numeric_limits<double>::infinity()) {
                throw ParamError(field.param, std::string("max-latency: '") + field.param + "' is " +
                                                  format_number(*seconds) +
                                                  "; give a positive number of seconds");
              }
              limits.push_back({field.name, field.metric, field.missing, *seconds});
            }
            if (limits.empty()) {
              throw ParamError("ttft", "max-latency: give at least one of 'ttft', 'first_answer', 'e2e' "
                                       "(seconds)");
            }
            return std::make_unique<MaxLatencyChecker>(std::move(limits));
          }};
}

}  // namespace goodput::checkers::detail
