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
    text += random_word(rng, language);
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
                   random_word(rng, language));
  } else {
    edited += random_word(rng, language);
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
  }
  return "?";
}

} // namespace lockstep::synth
