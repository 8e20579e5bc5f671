// SPDX-License-Identifier: GPL-3.0-or-later
// The config schema, derived from the field list (config_fields.h) and from validate() itself: the valid range of
// a field is the "expected" text validate() gives for an out-of-range probe value, so the schema can never
// disagree with the check that runs before a run starts.
#include "ft/config/config_schema.h"

#include <cmath>
#include <limits>
#include <sstream>
#include <type_traits>

#include "config/config_fields.h"
#include "ft/config/config_json.h"
#include "ft/config/validation.h"

namespace ft {
namespace {

using nlohmann::json;

// Enum names come from the same to_string() the JSON writer uses; past the last enumerator it returns "?".
template <typename E>
std::vector<std::string> enum_names() {
    std::vector<std::string> out;
    for (int i = 0; i < 64; ++i) {
        const std::string n = to_string(static_cast<E>(i));
        if (n == "?") break;
        out.push_back(n);
    }
    return out;
}

std::string one_of(const std::vector<std::string>& names) {
    std::string s = "one of {";
    for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
    return s + "}";
}

// The "expected" text validate() reports for `key` after `mutate` broke the field; "" when it reports nothing.
template <typename Mutate>
std::string probe(const RunConfig& context, const std::string& key, Mutate&& mutate) {
    RunConfig c = context;
    bool found = false;
    detail::visit_config_fields(c, [&](const std::string& path, auto& field) {
        if (path == key) {
            mutate(field);
            found = true;
        }
    });
    if (!found) return "";
    for (const auto& e : validate(c))
        if (e.field == key) return e.expected;
    return "";
}

// Out-of-range probes per field type: NaN fails every numeric range check, -1 every count, an empty or negative
// list every list rule, a control character every name check.
struct RangeProbe {
    const RunConfig& context;
    const std::string& key;
    std::string result;

    template <typename T>
    void operator()(const std::string& path, T&) {
        if (path != key) return;
        if constexpr (std::is_same_v<T, double>) {
            result = probe(context, key, [](auto& f) {
                if constexpr (std::is_same_v<std::decay_t<decltype(f)>, double>)
                    f = std::numeric_limits<double>::quiet_NaN();
            });
        } else if constexpr (std::is_same_v<T, int64_t>) {
            result = probe(context, key, [](auto& f) {
                if constexpr (std::is_same_v<std::decay_t<decltype(f)>, int64_t>) f = -1;
            });
        } else if constexpr (std::is_same_v<T, std::string>) {
            result = probe(context, key, [](auto& f) {
                if constexpr (std::is_same_v<std::decay_t<decltype(f)>, std::string>) f.assign(1, '\x01');
            });
        } else if constexpr (std::is_same_v<T, std::vector<int64_t>> || std::is_same_v<T, std::vector<double>>) {
            result = probe(context, key, [](auto& f) {
                if constexpr (std::is_same_v<std::decay_t<decltype(f)>, T>) f = {};
            });
            if (result.empty())
                result = probe(context, key, [](auto& f) {
                    if constexpr (std::is_same_v<std::decay_t<decltype(f)>, T>) f = {-1};
                });
        } else if constexpr (std::is_enum_v<T>) {
            result = one_of(enum_names<T>());
        }
    }
};

struct SchemaBuilder {
    const json& defaults;
    std::vector<FieldSchema>& out;

    template <typename T>
    void operator()(const std::string& path, T&) {
        FieldSchema f;
        f.key = path;
        const auto dot = path.find('.');
        f.section = dot == std::string::npos ? "" : path.substr(0, dot);
        if (const json* d = json_at(defaults, path)) f.default_value = *d;
        if constexpr (std::is_same_v<T, bool>)
            f.type = FieldType::Bool;
        else if constexpr (std::is_same_v<T, int64_t>)
            f.type = FieldType::Integer;
        else if constexpr (std::is_same_v<T, double>)
            f.type = FieldType::Number;
        else if constexpr (std::is_same_v<T, std::vector<int64_t>>)
            f.type = FieldType::IntegerList;
        else if constexpr (std::is_same_v<T, std::vector<double>>)
            f.type = FieldType::NumberList;
        else if constexpr (std::is_enum_v<T>) {
            f.type = FieldType::Choice;
            f.choices = enum_names<T>();
            f.closed_choices = true;
        } else {
            static_assert(std::is_same_v<T, std::string>, "config_schema: a field of a type it does not know");
            f.type = FieldType::String;
        }
        // Names checked against the registries: the form offers exactly those.
        if (path == "model.name") {
            for (const auto& m : model_specs()) f.choices.push_back(m.name);
            f.closed_choices = true;
        } else if (path == "data.name") {
            for (const auto& d : dataset_specs()) f.choices.push_back(d.name);
            f.closed_choices = true;
        } else if (path == "device") {
            f.choices = {"auto", "cpu", "cuda"};  // plus cuda:N, so the list stays open
        }
        out.push_back(std::move(f));
    }
};

std::vector<FieldSchema> build_schema() {
    RunConfig config;
    const json defaults = config_to_json(config);
    std::vector<FieldSchema> out;
    detail::visit_config_fields(config, SchemaBuilder{defaults, out});
    for (auto& f : out) f.range = field_range(f.key, RunConfig{});
    return out;
}

std::vector<std::string> split_key(const std::string& key) {
    std::vector<std::string> parts;
    std::stringstream ss(key);
    std::string part;
    while (std::getline(ss, part, '.')) parts.push_back(part);
    return parts;
}

}  // namespace

std::string field_range(const std::string& key, const RunConfig& context) {
    RunConfig c = context;
    RangeProbe p{context, key, {}};
    detail::visit_config_fields(c, p);
    return p.result;
}

const std::vector<FieldSchema>& config_schema() {
    static const std::vector<FieldSchema> schema = build_schema();
    return schema;
}

const FieldSchema* find_field_schema(const std::string& key) {
    for (const auto& f : config_schema())
        if (f.key == key) return &f;
    return nullptr;
}

std::string to_string(FieldType type) {
    switch (type) {
        case FieldType::String: return "string";
        case FieldType::Bool: return "bool";
        case FieldType::Integer: return "integer";
        case FieldType::Number: return "number";
        case FieldType::IntegerList: return "integer list";
        case FieldType::NumberList: return "number list";
        case FieldType::Choice: return "choice";
    }
    return "?";
}

const json* json_at(const json& config, const std::string& key) {
    const json* node = &config;
    for (const auto& part : split_key(key)) {
        if (!node->is_object()) return nullptr;
        auto it = node->find(part);
        if (it == node->end()) return nullptr;
        node = &*it;
    }
    return node;
}

void set_json_at(json& config, const std::string& key, const json& value) {
    json* node = &config;
    const auto parts = split_key(key);
    for (size_t i = 0; i + 1 < parts.size(); ++i) {
        if (!node->is_object()) *node = json::object();
        node = &(*node)[parts[i]];
    }
    (*node)[parts.back()] = value;
}

}  // namespace ft
