// Hostile strings for `generate --hostile`: the data Lockstep reads is written by the operations
// it studies, so names, texts, hashtags, URLs and clients may hold markup, script, XML and CSV
// breakers, control and bidirectional characters, and spreadsheet formulas. The generator puts
// them into every string field of a world without changing its structure: the same value always
// becomes the same hostile value, so keys that matched still match, and the world's campaigns and
// clusters stay those of the same seed without --hostile. The report, GEXF and CSV tests read it.
#pragma once

#include "synth/model.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace lockstep::synth {

// The hostile strings, each one line of the list in hostile.cpp.
const std::vector<std::string> &hostile_strings();

// `value` with one hostile string, chosen by a hash of `value` (names, descriptions, clients):
// appended, or put first when it is a spreadsheet formula.
std::string with_hostile_string(std::string_view value);

// A key (hashtag, URL, client) with markup that survives normalisation and the archive's list
// fields (no quote, comma or bracket), the same for the same key.
std::string hostile_key(std::string_view key);

// The suffix an account's texts get: a few words of script payload, markup, bidirectional,
// line-breaking or control characters, or a formula; the same for a whole campaign.
std::string hostile_text_suffix(const Account &account);

// An account's profile, and one of its tweets' strings, made hostile in place (the tweet first:
// its text suffix is chosen by the account as generated).
void make_hostile(Account &account);
void make_hostile(Tweet &tweet, const Account &account);

// The one account given a screen name of about kLongNameBytes (in users.csv only, which wins over
// the tweet rows, so the tweets stay small): the first member of the first copypasta campaign,
// which every run clusters, so the name reaches every results file and the report.
inline constexpr std::size_t kLongNameBytes = 1 << 20;
bool gets_long_name(const World &world, const Account &account);
std::string long_hostile_name(const Account &account);

} // namespace lockstep::synth
