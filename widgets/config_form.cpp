// SPDX-License-Identifier: GPL-3.0-or-later
// The experiment form. See config_form.h.
#include "config_form.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFormLayout>
#include <QGroupBox>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QScrollArea>
#include <QSignalBlocker>
#include <QVBoxLayout>
#include <algorithm>
#include <functional>
#include <set>

#include "ft/config/config_schema.h"
#include "ft/config/validation.h"

namespace ftw {

using nlohmann::json;

struct ConfigForm::Field {
    const ft::FieldSchema* schema = nullptr;
    QString key;
    QWidget* row = nullptr;  // editor + error label
    QLabel* label = nullptr;
    QLabel* error = nullptr;
    QLineEdit* line = nullptr;
    QComboBox* combo = nullptr;
    QCheckBox* check = nullptr;
    QFormLayout* form = nullptr;
};

namespace {

QString q(const std::string& s) { return QString::fromStdString(s); }

QString sectionTitle(const std::string& section) {
    if (section.empty()) return ConfigForm::tr("Experiment");
    if (section == "model") return ConfigForm::tr("Model");
    if (section == "data") return ConfigForm::tr("Data");
    if (section == "train") return ConfigForm::tr("Training");
    if (section == "sparse") return ConfigForm::tr("Sparsity");
    if (section == "ensemble") return ConfigForm::tr("Ensemble");
    if (section == "edst") return ConfigForm::tr("EDST");
    if (section == "pf") return ConfigForm::tr("Prune and fine-tune");
    if (section == "eval") return ConfigForm::tr("Evaluation");
    return q(section);
}

bool isList(ft::FieldType t) { return t == ft::FieldType::IntegerList || t == ft::FieldType::NumberList; }

// Whether a JSON value has the type the config reader wants for a field; values that fail are reported by the
// reader (type errors), the others by validate().
bool typeMatches(const ft::FieldSchema& s, const json& v) {
    switch (s.type) {
        case ft::FieldType::Bool: return v.is_boolean();
        case ft::FieldType::Integer: return v.is_number_integer();
        case ft::FieldType::Number: return v.is_number();
        case ft::FieldType::String: return v.is_string();
        case ft::FieldType::Choice:
            return v.is_string() &&
                   std::find(s.choices.begin(), s.choices.end(), v.get<std::string>()) != s.choices.end();
        case ft::FieldType::IntegerList:
            return v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_number_integer(); });
        case ft::FieldType::NumberList:
            return v.is_array() && std::all_of(v.begin(), v.end(), [](const json& e) { return e.is_number(); });
    }
    return false;
}

// Text -> JSON as the user means it: JSON first (so 1e-3 and 250 work), then the locale's decimal comma; text that
// is neither stays a string for the core to name.
json parseScalar(const QString& text, bool number) {
    const std::string s = text.trimmed().toStdString();
    json v = json::parse(s, nullptr, false);
    if (!v.is_discarded() && (v.is_number() || !number)) return v;
    if (number) {
        bool ok = false;
        const double d = QLocale().toDouble(text.trimmed(), &ok);
        if (ok) return d;
    }
    return s;
}

QString scalarText(const json& v) {
    if (v.is_string()) return q(v.get<std::string>());
    if (v.is_null()) return {};
    return q(v.dump());
}

void collectLeaves(const json& node, const std::string& prefix, std::map<std::string, json>& out) {
    if (!node.is_object()) {
        out[prefix] = node;
        return;
    }
    for (auto it = node.begin(); it != node.end(); ++it)
        collectLeaves(*it, prefix.empty() ? it.key() : prefix + "." + it.key(), out);
}

}  // namespace

std::vector<FieldDifference> configDifferences(const json& base, const json& current) {
    std::map<std::string, json> a, b;
    collectLeaves(base, "", a);
    collectLeaves(current, "", b);
    std::set<std::string> keys;
    for (const auto& [k, v] : a) keys.insert(k);
    for (const auto& [k, v] : b) keys.insert(k);
    std::vector<FieldDifference> out;
    for (const auto& k : keys) {
        const json va = a.count(k) ? a[k] : json();
        const json vb = b.count(k) ? b[k] : json();
        if (va != vb) out.push_back({k, va, vb});
    }
    return out;
}

ConfigForm::ConfigForm(QWidget* parent) : QWidget(parent) {
    build();
    setConfigJson(json::object());
}

ConfigForm::~ConfigForm() { qDeleteAll(fields_); }

void ConfigForm::build() {
    auto* outer = new QVBoxLayout(this);
    outer->setContentsMargins(0, 0, 0, 0);
    generalErrors_ = new QLabel(this);
    generalErrors_->setWordWrap(true);
    generalErrors_->setObjectName(QStringLiteral("generalErrors"));
    generalErrors_->setStyleSheet(QStringLiteral("color: #d55e00;"));
    generalErrors_->hide();
    warningLabel_ = new QLabel(this);
    warningLabel_->setWordWrap(true);
    warningLabel_->setObjectName(QStringLiteral("warnings"));
    warningLabel_->hide();
    outer->addWidget(generalErrors_);
    outer->addWidget(warningLabel_);

    auto* scroll = new QScrollArea(this);
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    auto* content = new QWidget(scroll);
    auto* sections = new QVBoxLayout(content);
    scroll->setWidget(content);
    outer->addWidget(scroll, 1);

    std::map<std::string, QFormLayout*> forms;
    for (const auto& s : ft::config_schema()) {
        QFormLayout*& form = forms[s.section];
        if (!form) {
            auto* box = new QGroupBox(sectionTitle(s.section), content);
            box->setObjectName(QStringLiteral("section_") + q(s.section.empty() ? "experiment" : s.section));
            form = new QFormLayout(box);
            form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
            sections->addWidget(box);
        }
        auto* f = new Field;
        f->schema = &s;
        f->key = q(s.key);
        f->form = form;
        f->row = new QWidget(content);
        auto* rowLayout = new QVBoxLayout(f->row);
        rowLayout->setContentsMargins(0, 0, 0, 0);
        rowLayout->setSpacing(2);
        QWidget* editorWidget = nullptr;
        if (s.type == ft::FieldType::Bool) {
            f->check = new QCheckBox(f->row);
            connect(f->check, &QCheckBox::toggled, this, &ConfigForm::onEdited);
            editorWidget = f->check;
        } else if (!s.choices.empty()) {
            f->combo = new QComboBox(f->row);
            for (const auto& c : s.choices) f->combo->addItem(q(c));
            f->combo->setEditable(!s.closed_choices);
            f->combo->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
            f->combo->setMinimumContentsLength(8);
            connect(f->combo, &QComboBox::currentTextChanged, this, &ConfigForm::onEdited);
            editorWidget = f->combo;
        } else {
            f->line = new QLineEdit(f->row);
            if (isList(s.type))
                f->line->setPlaceholderText(tr("comma-separated, e.g. %1").arg(QStringLiteral("18, 19, 20")));
            connect(f->line, &QLineEdit::textEdited, this, &ConfigForm::onEdited);
            editorWidget = f->line;
        }
        editorWidget->setObjectName(q(s.key));
        editorWidget->setAccessibleName(fieldLabel(f->key));
        rowLayout->addWidget(editorWidget);
        f->error = new QLabel(f->row);
        f->error->setWordWrap(true);
        f->error->setObjectName(q(s.key) + QStringLiteral(".error"));
        f->error->setStyleSheet(QStringLiteral("color: #d55e00;"));  // Okabe-Ito vermillion
        f->error->setTextInteractionFlags(Qt::TextSelectableByMouse);
        f->error->hide();
        rowLayout->addWidget(f->error);
        f->label = new QLabel(fieldLabel(f->key), content);
        f->label->setBuddy(editorWidget);
        form->addRow(f->label, f->row);
        fields_.push_back(f);
        byKey_.insert(f->key, f);
    }
    sections->addStretch(1);
}

void ConfigForm::showValue(Field& f, const json& value) {
    if (f.check) {
        f.check->setChecked(value.is_boolean() && value.get<bool>());
    } else if (f.combo) {
        const QString text = scalarText(value);
        const int i = f.combo->findText(text);
        if (i >= 0)
            f.combo->setCurrentIndex(i);
        else if (f.combo->isEditable())
            f.combo->setEditText(text);
        else {
            // A value the list does not offer (from a file): show it, so the core's message has something to name.
            f.combo->addItem(text);
            f.combo->setCurrentIndex(f.combo->count() - 1);
        }
    } else if (f.line) {
        if (value.is_array()) {
            QStringList parts;
            for (const auto& e : value) parts << scalarText(e);
            f.line->setText(parts.join(QStringLiteral(", ")));
        } else {
            f.line->setText(scalarText(value));
        }
        f.line->setCursorPosition(0);  // long texts show their beginning
    }
}

json ConfigForm::readValue(const Field& f) const {
    const auto type = f.schema->type;
    if (f.check) return f.check->isChecked();
    const QString text = f.combo ? f.combo->currentText() : f.line->text();
    if (type == ft::FieldType::String || type == ft::FieldType::Choice) return text.toStdString();
    if (isList(type)) {
        const QString t = text.trimmed();
        const QString inner =
            t.startsWith(QLatin1Char('[')) && t.endsWith(QLatin1Char(']')) ? t.mid(1, t.size() - 2) : t;
        json arr = json::array();
        if (inner.trimmed().isEmpty()) return arr;
        for (const auto& part : inner.split(QLatin1Char(','))) arr.push_back(parseScalar(part, true));
        return arr;
    }
    return parseScalar(text, true);
}

void ConfigForm::setConfigJson(const json& config) {
    loading_ = true;
    const json defaults = ft::config_to_json(ft::RunConfig{});
    unknown_ = json::object();
    if (config.is_object()) {
        // Keys no field claims are kept, so the core reports them as unknown settings.
        std::map<std::string, json> leaves;
        collectLeaves(config, "", leaves);
        for (const auto& [k, v] : leaves)
            if (!ft::find_field_schema(k) && !k.empty()) ft::set_json_at(unknown_, k, v);
    }
    for (auto* f : fields_) {
        const json* v = config.is_object() ? ft::json_at(config, f->schema->key) : nullptr;
        showValue(*f, v ? *v : *ft::json_at(defaults, f->schema->key));
    }
    lastGood_ = defaults;
    loading_ = false;
    revalidate();
}

json ConfigForm::configJson() const {
    json out = unknown_;
    for (const auto* f : fields_) ft::set_json_at(out, f->schema->key, readValue(*f));
    return out;
}

void ConfigForm::onEdited() {
    if (loading_) return;
    revalidate();
    emit edited();
}

void ConfigForm::revalidate() {
    const bool wasValid = isValid() && valid_.has_value();
    json current = configJson();
    errors_.clear();
    warnings_.clear();
    valid_.reset();

    std::vector<std::string> warnings;
    std::set<std::string> typeBad;
    // The reader reports type errors and stops; validate() runs only on a config that reads. So a field whose text
    // does not parse is reported, then replaced by its last good value to let validate() check the rest.
    for (int pass = 0; pass < 2; ++pass) {
        warnings.clear();
        try {
            valid_ = ft::config_from_json(current, "form", &warnings);
            if (pass == 0) lastGood_ = current;
            break;
        } catch (const ft::ConfigException& e) {
            bool anyTypeError = false;
            for (const auto& err : e.errors()) {
                const auto* s = ft::find_field_schema(err.field);
                const json* v = ft::json_at(current, err.field);
                const bool typeError = !s || !v || !typeMatches(*s, *v);
                if (pass == 1 && typeBad.count(err.field)) continue;  // about the stand-in value
                errors_.push_back(err);
                if (typeError && s) {
                    typeBad.insert(err.field);
                    anyTypeError = true;
                }
                if (!s) anyTypeError = true;  // unknown keys: nothing to substitute, stop here
            }
            if (!anyTypeError || pass == 1 || !unknown_.empty()) break;
            for (const auto& k : typeBad) {
                const json* good = ft::json_at(lastGood_, k);
                ft::set_json_at(current, k, good ? *good : ft::find_field_schema(k)->default_value);
            }
        }
    }
    if (!errors_.empty())
        valid_.reset();
    else
        for (const auto& w : warnings) warnings_ << q(w);

    // Inline messages, the core's text as is.
    QStringList general;
    for (auto* f : fields_) {
        const QString text = errorText(f->key);
        f->error->setText(text);
        f->error->setVisible(!text.isEmpty());
        if (!text.isEmpty())
            f->row->setProperty("invalid", true);
        else
            f->row->setProperty("invalid", QVariant());
    }
    for (const auto& e : errors_)
        if (!byKey_.contains(q(e.field))) general << q(e.message());
    generalErrors_->setText(general.join(QLatin1Char('\n')));
    generalErrors_->setVisible(!general.isEmpty());
    warningLabel_->setText(warnings_.join(QLatin1Char('\n')));
    warningLabel_->setVisible(!warnings_.isEmpty());

    // Tooltips: help, type, default and the range for the config as it stands (some ranges follow other fields).
    ft::RunConfig context;
    try {
        context = ft::config_from_json(lastGood_, "form");
    } catch (const ft::ConfigException&) {}
    for (auto* f : fields_) {
        const auto& s = *f->schema;
        const std::string range = ft::field_range(s.key, context);
        QString tip = QStringLiteral("<b>%1</b> <code>%2</code>").arg(fieldLabel(f->key).toHtmlEscaped(), f->key);
        const QString help = fieldHelp(f->key);
        if (!help.isEmpty()) tip += QStringLiteral("<p>") + help.toHtmlEscaped() + QStringLiteral("</p>");
        if (!range.empty()) tip += tr("<p>Valid: %1</p>").arg(q(range).toHtmlEscaped());
        tip += tr("<p>Default: %1</p>").arg(scalarText(s.default_value).toHtmlEscaped());
        f->label->setToolTip(tip);
        if (auto* w = editor(f->key)) w->setToolTip(tip);
    }
    if (wasValid != isValid()) emit validityChanged(isValid());
}

QString ConfigForm::errorText(const QString& key) const {
    QStringList lines;
    for (const auto& e : errors_)
        if (q(e.field) == key) lines << q(e.message());
    return lines.join(QLatin1Char('\n'));
}

QStringList ConfigForm::keys() const {
    QStringList out;
    for (const auto* f : fields_) out << f->key;
    return out;
}

QWidget* ConfigForm::editor(const QString& key) const {
    const auto* f = byKey_.value(key);
    if (!f) return nullptr;
    if (f->check) return f->check;
    if (f->combo) return f->combo;
    return f->line;
}

bool ConfigForm::setFieldText(const QString& key, const QString& text) {
    auto* f = byKey_.value(key);
    if (!f) return false;
    // One revalidation and one edited() per call, whatever signals the editor emits on the way.
    const QSignalBlocker blocker(editor(key));
    if (f->check) {
        const QString t = text.trimmed().toLower();
        if (t != QLatin1String("true") && t != QLatin1String("false")) return false;
        f->check->setChecked(t == QLatin1String("true"));
    } else if (f->combo) {
        const int i = f->combo->findText(text);
        if (i >= 0)
            f->combo->setCurrentIndex(i);
        else if (f->combo->isEditable())
            f->combo->setEditText(text);
        else
            return false;
    } else {
        f->line->setText(text);
    }
    onEdited();
    return true;
}

QString ConfigForm::fieldText(const QString& key) const {
    const auto* f = byKey_.value(key);
    if (!f) return {};
    if (f->check) return f->check->isChecked() ? QStringLiteral("true") : QStringLiteral("false");
    if (f->combo) return f->combo->currentText();
    return f->line->text();
}

void ConfigForm::setVisibleFields(const QStringList& keys) {
    visible_ = keys;
    for (auto* f : fields_) f->form->setRowVisible(f->row, keys.isEmpty() || keys.contains(f->key));
    // A section whose every row is hidden is hidden too.
    std::map<QFormLayout*, bool> any;
    for (auto* f : fields_) any[f->form] = any[f->form] || keys.isEmpty() || keys.contains(f->key);
    for (auto [form, shown] : any)
        if (form->parentWidget()) form->parentWidget()->setVisible(shown);
}

void ConfigForm::setReadOnly(bool readOnly) {
    for (auto* f : fields_) {
        if (f->line) f->line->setReadOnly(readOnly);
        if (f->combo) f->combo->setEnabled(!readOnly);
        if (f->check) f->check->setEnabled(!readOnly);
    }
}

}  // namespace ftw
