// SPDX-License-Identifier: GPL-3.0-or-later
// Pickle checks (see pickle_scan.h). The opcode table is that of pickle protocols 0-5, which is what
// torch's unpickler reads.
#include "train/pickle_scan.h"

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string_view>
#include <vector>

#include <caffe2/serialize/inline_container.h>

namespace ft {
namespace {

// How an opcode's argument is laid out.
enum class Arg { None, Fixed, Line, TwoLines, Counted };

struct OpShape {
    Arg arg = Arg::None;
    size_t width = 0;  // Fixed: bytes of argument; Counted: bytes of the little-endian length before the data
    bool known = false;
};

bool in(std::string_view ops, unsigned char op) { return ops.find(static_cast<char>(op)) != std::string_view::npos; }

OpShape shape_of(unsigned char op) {
    using namespace std::string_view_literals;
    if (in("FILPSVgp"sv, op)) return {Arg::Line, 0, true};
    if (in("ci"sv, op)) return {Arg::TwoLines, 0, true};
    if (in("Khq\x80\x82"sv, op)) return {Arg::Fixed, 1, true};
    if (in("M\x83"sv, op)) return {Arg::Fixed, 2, true};
    if (in("Jjr\x84"sv, op)) return {Arg::Fixed, 4, true};
    // FRAME (0x95) only announces the size of what follows, which is checked opcode by opcode.
    if (in("G\x95"sv, op)) return {Arg::Fixed, 8, true};
    if (in("UC\x8a\x8c"sv, op)) return {Arg::Counted, 1, true};
    if (in("TXB\x8b"sv, op)) return {Arg::Counted, 4, true};
    if (in("\x8d\x8e\x96"sv, op)) return {Arg::Counted, 8, true};
    if (in("(.012NQRabd}el]ost)u\x81\x85\x86\x87\x88\x89\x8f\x90\x91\x92\x93\x94\x97\x98"sv, op))
        return {Arg::None, 0, true};
    return {};
}

// What an opcode does to the stack: push a mark; or pop everything above the top mark (which needs `below` items
// under it) and push `push`; or need `need` items above the top mark and change the depth by `delta`.
struct StackEffect {
    bool mark = false, to_mark = false;
    int need = 0, delta = 0, below = 0, push = 0;
};

StackEffect stack_effect(unsigned char op) {
    using namespace std::string_view_literals;
    auto plain = [](int need, int delta) { return StackEffect{false, false, need, delta, 0, 0}; };
    auto to_mark = [](int below, int push) { return StackEffect{false, true, 0, 0, below, push}; };
    if (op == '(') return {true, false, 0, 0, 0, 0};
    if (in("FILSVgcNGJKMTUXBC\x8a\x8b\x8c\x8d\x8e\x96})]\x8f\x88\x89hj\x82\x83\x84P\x97"sv, op)) return plain(0, 1);
    if (in(".Qpqr\x94\x85\x98"sv, op)) return plain(1, 0);
    if (op == '0') return plain(1, -1);
    if (op == '2') return plain(1, 1);
    if (in("Rab\x86\x81\x93"sv, op)) return plain(2, -1);
    if (in("s\x87\x92"sv, op)) return plain(3, -2);
    if (op == '1') return to_mark(0, 0);
    if (in("eu\x90"sv, op)) return to_mark(1, 0);
    if (in("dlt\x91oi"sv, op)) return to_mark(0, 1);
    return {};  // PROTO, FRAME
}

}  // namespace

void check_pickle_lengths(const unsigned char* data, size_t size, const std::string& what) {
    size_t pos = 0;
    auto skip_line = [&]() {
        const void* nl = std::memchr(data + pos, '\n', size - pos);
        if (!nl) return false;
        pos = static_cast<const unsigned char*>(nl) - data + 1;
        return true;
    };
    auto refuse = [&](size_t at, unsigned char op, const std::string& problem) {
        char op_hex[8];
        std::snprintf(op_hex, sizeof op_hex, "0x%02x", op);
        throw std::runtime_error(what + ": opcode " + op_hex + " at byte " + std::to_string(at) + " " + problem +
                                 " (damaged archive)");
    };
    auto little_endian = [&](size_t width) {
        uint64_t value = 0;
        for (size_t b = width; b-- > 0;) value = value << 8 | data[pos + b];
        return value;
    };
    uint64_t memo_entries = 0;
    // The stack's depth and its marks (the depth when each was set), followed as the unpickler would move them:
    // it pops without looking, so a pickle that pops more than it pushed makes it read before its stack.
    size_t depth = 0;
    std::vector<size_t> marks;
    while (pos < size) {
        const size_t at = pos;
        const unsigned char op = data[pos++];
        const OpShape s = shape_of(op);
        if (!s.known) return;
        const StackEffect e = stack_effect(op);
        if (e.mark) {
            marks.push_back(depth);
        } else if (e.to_mark) {
            if (marks.empty()) refuse(at, op, "pops to a mark, but none is set");
            if (marks.back() < size_t(e.below)) refuse(at, op, "needs an item under its mark, and the stack has none");
            depth = marks.back() + size_t(e.push);
            marks.pop_back();
        } else {
            const size_t above = depth - (marks.empty() ? 0 : marks.back());
            if (above < size_t(e.need))
                refuse(at, op,
                       "needs " + std::to_string(e.need) + " items on the stack above its mark, and has " +
                           std::to_string(above));
            depth = size_t(int64_t(depth) + e.delta);
        }
        if (op == '.') return;
        switch (s.arg) {
            case Arg::None:
                memo_entries += op == 0x94;  // MEMOIZE
                break;
            case Arg::Fixed:
                if (size - pos < s.width) return;  // truncated: the unpickler says so
                // BINPUT, LONG_BINPUT: the memo is filled in order, and the unpickler reserves room up to twice the
                // index it is given, so an index far past the entries so far would allocate gigabytes.
                if (op == 'q' || op == 'r') {
                    const uint64_t index = little_endian(s.width);
                    if (index > memo_entries)
                        refuse(at, op,
                               "stores memo entry " + std::to_string(index) + " after " + std::to_string(memo_entries) +
                                   " entries");
                    memo_entries = std::max(memo_entries, index + 1);
                }
                pos += s.width;
                break;
            case Arg::Line:
                if (!skip_line()) return;
                break;
            case Arg::TwoLines:
                if (!skip_line() || !skip_line()) return;
                break;
            case Arg::Counted: {
                if (size - pos < s.width) return;
                const uint64_t length = little_endian(s.width);
                pos += s.width;
                if (length > size - pos)
                    refuse(at, op,
                           "declares " + std::to_string(length) + " bytes, but the pickle has " +
                               std::to_string(size - pos) + " left");
                pos += static_cast<size_t>(length);
                break;
            }
        }
    }
}

void check_archive_pickles(const std::string& path) {
    // Torch reads this record itself a moment later, so reading it here allocates nothing it would not. Looked up
    // by name as torch looks it up (its zip reader matches names without regard to case): a directory listing
    // "daTa.pkl" still hands torch that record as data.pkl.
    caffe2::serialize::PyTorchStreamReader reader(path);
    if (!reader.hasRecord("data.pkl")) return;  // torch says so
    auto [bytes, size] = reader.getRecord("data.pkl");
    check_pickle_lengths(static_cast<const unsigned char*>(bytes.get()), size, "data.pkl");
}

}  // namespace ft
