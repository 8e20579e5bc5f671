// SPDX-License-Identifier: GPL-3.0-or-later
// `freetickets settings` text (see settings_text.h).
#include "settings_text.h"

#include <algorithm>
#include <stdexcept>

#include "ft/config/config_schema.h"

namespace ft::cli {

namespace {

std::string default_text(const FieldSchema& f) {
    if (f.default_value.is_string()) {
        const auto s = f.default_value.get<std::string>();
        return s.empty() ? "\"\"" : s;
    }
    return f.default_value.dump();
}

std::string values_text(const FieldSchema& f) {
    if (!f.range.empty()) return f.range;
    if (f.choices.empty()) return "";
    std::string out = f.closed_choices ? "one of {" : "e.g. {";
    for (size_t i = 0; i < f.choices.size(); ++i) out += (i ? ", " : "") + f.choices[i];
    return out + "}";
}

}  // namespace

std::string settings_table() {
    const auto& fields = config_schema();
    size_t key_width = 3, type_width = 4, default_width = 7;
    for (const auto& f : fields) {
        key_width = std::max(key_width, f.key.size());
        type_width = std::max(type_width, to_string(f.type).size());
        default_width = std::max(default_width, default_text(f).size());
    }
    auto pad = [](std::string s, size_t width) { return s.append(width > s.size() ? width - s.size() : 0, ' '); };
    std::string out = pad("key", key_width) + "  " + pad("type", type_width) + "  " + pad("default", default_width) +
                      "  valid values\n";
    for (const auto& f : fields) {
        std::string row = pad(f.key, key_width) + "  " + pad(to_string(f.type), type_width) + "  " +
                          pad(default_text(f), default_width) + "  " + values_text(f);
        while (!row.empty() && row.back() == ' ') row.pop_back();
        out += row + "\n";
    }
    out += "set one with --set key=value; lists as --set key=1,2,3 or --set 'key=[1, 2, 3]'\n";
    return out;
}

std::string settings_keys() {
    std::string out;
    for (const auto& f : config_schema()) out += f.key + "\n";
    return out;
}

std::string setting_choices(const std::string& key) {
    const FieldSchema* f = find_field_schema(key);
    if (!f)
        throw std::invalid_argument("settings --choices " + key +
                                    ": not a setting; `freetickets settings` lists every key");
    std::string out;
    if (f->type == FieldType::Bool) return "true\nfalse\n";
    for (const auto& c : f->choices) out += c + "\n";
    return out;
}

}  // namespace ft::cli
