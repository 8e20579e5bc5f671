// SPDX-License-Identifier: GPL-3.0-or-later
// A check of a torch archive's zip directory before torch opens it. Torch's zip reader allocates each record at
// the uncompressed size the directory declares before it inflates a byte, so a damaged checkpoint that declares a
// 4 GB record made loading allocate 4 GB (found by fuzz_checkpoint).
#pragma once

#include <string>

namespace ft {

// Reads the central directory of the zip file at `path` (zip64 too) and throws std::runtime_error naming the file
// and record when the directory does not fit the file, or a record is neither stored nor deflated, or declares
// more bytes than its compressed data can hold (stored: as many as it has; deflated: at most 1032 per byte, the
// format's limit).
void check_zip_records(const std::string& path);

}  // namespace ft
