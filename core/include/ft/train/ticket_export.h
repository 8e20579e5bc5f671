// SPDX-License-Identifier: GPL-3.0-or-later
// Tickets that leave the workbench: each ticket of a finished run written as a PyTorch state dict that Python's
// torch.load reads, with the parameter names of the equivalent torch.nn model, its masks beside it, a manifest
// (tickets.json) that says how to build that model and prepare its inputs, and freetickets_models.py, which builds
// the model zoo's architectures in Python. Plain C++ interface; torch stays in the .cpp.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "ft/config/run_config.h"

namespace ft {

struct ExportedTicket {
    int64_t index = 0;
    std::string weights;  // file name in the export folder: ticket-<k>.pt (a state dict: name -> tensor)
    std::string masks;    // ticket-<k>.masks.pt (<layer>.weight -> bool tensor); empty for a dense ticket
    double density = 1;   // active share of the masked weights (1 for a dense ticket)
    double val_accuracy = 0;
    int64_t epoch = 0, step = 0;
};

struct TicketExport {
    std::string folder;
    std::vector<ExportedTicket> tickets;
};

// Reads tickets 0..M-1 from the run's checkpoint folder and writes them into `out_dir` (created when missing),
// together with tickets.json and freetickets_models.py. Masked-out weights are written as exact zeros. Reads the
// run's dataset for its input shape, classes and normalisation. Throws std::runtime_error naming the file for a
// ticket that was never written or a damaged checkpoint, and for an out_dir that cannot be written.
TicketExport export_tickets(const RunConfig& config, const std::string& checkpoint_dir, const std::string& out_dir);

// The Python module written beside the tickets (resources/python/freetickets_models.py, compiled in).
const std::string& python_models_source();

}  // namespace ft
