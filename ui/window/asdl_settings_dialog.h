#pragma once

#include <QDialog>

class QCheckBox;
class QLineEdit;

// The ASDL project settings of a design's folder: the .asdlrc that overrides the one found
// above the design, the ASDL compiler to run (empty: asdlc on PATH) and whether to read with
// the built-in reader instead. Reads and writes nothing itself: MainWindow keeps them in
// QSettings.
// Thread: GUI.
class AsdlSettingsDialog : public QDialog {
    Q_OBJECT
public:
    struct Values {
        QString asdlrc; // empty: the nearest .asdlrc above the design
        QString asdlc;  // empty: asdlc on PATH
        bool builtInReader = false;
    };
    AsdlSettingsDialog(const QString& designFolder, const Values& values,
                       QWidget* parent = nullptr);
    Values values() const;

private:
    QLineEdit* m_asdlrc = nullptr;
    QLineEdit* m_asdlc = nullptr;
    QCheckBox* m_builtIn = nullptr;
};
