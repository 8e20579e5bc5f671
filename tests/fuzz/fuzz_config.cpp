// SPDX-License-Identifier: GPL-3.0-or-later
// libFuzzer target: the config JSON reader and the `--set` parser (core/config/config_json.cpp, validation.cpp).
// Input: a JSON document, then (after a NUL byte) one `key=value` per line, applied in order as `--set` would be.
// Bad input must end in ConfigException (or a JSON syntax error before the config reader is reached); a config
// that is accepted must survive the round trip through config_to_json unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <sstream>
#include <string>

#include "ft/config/config_json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);
    const size_t split = input.find('\0');
    nlohmann::json json;
    try {
        json = nlohmann::json::parse(input.substr(0, split));
    } catch (const nlohmann::json::exception&) {  // bad syntax, or a number beyond double
        return 0;
    }
    try {
        if (split != std::string::npos) {
            std::istringstream lines(input.substr(split + 1));
            for (std::string line; std::getline(lines, line);) ft::apply_override(json, line);
        }
        const ft::RunConfig config = ft::config_from_json(json, "fuzz.json");
        const nlohmann::json written = ft::config_to_json(config);
        const nlohmann::json again = ft::config_to_json(ft::config_from_json(written, "written.json"));
        if (written != again) std::abort();
    } catch (const ft::ConfigException&) {}
    return 0;
}
