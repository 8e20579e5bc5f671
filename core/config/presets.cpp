// SPDX-License-Identifier: GPL-3.0-or-later
// Presets compiled in from resources/presets (see core/CMakeLists.txt).
#include "ft/config/presets.h"

#include <filesystem>

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

nlohmann::json config_source_json(const std::string& source, std::string& label, const std::string& base_dir) {
    namespace fs = std::filesystem;
    if (has_preset(source)) {
        label = "preset " + source;
        return preset_json(source);
    }
    const bool json_name = source.size() > 5 && source.substr(source.size() - 5) == ".json";
    fs::path path(source);
    if (!base_dir.empty() && path.is_relative()) path = fs::path(base_dir) / path;
    if (fs::exists(path) || source.find('/') != std::string::npos || json_name) {
        label = path.string();
        return read_json_file(path.string());
    }
    label = "preset " + source;
    return preset_json(source);  // throws, listing the presets
}

}  // namespace ft
