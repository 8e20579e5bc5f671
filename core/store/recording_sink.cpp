// SPDX-License-Identifier: GPL-3.0-or-later
#include "ft/store/recording_sink.h"

#include <variant>

namespace ft {

void RecordingSink::on_event(const Event& event) {
    writer_.on_event(event);
    // Between an epoch's end and its checkpoint the run loop publishes the epoch's metrics and, at some epochs, a
    // ticket, the EDST exploration update or the next phase. Those are committed before the loop goes on: one
    // commit per epoch (a few at ticket and phase changes); none during the steps, in the final evaluation (no
    // checkpoint follows it) or for a run without checkpoints. Live evaluation reports and decision boundaries are
    // not waited for: the few published right before a kill may be missing.
    if (std::holds_alternative<EpochEnd>(event))
        at_epoch_end_ = true;
    else if (std::holds_alternative<StepMetrics>(event) || std::holds_alternative<Checkpointed>(event) ||
             std::holds_alternative<RunFinished>(event))
        at_epoch_end_ = false;
    const auto* update = std::get_if<MaskUpdate>(&event);
    const bool structural = std::holds_alternative<EpochEnd>(event) || std::holds_alternative<TicketCaptured>(event) ||
                            std::holds_alternative<PhaseChange>(event) || (update && update->exploration);
    if (at_epoch_end_ && structural && checkpoints_) writer_.flush();
    if (!stopped_ && writer_.failed()) {
        stopped_ = true;
        if (stop_) stop_(writer_.error());
    }
}

}  // namespace ft
