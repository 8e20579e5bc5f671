// SPDX-License-Identifier: GPL-3.0-or-later
// JSON <-> RunConfig with field-level errors. See ft/config/config_json.h.
#include "ft/config/config_json.h"
#include "ft/config/config_schema.h"

#include <array>
#include <fstream>
#include <functional>
#include <optional>
#include <set>
#include <sstream>
#include <utility>

#include "config/config_fields.h"
#include "ft/config/validation.h"

namespace ft {
namespace {

using nlohmann::json;

// A value as an error message shows it. A `--set` value that is not JSON arrives as a string of whatever bytes
// the shell passed; invalid UTF-8 is shown replaced instead of making the message itself fail to print.
std::string shown(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

template <typename E>
using NameTable = std::vector<std::pair<E, const char*>>;

const NameTable<Method>& names(Method*) {
    static const NameTable<Method> t = {{Method::Dense, "dense"},   {Method::DeepEnsemble, "deep-ensemble"},
                                        {Method::Static, "static"}, {Method::StaticEnsemble, "static-ensemble"},
                                        {Method::Dst, "dst"},       {Method::DstEnsemble, "dst-ensemble"},
                                        {Method::Edst, "edst"},     {Method::PfEnsemble, "pf-ensemble"}};
    return t;
}
const NameTable<SparseInit>& names(SparseInit*) {
    static const NameTable<SparseInit> t = {
        {SparseInit::Erk, "ERK"}, {SparseInit::Er, "ER"}, {SparseInit::Uniform, "uniform"}};
    return t;
}
const NameTable<PruneSchedule>& names(PruneSchedule*) {
    static const NameTable<PruneSchedule> t = {{PruneSchedule::Constant, "constant"},
                                               {PruneSchedule::Cosine, "cosine"}};
    return t;
}
const NameTable<Growth>& names(Growth*) {
    static const NameTable<Growth> t = {
        {Growth::Gradient, "gradient"}, {Growth::Random, "random"}, {Growth::Momentum, "momentum"}};
    return t;
}

const NameTable<SparseExecution>& names(SparseExecution*) {
    static const NameTable<SparseExecution> t = {
        {SparseExecution::Masked, "masked"}, {SparseExecution::Sparse, "sparse"}, {SparseExecution::Auto, "auto"}};
    return t;
}

template <typename E>
std::string enum_name(E v) {
    for (const auto& [e, n] : names(static_cast<E*>(nullptr)))
        if (e == v) return n;
    return "?";
}

template <typename E>
std::string enum_choices() {
    std::string s = "one of {";
    bool first = true;
    for (const auto& [e, n] : names(static_cast<E*>(nullptr))) {
        s += (first ? "" : ", ") + std::string(n);
        first = false;
    }
    return s + "}";
}

// Reads one field from JSON, recording a typed error instead of throwing.
struct FieldReader {
    const json& root;
    std::vector<ConfigError>& errors;
    std::set<std::string> known;

    const json* find(const std::string& path) const {
        const json* node = &root;
        std::stringstream ss(path);
        std::string part;
        while (std::getline(ss, part, '.')) {
            if (!node->is_object()) return nullptr;
            auto it = node->find(part);
            if (it == node->end()) return nullptr;
            node = &*it;
        }
        return node;
    }

    void fail(const std::string& path, const json& v, const std::string& expected) {
        errors.push_back({path, shown(v), expected});
    }

    template <typename T>
    void operator()(const std::string& path, T& field) {
        known.insert(path);
        const json* v = find(path);
        if (!v) return;
        read(path, *v, field);
    }

    void read(const std::string& p, const json& v, std::string& f) {
        if (v.is_string())
            f = v.get<std::string>();
        else
            fail(p, v, "a string");
    }
    void read(const std::string& p, const json& v, bool& f) {
        if (v.is_boolean())
            f = v.get<bool>();
        else
            fail(p, v, "true or false");
    }
    void read(const std::string& p, const json& v, int64_t& f) {
        if (v.is_number_integer())
            f = v.get<int64_t>();
        else
            fail(p, v, "an integer");
    }
    void read(const std::string& p, const json& v, double& f) {
        if (v.is_number())
            f = v.get<double>();
        else
            fail(p, v, "a number");
    }
    void read(const std::string& p, const json& v, std::vector<int64_t>& f) {
        if (!v.is_array()) return fail(p, v, "a list of integers");
        std::vector<int64_t> out;
        for (const auto& e : v) {
            if (!e.is_number_integer()) return fail(p, v, "a list of integers");
            out.push_back(e.get<int64_t>());
        }
        f = out;
    }
    void read(const std::string& p, const json& v, std::vector<double>& f) {
        if (!v.is_array()) return fail(p, v, "a list of numbers");
        std::vector<double> out;
        for (const auto& e : v) {
            if (!e.is_number()) return fail(p, v, "a list of numbers");
            out.push_back(e.get<double>());
        }
        f = out;
    }
    template <typename E, typename = std::enable_if_t<std::is_enum_v<E>>>
    void read(const std::string& p, const json& v, E& f) {
        if (v.is_string()) {
            for (const auto& [e, n] : names(static_cast<E*>(nullptr))) {
                if (v.get<std::string>() == n) {
                    f = e;
                    return;
                }
            }
        }
        fail(p, v, enum_choices<E>());
    }
};

// Reports every key of the JSON that no field claims (a typo must not be ignored silently).
void find_unknown_keys(const json& node, const std::string& prefix, const std::set<std::string>& known,
                       std::vector<ConfigError>& errors) {
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string path = prefix.empty() ? it.key() : prefix + "." + it.key();
        if (known.count(path)) continue;
        bool is_section = false;
        for (const auto& k : known)
            if (k.rfind(path + ".", 0) == 0) is_section = true;
        if (is_section && it->is_object()) {
            find_unknown_keys(*it, path, known, errors);
        } else if (is_section) {
            errors.push_back({path, shown(*it), "an object (section)"});
        } else {
            errors.push_back({path, shown(*it), "no such setting (unknown key)"});
        }
    }
}

struct FieldWriter {
    json& out;
    template <typename T>
    void operator()(const std::string& path, const T& field) {
        json* node = &out;
        std::stringstream ss(path);
        std::string part;
        std::vector<std::string> parts;
        while (std::getline(ss, part, '.')) parts.push_back(part);
        for (size_t i = 0; i + 1 < parts.size(); ++i) node = &(*node)[parts[i]];
        if constexpr (std::is_enum_v<T>)
            (*node)[parts.back()] = enum_name(field);
        else
            (*node)[parts.back()] = field;
    }
};

std::set<std::string> known_paths() {
    RunConfig dummy;
    std::set<std::string> paths;
    detail::visit_config_fields(dummy, [&](const std::string& p, auto&) { paths.insert(p); });
    return paths;
}

}  // namespace

std::string ConfigError::message() const { return field + " = " + value + ": expected " + expected; }

static std::string join_errors(const std::string& source, const std::vector<ConfigError>& errors) {
    std::string s = source + ": invalid configuration";
    for (const auto& e : errors) s += "\n  " + e.message();
    return s;
}

ConfigException::ConfigException(std::string source, std::vector<ConfigError> errors)
    : std::runtime_error(join_errors(source, errors)), source_(std::move(source)), errors_(std::move(errors)) {}

std::string to_string(Method m) { return enum_name(m); }
Method method_from_string(const std::string& text) {
    for (const auto& [e, n] : names(static_cast<Method*>(nullptr)))
        if (text == n) return e;
    throw std::invalid_argument("unknown method \"" + text + "\"; expected " + enum_choices<Method>());
}
std::string to_string(SparseInit v) { return enum_name(v); }
std::string to_string(PruneSchedule v) { return enum_name(v); }
std::string to_string(Growth v) { return enum_name(v); }
std::string to_string(SparseExecution v) { return enum_name(v); }

RunConfig config_from_json(const json& j, const std::string& source, std::vector<std::string>* warnings) {
    std::vector<ConfigError> errors;
    if (!j.is_object()) throw ConfigException(source, {{"(top level)", shown(j).substr(0, 60), "a JSON object"}});
    RunConfig config;
    FieldReader reader{j, errors, {}};
    detail::visit_config_fields(config, reader);
    find_unknown_keys(j, "", reader.known, errors);
    if (!errors.empty()) throw ConfigException(source, errors);
    errors = validate(config, warnings);
    if (!errors.empty()) throw ConfigException(source, errors);
    return config;
}

json read_json_file(const std::string& path) {
    std::ifstream in(path);
    if (!in) throw ConfigException(path, {{"(file)", "\"" + path + "\"", "a readable JSON file"}});
    try {
        return json::parse(in);
    } catch (const json::parse_error& e) {
        throw ConfigException(path,
                              {{"(syntax)", "byte " + std::to_string(e.byte), std::string("valid JSON: ") + e.what()}});
    } catch (const json::out_of_range& e) {  // a number beyond double (1e999)
        throw ConfigException(path, {{"(number)", "out of range", std::string("a number within double: ") + e.what()}});
    }
}

json config_to_json(const RunConfig& config) {
    json out = json::object();
    detail::visit_config_fields(config, FieldWriter{out});
    return out;
}

namespace {
// "1, 2,3" as a JSON array of numbers; nullopt unless every part is a number.
std::optional<json> comma_separated_numbers(const std::string& text) {
    json out = json::array();
    std::stringstream ss(text);
    std::string part;
    while (std::getline(ss, part, ',')) {
        const auto first = part.find_first_not_of(" \t"), last = part.find_last_not_of(" \t");
        if (first == std::string::npos) return std::nullopt;
        try {
            const json n = json::parse(part.substr(first, last - first + 1));
            if (!n.is_number()) return std::nullopt;
            out.push_back(n);
        } catch (const json::exception&) {
            return std::nullopt;
        }
    }
    if (out.empty()) return std::nullopt;
    return out;
}
}  // namespace

void apply_override(json& j, const std::string& assignment) {
    const auto eq = assignment.find('=');
    if (eq == std::string::npos || eq == 0)
        throw ConfigException("--set",
                              {{"(override)", "\"" + assignment + "\"", "key=value, e.g. sparse.density=0.1"}});
    const std::string key = assignment.substr(0, eq);
    const std::string text = assignment.substr(eq + 1);
    static const std::set<std::string> paths = known_paths();
    if (!paths.count(key))
        throw ConfigException("--set", {{key, "\"" + text + "\"", "a known setting (see `presets show`)"}});
    json value;
    try {
        value = json::parse(text);
    } catch (const json::exception&) {  // not JSON, or a number beyond double (1e999): kept as text
        value = text;
    }
    // Lists may also be written as the form and the README write them, comma-separated: "2000,2000".
    if (const FieldSchema* f = find_field_schema(key);
        f && (f->type == FieldType::IntegerList || f->type == FieldType::NumberList) && !value.is_array())
        if (auto list = comma_separated_numbers(text)) value = *list;
    json* node = &j;
    std::stringstream ss(key);
    std::string part;
    std::vector<std::string> parts;
    while (std::getline(ss, part, '.')) parts.push_back(part);
    std::string section;
    for (size_t i = 0; i < parts.size(); ++i) {
        // The config may hold a non-object where the key needs a section ({"sparse": 3}): say so, by name.
        if (!node->is_null() && !node->is_object())
            throw ConfigException("--set", {{section.empty() ? "(top level)" : section, shown(*node).substr(0, 60),
                                             "an object (section) to set " + key + " in"}});
        if (i + 1 == parts.size()) break;
        section += (section.empty() ? "" : ".") + parts[i];
        node = &(*node)[parts[i]];
    }
    (*node)[parts.back()] = value;
}

std::string config_hash(const RunConfig& config) {
    // FNV-1a over the canonical dump (nlohmann sorts object keys), enough to spot identical configs.
    const std::string text = config_to_json(config).dump();
    uint64_t h = 1469598103934665603ULL;
    for (unsigned char c : text) {
        h ^= c;
        h *= 1099511628211ULL;
    }
    std::ostringstream os;
    os << std::hex << h;
    return os.str();
}

void to_json(nlohmann::json& json, Method value) { json = to_string(value); }
void from_json(const nlohmann::json& json, Method& value) { value = method_from_string(json.get<std::string>()); }

}  // namespace ft
