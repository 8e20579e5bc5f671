// SPDX-License-Identifier: GPL-3.0-or-later
// NumPy .npy reader (format description: numpy/lib/format.py). Layout:
//   "\x93NUMPY" | major (1 byte) | minor (1 byte) | header length (uint16 LE for 1.x, uint32 LE for 2.x/3.x) |
//   header: a Python dict literal {'descr': '<i8', 'fortran_order': False, 'shape': (N, ...), } padded with spaces
//   and ended by '\n' | the raw array data.
// The header is parsed by a small literal parser (strings in ' or ", True/False, tuples of integers) instead of
// searching for substrings, so a malformed header is reported rather than misread. Data are read with plain
// streams; only the requested rows of an image file are read.
#include "data/npy_reader.h"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <string>
#include <vector>

#include "data/corruptions.h"

namespace ft {
namespace {

// The compiler's macro rather than std::endian: the fuzz build compiles this file as C++17 (tests/fuzz).
static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "the .npy reader assumes a little-endian host");

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicLen = 6;

// A Python literal parser for the header dict.
class HeaderParser {
public:
    HeaderParser(const std::string& path, const std::string& text) : path_(path), s_(text) {}

    NpyHeader parse() {
        NpyHeader h;
        bool have_descr = false, have_order = false, have_shape = false;
        skip_ws();
        expect('{');
        for (;;) {
            skip_ws();
            if (peek() == '}') {
                ++i_;
                break;
            }
            const std::string key = parse_string();
            skip_ws();
            expect(':');
            skip_ws();
            if (key == "descr") {
                h.descr = parse_string();
                have_descr = true;
            } else if (key == "fortran_order") {
                h.fortran_order = parse_bool();
                have_order = true;
            } else if (key == "shape") {
                h.shape = parse_tuple();
                have_shape = true;
            } else {
                fail("unexpected key '" + key + "' (expected descr, fortran_order and shape)");
            }
            skip_ws();
            if (peek() == ',') {
                ++i_;
                continue;
            }
            skip_ws();
            expect('}');
            break;
        }
        if (!have_descr) fail("the header has no 'descr'");
        if (!have_order) fail("the header has no 'fortran_order'");
        if (!have_shape) fail("the header has no 'shape'");
        return h;
    }

private:
    [[noreturn]] void fail(const std::string& what) const {
        throw DataError(path_ + ": malformed .npy header: " + what + " (header: " + s_ + ")");
    }
    char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
    void skip_ws() {
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    void expect(char c) {
        if (peek() != c) fail(std::string("expected '") + c + "' at offset " + std::to_string(i_));
        ++i_;
    }
    std::string parse_string() {
        const char q = peek();
        if (q != '\'' && q != '"') fail("expected a quoted string at offset " + std::to_string(i_));
        ++i_;
        std::string out;
        while (i_ < s_.size() && s_[i_] != q) out += s_[i_++];
        if (i_ >= s_.size()) fail("unterminated string");
        ++i_;
        return out;
    }
    bool parse_bool() {
        if (s_.compare(i_, 4, "True") == 0) {
            i_ += 4;
            return true;
        }
        if (s_.compare(i_, 5, "False") == 0) {
            i_ += 5;
            return false;
        }
        fail("expected True or False at offset " + std::to_string(i_));
    }
    std::vector<int64_t> parse_tuple() {
        std::vector<int64_t> dims;
        expect('(');
        for (;;) {
            skip_ws();
            if (peek() == ')') {
                ++i_;
                break;
            }
            if (!std::isdigit(static_cast<unsigned char>(peek())))
                fail("expected a non-negative integer in the shape at offset " + std::to_string(i_));
            int64_t v = 0;
            while (std::isdigit(static_cast<unsigned char>(peek()))) {
                const int d = s_[i_++] - '0';
                if (v > (std::numeric_limits<int64_t>::max() - d) / 10) fail("a shape dimension is too large");
                v = v * 10 + d;
            }
            if (peek() == 'L') ++i_;  // Python 2 long
            dims.push_back(v);
            skip_ws();
            if (peek() == ',') {
                ++i_;
                continue;
            }
            skip_ws();
            expect(')');
            break;
        }
        return dims;
    }

    const std::string& path_;
    const std::string& s_;
    size_t i_ = 0;
};

std::ifstream open(const std::string& path) {
    errno = 0;
    std::ifstream f(path, std::ios::binary);
    if (!f) {
        const std::string why = errno ? std::strerror(errno) : "cannot open";
        throw DataError(path + ": cannot open: " + why);
    }
    return f;
}

int64_t file_size(std::ifstream& f, const std::string& path) {
    f.seekg(0, std::ios::end);
    const std::streamoff size = f.tellg();
    if (size < 0) throw DataError(path + ": cannot determine the file size");
    f.seekg(0, std::ios::beg);
    return static_cast<int64_t>(size);
}

int64_t item_size(const std::string& path, const std::string& descr) {
    if (descr == "|u1") return 1;
    if (descr == "<i4") return 4;
    if (descr == "<i8") return 8;
    throw DataError(path + ": unsupported dtype '" + descr + "' (supported: '|u1' uint8, '<i4' int32, '<i8' int64)");
}

torch::ScalarType scalar_type(const std::string& descr) {
    if (descr == "|u1") return torch::kUInt8;
    if (descr == "<i4") return torch::kInt32;
    return torch::kInt64;
}

// Header + a check that the file holds exactly the data it describes. Returns the parsed header.
NpyHeader checked_header(std::ifstream& f, const std::string& path) {
    const int64_t size = file_size(f, path);
    const int64_t prefix = std::min<int64_t>(size, 12);
    std::string head(static_cast<size_t>(prefix), '\0');
    f.read(head.data(), prefix);
    if (size >= 8 && head.compare(0, kMagicLen, kMagic, kMagicLen) == 0) {
        const auto major = static_cast<unsigned char>(head[6]);
        const int64_t len_bytes = major == 1 ? 2 : 4;
        if (size >= 8 + len_bytes) {
            uint32_t len = 0;
            for (int64_t b = len_bytes - 1; b >= 0; --b) len = (len << 8) | static_cast<unsigned char>(head[8 + b]);
            const int64_t need = std::min<int64_t>(size, 8 + len_bytes + static_cast<int64_t>(len));
            head.resize(static_cast<size_t>(need));
            f.seekg(0, std::ios::beg);
            f.read(head.data(), need);
            if (!f) throw DataError(path + ": read error in the header");
        }
    }
    NpyHeader h = parse_npy_header(path, head);
    if (h.fortran_order)
        throw DataError(path +
                        ": the array is stored in Fortran order (fortran_order True); only C order is supported");
    const int64_t isz = item_size(path, h.descr);
    const int64_t elements = h.elements();
    const int64_t data_bytes = size - h.data_offset;
    if (elements > data_bytes / isz || elements * isz > data_bytes)
        throw DataError(path + ": truncated: the header describes " + std::to_string(elements) + " elements of " +
                        std::to_string(isz) + " bytes (" + std::to_string(elements) + " x " + std::to_string(isz) +
                        " bytes) but only " + std::to_string(data_bytes) + " data bytes follow the header");
    if (elements * isz < data_bytes)
        throw DataError(path + ": " + std::to_string(data_bytes - elements * isz) +
                        " unexpected bytes after the array data (the header describes " + std::to_string(elements) +
                        " elements of " + std::to_string(isz) + " bytes)");
    return h;
}

std::string shape_str(const std::vector<int64_t>& shape) {
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

// Resolves (first, count) against n rows.
void resolve_rows(const std::string& path, int64_t n, int64_t first, int64_t& count) {
    if (first < 0 || count < -1)
        throw std::invalid_argument("read_npy: first must be >= 0 and count >= -1, got " + std::to_string(first) +
                                    " and " + std::to_string(count));
    if (count == -1) count = std::max<int64_t>(0, n - first);
    if (first > n || count > n - first)
        throw DataError(path + ": holds " + std::to_string(n) + " rows; rows [" + std::to_string(first) + ", " +
                        std::to_string(first + count) + ") were requested");
}

void read_bytes(std::ifstream& f, const std::string& path, int64_t offset, void* dst, int64_t bytes) {
    f.clear();
    f.seekg(offset, std::ios::beg);
    f.read(static_cast<char*>(dst), bytes);
    if (!f || f.gcount() != bytes) throw DataError(path + ": read error (the file changed while being read?)");
}

}  // namespace

int64_t NpyHeader::elements() const {
    int64_t n = 1;
    for (int64_t d : shape) {
        if (d != 0 && n > std::numeric_limits<int64_t>::max() / d) return std::numeric_limits<int64_t>::max();
        n *= d;
    }
    return n;
}

NpyHeader parse_npy_header(const std::string& path, const std::string& bytes) {
    if (bytes.size() < kMagicLen || bytes.compare(0, kMagicLen, kMagic, kMagicLen) != 0)
        throw DataError(path + ": not an .npy file (bad magic: expected \\x93NUMPY at the start)");
    if (bytes.size() < 8) throw DataError(path + ": truncated .npy header (no version bytes)");
    const auto major = static_cast<unsigned char>(bytes[6]), minor = static_cast<unsigned char>(bytes[7]);
    if (major < 1 || major > 3 || minor != 0)
        throw DataError(path + ": unsupported .npy format version " + std::to_string(major) + "." +
                        std::to_string(minor) + " (supported: 1.0, 2.0, 3.0)");
    const size_t len_bytes = major == 1 ? 2 : 4;
    if (bytes.size() < 8 + len_bytes) throw DataError(path + ": truncated .npy header (no header length)");
    uint32_t len = 0;
    for (size_t b = len_bytes; b-- > 0;) len = (len << 8) | static_cast<unsigned char>(bytes[8 + b]);
    const size_t start = 8 + len_bytes;
    if (bytes.size() < start + len)
        throw DataError(path + ": truncated .npy header (the header length is " + std::to_string(len) + " bytes but " +
                        std::to_string(bytes.size() - start) + " follow)");
    const std::string text = bytes.substr(start, len);
    NpyHeader h = HeaderParser(path, text).parse();
    h.major = major;
    h.minor = minor;
    h.data_offset = static_cast<int64_t>(start + len);
    return h;
}

NpyHeader read_npy_header(const std::string& path) {
    std::ifstream f = open(path);
    return checked_header(f, path);
}

torch::Tensor read_npy(const std::string& path) {
    std::ifstream f = open(path);
    const NpyHeader h = checked_header(f, path);
    torch::Tensor t = torch::empty(h.shape, torch::TensorOptions().dtype(scalar_type(h.descr)));
    if (t.numel() > 0) read_bytes(f, path, h.data_offset, t.data_ptr(), t.numel() * t.element_size());
    return t;
}

torch::Tensor read_npy_images(const std::string& path, int64_t first, int64_t count) {
    std::ifstream f = open(path);
    const NpyHeader h = checked_header(f, path);
    if (h.descr != "|u1") throw DataError(path + ": images must be uint8 ('|u1'), the file holds '" + h.descr + "'");
    if (h.shape.size() != 4 || (h.shape[3] != 1 && h.shape[3] != 3))
        throw DataError(path + ": images must have shape (N, H, W, C) with C = 1 or 3 (NHWC), the file holds shape " +
                        shape_str(h.shape));
    resolve_rows(path, h.shape[0], first, count);
    const int64_t hh = h.shape[1], ww = h.shape[2], cc = h.shape[3];
    const int64_t row = hh * ww * cc;
    torch::Tensor raw = torch::empty({count, hh, ww, cc}, torch::TensorOptions().dtype(torch::kUInt8));
    if (count > 0) read_bytes(f, path, h.data_offset + first * row, raw.data_ptr<uint8_t>(), count * row);
    return raw.permute({0, 3, 1, 2}).to(torch::kFloat32).div_(255.0).contiguous();
}

torch::Tensor read_npy_labels(const std::string& path, int64_t first, int64_t count) {
    std::ifstream f = open(path);
    const NpyHeader h = checked_header(f, path);
    if (h.shape.size() != 1)
        throw DataError(path + ": labels must have shape (N,), the file holds shape " + shape_str(h.shape));
    resolve_rows(path, h.shape[0], first, count);
    const int64_t isz = item_size(path, h.descr);
    torch::Tensor raw = torch::empty({count}, torch::TensorOptions().dtype(scalar_type(h.descr)));
    if (count > 0) read_bytes(f, path, h.data_offset + first * isz, raw.data_ptr(), count * isz);
    torch::Tensor labels = raw.to(torch::kInt64).contiguous();
    const int64_t* l = labels.data_ptr<int64_t>();
    for (int64_t i = 0; i < count; ++i)
        if (l[i] < 0)
            throw DataError(path + ": label " + std::to_string(first + i) + " is " + std::to_string(l[i]) +
                            ", expected a label >= 0");
    return labels;
}

Split read_corruption_npy(const std::string& images_path, const std::string& labels_path, int severity,
                          const std::vector<float>& mean, const std::vector<float>& stdev, int64_t per_severity) {
    if (severity < 1 || severity > 5)
        throw std::invalid_argument("read_corruption_npy: severity must be one of 1, 2, 3, 4, 5, got " +
                                    std::to_string(severity));
    if (per_severity < 1)
        throw std::invalid_argument("read_corruption_npy: per_severity must be >= 1, got " +
                                    std::to_string(per_severity));
    const int64_t first = (severity - 1) * per_severity;
    const NpyHeader ih = read_npy_header(images_path);
    const NpyHeader lh = read_npy_header(labels_path);
    if (!ih.shape.empty() && !lh.shape.empty() && ih.shape[0] != lh.shape[0])
        throw DataError(labels_path + ": holds " + std::to_string(lh.shape[0]) + " labels but " + images_path +
                        " holds " + std::to_string(ih.shape[0]) + " images; expected one label per image");
    torch::Tensor pixels = read_npy_images(images_path, first, per_severity);
    if (pixels.size(1) != static_cast<int64_t>(mean.size()))
        throw DataError(images_path + ": images have " + std::to_string(pixels.size(1)) +
                        " channels but the dataset normalisation has " + std::to_string(mean.size()));
    Split s;
    s.x = normalised_from_pixels(pixels, mean, stdev);
    s.y = read_npy_labels(labels_path, first, per_severity);
    return s;
}

}  // namespace ft
