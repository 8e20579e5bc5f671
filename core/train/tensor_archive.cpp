// SPDX-License-Identifier: GPL-3.0-or-later
// Tensor archives read without TorchScript (see tensor_archive.h).
#include "train/tensor_archive.h"

#include <stdexcept>

#include <caffe2/serialize/inline_container.h>
#include <torch/csrc/jit/api/compilation_unit.h>
#include <torch/csrc/jit/serialization/import_read.h>
#include <torch/csrc/jit/serialization/storage_context.h>

#include "train/pickle_scan.h"
#include "train/zip_check.h"

namespace ft {
namespace {

// Whether the last element of t lies inside its storage, in overflow-checked arithmetic.
bool fits_storage(const torch::Tensor& t) {
    int64_t last = t.storage_offset();
    for (int64_t d = 0; d < t.dim(); ++d) {
        if (t.size(d) == 0) return true;
        int64_t reach = 0;
        if (t.stride(d) < 0 || __builtin_mul_overflow(t.size(d) - 1, t.stride(d), &reach) ||
            __builtin_add_overflow(last, reach, &last))
            return false;
    }
    int64_t bytes = 0;
    return !__builtin_mul_overflow(last + 1, int64_t(t.element_size()), &bytes) &&
           bytes <= int64_t(t.storage().nbytes());
}

}  // namespace

std::map<std::string, torch::Tensor> read_tensor_archive(const std::string& path) {
    check_zip_records(path);
    check_archive_pickles(path);
    caffe2::serialize::PyTorchStreamReader reader(path);
    // OutputArchive's root module is the class __torch__.Module; its state, handed to the object loader at BUILD,
    // is the dict of its attributes, here the tensors.
    const c10::QualifiedName root("__torch__.Module");
    auto unit = std::make_shared<torch::jit::CompilationUnit>();
    c10::IValue state;
    bool loaded = false;
    torch::jit::TypeResolver resolve = [&](const c10::QualifiedName& name) {
        if (name != root) throw std::runtime_error("data.pkl: unexpected class " + name.qualifiedName());
        return c10::StrongTypePtr(unit, c10::ClassType::create(name, unit));
    };
    torch::jit::ObjLoader load = [&](const c10::StrongTypePtr& type, c10::IValue value) {
        if (loaded) throw std::runtime_error("data.pkl: more than one " + root.qualifiedName() + " object");
        loaded = true;
        state = std::move(value);
        return c10::ivalue::Object::create(type, 0);
    };
    // The unpickler sizes each storage by the element count the pickle declares, whatever the length of the record
    // it reads the bytes from, so a damaged count left a storage claiming more bytes than it holds (and the storage
    // check below trusting it). Each storage is made here from its whole record instead, sized by what it holds.
    auto storages = std::make_shared<torch::jit::DeserializationStorageContext>();
    for (const std::string& record : reader.getAllRecords()) {
        if (record.rfind("data/", 0) != 0) continue;
        auto [bytes, size] = reader.getRecord(record);
        storages->addStorage(record.substr(5),
                             c10::Storage(c10::Storage::use_byte_size_t(), size, std::move(bytes), nullptr, false));
    }
    const c10::IValue top =
        torch::jit::readArchiveAndTensors("data", "", "data/", resolve, load, c10::Device(c10::kCPU), reader,
                                          torch::jit::Unpickler::defaultTypeParser, storages);
    if (!top.isObject() || !loaded || !state.isGenericDict())
        throw std::runtime_error("data.pkl: expected a " + root.qualifiedName() + " object holding tensors");
    std::map<std::string, torch::Tensor> tensors;
    for (const auto& entry : state.toGenericDict()) {
        if (!entry.key().isString() || !entry.value().isTensor())
            throw std::runtime_error("data.pkl: the object's state holds something other than named tensors");
        const torch::Tensor t = entry.value().toTensor();
        // torch's unpickler gives a tensor the shape the pickle says over the storage the archive has, without
        // checking that they fit: a damaged shape would make everything after this read out of bounds.
        const std::string& name = entry.key().toStringRef();
        if (!fits_storage(t))
            throw std::runtime_error("data.pkl: tensor " + name + " of shape " + c10::str(t.sizes()) +
                                     " does not fit its " + std::to_string(t.storage().nbytes()) + "-byte storage");
        tensors[name] = t;
    }
    return tensors;
}

}  // namespace ft
