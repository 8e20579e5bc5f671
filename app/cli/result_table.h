// SPDX-License-Identifier: GPL-3.0-or-later
// The result table printed after `freetickets train`: one row per member and one for the ensemble.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

namespace ft::cli {

std::string result_table(const nlohmann::json& summary);

}  // namespace ft::cli
