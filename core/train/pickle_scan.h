// SPDX-License-Identifier: GPL-3.0-or-later
// A check of the pickles inside a torch archive before torch reads them. Torch's unpickler reserves the length a
// byte or text string declares before it finds that the data ends sooner, so a damaged checkpoint whose pickle
// claims a 2 GB string makes loading allocate 2 GB (4 GB, or an exception from the allocator, for the 4- and
// 8-byte length forms) instead of failing; a memo index of 1.7e9 makes it reserve 27 GB; and it pops its stack
// without checking that anything is there. All found by fuzz_checkpoint.
#pragma once

#include <cstddef>
#include <string>

namespace ft {

// Walks the opcodes of one pickle and throws std::runtime_error naming `what` when a string, byte string or long
// declares more bytes than the pickle has left, a memo entry is stored far past the entries so far (the unpickler
// reserves memo room by the index), or an opcode pops more than the stack holds above its mark (or pops to a mark
// that is not set). Stops without complaint at STOP, at the end, or at an
// opcode it does not know (the unpickler rejects those itself).
void check_pickle_lengths(const unsigned char* data, size_t size, const std::string& what);

// Opens the archive at `path` (throws std::runtime_error if it is not one) and checks its data.pkl.
void check_archive_pickles(const std::string& path);

}  // namespace ft
