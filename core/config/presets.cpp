// SPDX-License-Identifier: GPL-3.0-or-later
// Presets compiled in from resources/presets (see core/CMakeLists.txt).
#include "ft/config/presets.h"

#include "ft/config/config_json.h"

namespace ft {
namespace detail {
const std::vector<std::pair<std::string, std::string>>& embedded_presets();
}

std::vector<std::string> preset_names() {
    std::vector<std::string> names;
    for (const auto& [name, text] : detail::embedded_presets()) names.push_back(name);
    return names;
}

bool has_preset(const std::string& name) {
    for (const auto& [n, text] : detail::embedded_presets())
        if (n == name) return true;
    return false;
}

nlohmann::json preset_json(const std::string& name) {
    for (const auto& [n, text] : detail::embedded_presets())
        if (n == name) return nlohmann::json::parse(text);
    std::string known;
    for (const auto& n : preset_names()) known += (known.empty() ? "" : ", ") + n;
    throw ConfigException("preset", {{"preset", "\"" + name + "\"", "one of {" + known + "}"}});
}

}  // namespace ft
