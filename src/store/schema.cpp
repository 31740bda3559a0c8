// Schema names.
#include "store/schema.hpp"

namespace lockstep::store::schema {

const char *signal_name(std::uint8_t signal) {
  static constexpr const char *names[kSignalCount] = {
      "?", "retweet", "reply", "quote", "hashtag", "url", "domain", "mention", "text", "object"};
  return signal < kSignalCount ? names[signal] : "?";
}

} // namespace lockstep::store::schema
