#include "ui/window/asdl_settings_dialog.h"

#include <QCheckBox>
#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace {
QWidget* withBrowse(QLineEdit* edit, QWidget* parent, const std::function<QString()>& browse) {
    auto* row = new QWidget(parent);
    auto* layout = new QHBoxLayout(row);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(edit, 1);
    auto* button = new QPushButton("Browse…", row);
    layout->addWidget(button);
    QObject::connect(button, &QPushButton::clicked, row, [edit, browse] {
        const QString path = browse();
        if (!path.isEmpty())
            edit->setText(path);
    });
    return row;
}
} // namespace

AsdlSettingsDialog::AsdlSettingsDialog(const QString& designFolder, const Values& values,
                                       QWidget* parent)
    : QDialog(parent) {
    setObjectName("asdlSettingsDialog");
    setWindowTitle("ASDL project settings");
    auto* layout = new QVBoxLayout(this);
    auto* intro = new QLabel("For the designs in " + designFolder + ":", this);
    intro->setWordWrap(true);
    layout->addWidget(intro);
    auto* form = new QFormLayout;
    m_asdlrc = new QLineEdit(values.asdlrc, this);
    m_asdlrc->setObjectName("asdlrcPath");
    m_asdlrc->setPlaceholderText("the nearest .asdlrc above the design");
    form->addRow(".asdlrc", withBrowse(m_asdlrc, this, [this, designFolder] {
                     return QFileDialog::getOpenFileName(this, "ASDL project file", designFolder,
                                                         "ASDL rc files (.asdlrc *.asdlrc);;All "
                                                         "files (*)",
                                                         nullptr, QFileDialog::DontUseNativeDialog);
                 }));
    m_asdlc = new QLineEdit(values.asdlc, this);
    m_asdlc->setObjectName("asdlcPath");
    m_asdlc->setPlaceholderText("asdlc on PATH");
    form->addRow("ASDL compiler", withBrowse(m_asdlc, this, [this] {
                     return QFileDialog::getOpenFileName(this, "The ASDL compiler (asdlc)");
                 }));
    m_builtIn = new QCheckBox("Read with the built-in reader, not the compiler", this);
    m_builtIn->setChecked(values.builtInReader);
    form->addRow(QString(), m_builtIn);
    layout->addLayout(form);
    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);
    layout->addWidget(buttons);
    resize(560, sizeHint().height());
}

AsdlSettingsDialog::Values AsdlSettingsDialog::values() const {
    return {m_asdlrc->text().trimmed(), m_asdlc->text().trimmed(), m_builtIn->isChecked()};
}
