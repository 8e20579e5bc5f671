// SPDX-License-Identifier: GPL-3.0-or-later
// MaskView (mask_view.h).
#include "mask_view.h"

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QSlider>
#include <QStyle>
#include <QToolButton>
#include <QVBoxLayout>
#include <algorithm>
#include <cmath>

#include "control_bar.h"
#include "figure_export.h"
#include "mask_canvas.h"
#include "mask_source.h"

namespace ftw {

MaskView::MaskView(QWidget* parent) : RunView(parent) {
    canvas_ = new MaskCanvas(this);
    memberBox_ = new QComboBox(this);
    layerBox_ = new QComboBox(this);
    layoutBox_ = new QComboBox(this);
    layoutBox_->addItem(tr("conv: out × in·kh·kw"), int(ConvLayout::Matrix));
    layoutBox_->addItem(tr("conv: a tile per filter"), int(ConvLayout::FilterTiles));
    slider_ = new QSlider(Qt::Horizontal, this);
    slider_->setObjectName(QStringLiteral("maskTimeline"));
    slider_->setRange(0, 0);
    slider_->setSingleStep(1);
    slider_->setPageStep(10);
    slider_->setToolTip(tr("Mask updates of the member, one position per stored update"));
    playButton_ = new QToolButton(this);
    playButton_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    playButton_->setToolTip(tr("Play / pause"));
    speedBox_ = new QComboBox(this);
    for (double s : {0.5, 1.0, 2.0, 5.0, 10.0, 30.0}) speedBox_->addItem(tr("%1 updates/s").arg(s), s);
    speedBox_->setCurrentIndex(2);
    followBox_ = new QCheckBox(tr("Follow latest"), this);
    followBox_->setChecked(true);
    // Both labels wrap instead of widening the view (and with it the dock and the window).
    frameLabel_ = new QLabel(this);
    frameLabel_->setWordWrap(true);
    hoverLabel_ = new QLabel(this);
    hoverLabel_->setWordWrap(true);
    hoverLabel_->setProperty(kNoExportProperty, true);
    hoverLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    hoverLabel_->setMinimumHeight(fontMetrics().height() * 3);
    hoverLabel_->setAlignment(Qt::AlignLeft | Qt::AlignTop);

    auto* top = new ControlBar(this);
    top->add(tr("Member"), memberBox_);
    top->add(tr("Layer"), layerBox_, true);
    top->add(layoutBox_);
    auto* timeline = new QHBoxLayout;
    timeline->addWidget(playButton_);
    timeline->addWidget(slider_, 1);
    timeline->addWidget(speedBox_);
    timeline->addWidget(followBox_);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(top);
    layout->addWidget(frameLabel_);
    layout->addWidget(canvas_, 1);
    layout->addWidget(hoverLabel_);
    layout->addLayout(timeline);

    play_.setTimerType(Qt::PreciseTimer);
    connect(&play_, &QTimer::timeout, this, &MaskView::step);
    connect(playButton_, &QToolButton::clicked, this, [this] { playing() ? pause() : play(); });
    connect(speedBox_, &QComboBox::activated, this, [this](int i) { setSpeed(speedBox_->itemData(i).toDouble()); });
    connect(followBox_, &QCheckBox::toggled, this, [this](bool on) {
        if (!syncing_) setFollowLatest(on);
    });
    connect(slider_, &QSlider::valueChanged, this, [this] {
        if (!syncing_) showFrame();
    });
    // A user move of the scrubber (drag, click, keys) is a request to look at that update: stop following.
    connect(slider_, &QSlider::actionTriggered, this, [this](int) {
        if (followBox_->isChecked()) setFollowLatest(false);
    });
    connect(memberBox_, &QComboBox::activated, this, [this](int i) { setMember(memberBox_->itemData(i).toInt()); });
    connect(layerBox_, &QComboBox::activated, this, [this](int i) { setLayer(layerBox_->itemData(i).toInt()); });
    connect(layoutBox_, &QComboBox::activated, this,
            [this](int i) { setConvLayout(ConvLayout(layoutBox_->itemData(i).toInt())); });
    connect(canvas_, &MaskCanvas::hovered, hoverLabel_, &QLabel::setText);
    connect(canvas_, &MaskCanvas::layerActivated, this, &MaskView::setLayer);
}

int MaskView::updateCount() const { return runData() ? int(runData()->maskUpdates(member_).size()) : 0; }

int MaskView::updateIndex() const { return updateCount() > 0 ? slider_->value() : -1; }

bool MaskView::followLatest() const { return followBox_->isChecked(); }

void MaskView::setFollowLatest(bool on) {
    syncing_ = true;
    followBox_->setChecked(on);
    syncing_ = false;
    if (on) {
        pause();
        if (updateCount() > 0) setUpdateIndex(updateCount() - 1);
    }
}

void MaskView::setUpdateIndex(int index) {
    const int n = updateCount();
    if (n == 0) return;
    index = std::clamp(index, 0, n - 1);
    if (index != n - 1 && followLatest()) {
        syncing_ = true;
        followBox_->setChecked(false);
        syncing_ = false;
    }
    syncing_ = true;
    slider_->setValue(index);
    syncing_ = false;
    showFrame();
}

void MaskView::setMember(int member) {
    member_ = std::max(0, member);
    syncControls();
    showFrame();
}

void MaskView::setLayer(int layer) {
    canvas_->setLayer(layer);
    const int i = layerBox_->findData(layer);
    if (i >= 0) layerBox_->setCurrentIndex(i);
}

void MaskView::setConvLayout(ConvLayout layout) {
    canvas_->setConvLayout(layout);
    const int i = layoutBox_->findData(int(layout));
    if (i >= 0) layoutBox_->setCurrentIndex(i);
}

void MaskView::play() {
    if (updateCount() < 2) return;
    if (followLatest()) {
        syncing_ = true;
        followBox_->setChecked(false);
        syncing_ = false;
    }
    if (slider_->value() >= updateCount() - 1) setUpdateIndex(0);  // play from the start after the end
    play_.start(int(std::lround(1000.0 / speed_)));
    playButton_->setIcon(style()->standardIcon(QStyle::SP_MediaPause));
}

void MaskView::pause() {
    play_.stop();
    playButton_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
}

void MaskView::setSpeed(double updates_per_second) {
    speed_ = std::clamp(updates_per_second, 0.1, 60.0);
    if (playing()) play_.start(int(std::lround(1000.0 / speed_)));
    int best = 0;
    for (int i = 0; i < speedBox_->count(); ++i)
        if (std::abs(speedBox_->itemData(i).toDouble() - speed_) <
            std::abs(speedBox_->itemData(best).toDouble() - speed_))
            best = i;
    speedBox_->setCurrentIndex(best);
}

void MaskView::step() {
    const int n = updateCount();
    if (slider_->value() + 1 < n) {
        syncing_ = true;
        slider_->setValue(slider_->value() + 1);
        syncing_ = false;
        showFrame();
    } else if (!runData() || runData()->finished()) {
        pause();  // live runs keep playing: the next update will come
    }
}

void MaskView::syncControls() {
    syncing_ = true;
    RunData* d = runData();
    member_ = syncMemberBox(memberBox_, member_);
    memberBox_->setEnabled(memberBox_->count() > 1);

    const int layers = d ? int(d->layers().size()) : 0;
    if (layerBox_->count() != layers + 1) {
        layerBox_->clear();
        layerBox_->addItem(tr("all layers"), -1);
        for (int l = 0; l < layers; ++l) layerBox_->addItem(d->layers()[size_t(l)].name, l);
    }
    const int li = layerBox_->findData(canvas_->layer());
    layerBox_->setCurrentIndex(li >= 0 ? li : 0);

    const int n = updateCount();
    slider_->setRange(0, std::max(0, n - 1));
    slider_->setEnabled(n > 1);
    if (followLatest() && n > 0) slider_->setValue(n - 1);
    syncing_ = false;
}

void MaskView::showFrame() {
    RunData* d = runData();
    const int index = updateIndex();
    canvas_->setFrame(d, member_, index);
    if (!d || index < 0) {
        frameLabel_->setText(d ? tr("No mask updates yet.") : QString());
        return;
    }
    const MaskUpdateEntry& u = d->maskUpdates(member_)[size_t(index)];
    QString text = tr("Member %1 · update %2 of %3 · step %4 · epoch %5")
                       .arg(member_)
                       .arg(index)
                       .arg(updateCount() - 1)
                       .arg(u.step)
                       .arg(u.epoch);
    if (u.initial) text += tr(" · initial mask");
    if (u.exploration) text += tr(" · exploration (rate %1)").arg(u.rate);
    frameLabel_->setText(text);
    // Masks asked for by frames already passed are not wanted any more. The scrubber's neighbours are asked for,
    // then this frame's masks: the newest request is read first.
    if (d->maskSource()) {
        d->maskSource()->dropPending();
        for (int delta : {-2, 2, -1, 1})
            for (int l = 0; l < int(u.layers.size()); ++l)
                if (canvas_->layer() < 0 || canvas_->layer() == l) d->prefetchMask(member_, index + delta, l);
        for (int l = 0; l < int(u.layers.size()); ++l)
            if (canvas_->layer() < 0 || canvas_->layer() == l) (void)d->maskAt(member_, index, l);
    }
    emit currentUpdateChanged(member_, index, u.step);
}

void MaskView::rebuild() {
    // A weight's history read from the store completes the hover text.
    if (runData())
        connect(runData(), &RunData::historyArrived, canvas_, &MaskCanvas::refreshHover, Qt::UniqueConnection);
    syncControls();
    showFrame();
}

QString MaskView::csvText() const {
    QString out = QStringLiteral("member,update,step,epoch,exploration,layer,pruned,regrown,active,total,density\n");
    const RunData* d = runData();
    if (!d) return out;
    for (int m = 0; m < d->memberCount(); ++m)
        for (const MaskUpdateEntry& u : d->maskUpdates(m))
            for (size_t l = 0; l < u.layers.size(); ++l) {
                const LayerMask& lm = u.layers[l];
                const QString name = l < d->layers().size() ? d->layers()[l].name : QString::number(l);
                const auto n = [](int64_t v) { return QString::number(v); };
                out += csvRow({n(m), n(u.index), n(u.step), n(u.epoch), n(u.exploration ? 1 : 0), csvField(name),
                               n(lm.pruned), n(lm.regrown), n(lm.active), n(lm.total),
                               csvNumber(lm.total > 0 ? double(lm.active) / double(lm.total) : 0.0)});
            }
    return out;
}

}  // namespace ftw
