// SPDX-License-Identifier: GPL-3.0-or-later
// The text names of a small enum, for the few places that write and read them (JSON, SQLite): one table per
// enum, and an error for an unknown name that lists the valid ones. Plain C++, no torch.
#pragma once

#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

namespace ft::detail {

template <typename E>
using NameTable = std::vector<std::pair<E, const char*>>;

template <typename E>
std::string name_of(const NameTable<E>& table, E value) {
    for (const auto& [e, n] : table)
        if (e == value) return n;
    throw std::logic_error("enum value " + std::to_string(static_cast<int>(value)) + " has no name");
}

template <typename E>
std::string names_of(const NameTable<E>& table) {
    std::string s = "{";
    for (size_t i = 0; i < table.size(); ++i) {
        if (i) s += ", ";
        s += table[i].second;
    }
    return s + "}";
}

// what: "run status", "phase", ... as the error should call it.
template <typename E>
E value_of(const NameTable<E>& table, const std::string& text, const char* what) {
    for (const auto& [e, n] : table)
        if (text == n) return e;
    throw std::invalid_argument(std::string("unknown ") + what + " \"" + text + "\"; expected one of " +
                                names_of(table));
}

}  // namespace ft::detail
