// SPDX-License-Identifier: GPL-3.0-or-later
// Reading the tensors of a checkpoint's torch archive (what torch::serialize::OutputArchive writes) without
// torch's InputArchive. That one imports the archive as a TorchScript module: it compiles the Python source stored
// in the archive's code/ records, and torch's script parser crashes on damaged source (found by fuzz_checkpoint).
// The tensors need none of it: data.pkl holds one object whose state maps each key to a tensor, read here with
// torch's unpickler and a class resolver that accepts that one object and nothing else.
#pragma once

#include <map>
#include <string>

#include <torch/types.h>

namespace ft {

// key -> tensor of the archive at `path`, on the CPU. Throws std::runtime_error (or the c10::Error torch's reader
// raises, a std::exception) for a file that is not such an archive: a damaged zip, pickle (pickle_scan.h), an
// unexpected class or state, a tensor whose shape reaches past its storage.
std::map<std::string, torch::Tensor> read_tensor_archive(const std::string& path);

}  // namespace ft
