// SPDX-License-Identifier: GPL-3.0-or-later
// The experiment form: one editor per config field, generated from the core's config schema
// (ft/config/config_schema.h), so a new knob appears without touching the GUI. Every edit is checked by the
// core itself (config_from_json + validate) and each field shows the core's message inline, word for word.
// Numbers are typed as text on purpose: a spin box would clamp an out-of-range value silently.
#pragma once

#include <QHash>
#include <QStringList>
#include <QWidget>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "ft/config/config_json.h"
#include "ft/config/run_config.h"

class QFormLayout;
class QLabel;

namespace ftw {

struct FieldDifference {
    std::string key;
    nlohmann::json base, current;  // null where a side lacks the key
};

// Only the leaves that differ (arrays are leaves), sorted by key.
std::vector<FieldDifference> configDifferences(const nlohmann::json& base, const nlohmann::json& current);

class ConfigForm : public QWidget {
    Q_OBJECT
public:
    explicit ConfigForm(QWidget* parent = nullptr);
    ~ConfigForm() override;

    // Loads a config; keys it lacks take the core's defaults. Unknown keys are reported as errors.
    void setConfigJson(const nlohmann::json& config);
    // Every field as the editors hold it. Text that does not parse as the field's type stays a string, so the
    // core reports it ("train.lr = \"abc\": expected a number").
    nlohmann::json configJson() const;

    bool isValid() const { return errors_.empty(); }
    // The validated config; empty while a field is invalid.
    std::optional<ft::RunConfig> config() const { return valid_; }
    const std::vector<ft::ConfigError>& errors() const { return errors_; }
    QStringList warnings() const { return warnings_; }
    // The messages shown under a field (the core's ConfigError::message(), one per line); empty when valid.
    QString errorText(const QString& key) const;

    QStringList keys() const;
    QWidget* editor(const QString& key) const;
    // Sets a field as if the user typed or picked it (a choice by its name). False for an unknown key or a name
    // that a closed choice list does not offer.
    bool setFieldText(const QString& key, const QString& text);
    QString fieldText(const QString& key) const;
    // The label and help text the form shows for a field (translated).
    static QString fieldLabel(const QString& key);
    static QString fieldHelp(const QString& key);

    // Teaching mode: only these fields are shown; an empty list shows every field.
    void setVisibleFields(const QStringList& keys);
    QStringList visibleFields() const { return visible_; }
    void setReadOnly(bool readOnly);

signals:
    // After every change of a field (by the user or setFieldText), once validation ran.
    void edited();
    void validityChanged(bool valid);

private:
    struct Field;
    void build();
    void revalidate();
    void showValue(Field& f, const nlohmann::json& value);
    nlohmann::json readValue(const Field& f) const;
    void onEdited();

    std::vector<Field*> fields_;
    QHash<QString, Field*> byKey_;
    QLabel* generalErrors_ = nullptr;
    QLabel* warningLabel_ = nullptr;
    std::vector<ft::ConfigError> errors_;
    QStringList warnings_;
    std::optional<ft::RunConfig> valid_;
    nlohmann::json lastGood_;  // the last config that parsed (stands in for fields whose text does not parse)
    nlohmann::json unknown_;   // keys of the loaded config that no field claims
    QStringList visible_;
    bool loading_ = false;
};

}  // namespace ftw
