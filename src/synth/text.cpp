// Small multilingual vocabularies and the text edits that turn a copypasta template into the
// near-identical variants campaign members post.
#include "synth/model.hpp"

#include <array>
#include <map>

namespace lockstep::synth {
namespace {

const std::map<std::string, std::vector<std::string>> &vocabularies() {
  static const std::map<std::string, std::vector<std::string>> words = {
      {"en",
       {"the",     "people",   "vote",   "news",   "today",   "government", "truth",   "freedom",
        "media",   "election", "city",   "family", "watch",   "great",      "never",   "again",
        "support", "stop",     "lies",   "real",   "world",   "power",      "change",  "future",
        "country", "together", "read",   "share",  "corrupt", "heroes",     "protest", "rights",
        "economy", "jobs",     "border", "health", "school",  "police",     "justice", "war"}},
      {"es", {"gente",  "voto",     "noticias", "hoy",     "gobierno", "verdad", "libertad",
              "medios", "pueblo",   "ciudad",   "familia", "nunca",    "juntos", "futuro",
              "país",   "mentiras", "justicia", "cambio",  "trabajo",  "salud"}},
      {"de", {"Leute",         "Wahl",    "heute",   "Regierung",  "Wahrheit", "Freiheit", "Medien",
              "Stadt",         "Familie", "niemals", "zusammen",   "Zukunft",  "Land",     "Lügen",
              "Gerechtigkeit", "Wandel",  "Arbeit",  "Gesundheit", "Schule",   "Polizei"}},
      {"ru",
       {"люди", "выборы",         "новости", "сегодня",  "правительство", "правда",  "свобода",
        "СМИ",  "город",          "семья",   "никогда",  "вместе",        "будущее", "страна",
        "ложь", "справедливость", "работа",  "здоровье", "школа",         "война"}},
      {"ar", {"الناس",   "الانتخابات", "أخبار",   "اليوم", "الحكومة", "الحقيقة",  "الحرية",
              "الإعلام", "المدينة",    "العائلة", "أبدا",  "معا",     "المستقبل", "البلد",
              "أكاذيب",  "العدالة",    "التغيير", "العمل", "الصحة",   "سورية"}},
      {"zh", {"人民", "选举", "新闻", "今天", "政府", "真相", "自由", "媒体", "城市", "家庭",
              "永远", "一起", "未来", "国家", "谎言", "正义", "改变", "工作", "健康", "香港"}},
  };
  return words;
}

// Syllables of made-up words per script: consonants, then vowels (empty vowels: letters only).
struct Syllables {
  std::vector<std::string> consonants, vowels;
};

std::vector<std::string> letters(std::string_view utf8) {
  std::vector<std::string> out;
  for (std::size_t i = 0; i < utf8.size();) {
    const auto lead = static_cast<unsigned char>(utf8[i]);
    const std::size_t n = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    out.emplace_back(utf8.substr(i, n));
    i += n;
  }
  return out;
}

std::string made_up_word(Rng &rng, const std::string &language) {
  if (language == "zh") { // two characters of the common CJK block
    std::string word;
    for (int i = 0; i < 2; ++i) {
      const auto cp = static_cast<std::uint32_t>(0x4E00 + rng.below(6000));
      word += static_cast<char>(0xE0 | (cp >> 12));
      word += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      word += static_cast<char>(0x80 | (cp & 0x3F));
    }
    return word;
  }
  static const std::map<std::string, Syllables> scripts = {
      {"latin", {letters("bcdfghjklmnprstvz"), letters("aeiou")}},
      {"ru", {letters("бвгдзклмнпрстфх"), letters("аеиоуя")}},
      {"ar", {letters("بتجحدرزسشصطعفقكلمنهوي"), {}}},
  };
  const auto &script = scripts.at(language == "ru" || language == "ar" ? language : "latin");
  std::string word;
  const auto syllables = 2 + rng.below(2);
  for (std::uint64_t i = 0; i < syllables; ++i) {
    word += script.consonants[rng.below(script.consonants.size())];
    word += script.vowels.empty() ? script.consonants[rng.below(script.consonants.size())]
                                  : script.vowels[rng.below(script.vowels.size())];
  }
  return word;
}

// The words sentences are drawn from: the core words first (the most frequent), then made-up
// words, with Zipf weights 1 / rank. Real tweets share few words beyond the most common ones;
// a vocabulary of a few dozen words would make any two texts look alike.
struct Vocabulary {
  std::vector<std::string> words;
  std::vector<double> cumulative;
};

const Vocabulary &sentence_vocabulary(const std::string &language) {
  static const std::map<std::string, Vocabulary> all = [] {
    constexpr std::size_t kMadeUpWords = 5000;
    std::map<std::string, Vocabulary> out;
    for (const auto &[name, core] : vocabularies()) {
      Vocabulary v;
      v.words = core;
      Rng rng(0x766f636162ULL, std::hash<std::string>{}(name)); // the same words every run
      while (v.words.size() < core.size() + kMadeUpWords)
        v.words.push_back(made_up_word(rng, name));
      double sum = 0;
      for (std::size_t rank = 0; rank < v.words.size(); ++rank)
        v.cumulative.push_back(sum += 1.0 / static_cast<double>(rank + 1));
      out.emplace(name, std::move(v));
    }
    return out;
  }();
  return all.at(all.count(language) ? language : "en");
}

std::string sentence_word(Rng &rng, const std::string &language) {
  const auto &v = sentence_vocabulary(language);
  return v.words[rng.pick(v.cumulative)];
}

} // namespace

std::string pick_language(Rng &rng) {
  static const std::array<const char *, 6> languages = {"en", "es", "de", "ru", "ar", "zh"};
  static const std::vector<double> cumulative = {0.55, 0.67, 0.75, 0.85, 0.93, 1.0};
  return languages[rng.pick(cumulative)];
}

std::string random_word(Rng &rng, const std::string &language) {
  const auto &words = vocabularies().at(vocabularies().count(language) ? language : "en");
  return words[rng.below(words.size())];
}

std::string random_sentence(Rng &rng, const std::string &language, int words) {
  const bool spaced = language != "zh";
  std::string text;
  for (int i = 0; i < words; ++i) {
    if (i > 0 && spaced)
      text += ' ';
    text += sentence_word(rng, language);
  }
  return text;
}

std::string edit_template(Rng &rng, const std::string &text, const std::string &language) {
  // Replace one word (spaced scripts) or append one (Chinese), and sometimes add emphasis.
  std::string edited = text;
  if (language != "zh") {
    std::vector<std::size_t> starts{0};
    for (std::size_t i = 0; i < edited.size(); ++i) {
      if (edited[i] == ' ')
        starts.push_back(i + 1);
    }
    const std::size_t w = rng.below(starts.size());
    const std::size_t begin = starts[w];
    const std::size_t end = edited.find(' ', begin);
    edited.replace(begin, (end == std::string::npos ? edited.size() : end) - begin,
                   sentence_word(rng, language));
  } else {
    edited += sentence_word(rng, language);
  }
  if (rng.chance(0.3))
    edited += rng.chance(0.5) ? "!!" : " ...";
  return edited;
}

const std::vector<std::string> &human_clients() {
  static const std::vector<std::string> clients = {"Twitter for Android", "Twitter for iPhone",
                                                   "Twitter Web App", "Twitter for iPad",
                                                   "TweetDeck"};
  return clients;
}

const std::vector<std::string> &automation_clients() {
  static const std::vector<std::string> clients = {"twittbot.net", "IFTTT", "dlvr.it", "Buffer",
                                                   "Hootsuite Inc."};
  return clients;
}

const char *style_name(Style style) {
  switch (style) {
  case Style::organic:
    return "organic";
  case Style::celebrity:
    return "celebrity";
  case Style::fan:
    return "fan";
  case Style::news_feed:
    return "news_feed";
  case Style::retweet_ring:
    return "retweet_ring";
  case Style::copypasta:
    return "copypasta";
  case Style::hashtag_storm:
    return "hashtag_storm";
  case Style::link_sharing:
    return "link_sharing";
  case Style::camouflaged:
    return "camouflaged";
  case Style::sleeper:
    return "sleeper";
  case Style::scheduled:
    return "scheduled";
  case Style::image_sharing:
    return "image_sharing";
  case Style::follow_network:
    return "follow_network";
  }
  return "?";
}

} // namespace lockstep::synth
