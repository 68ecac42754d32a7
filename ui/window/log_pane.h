#pragma once

#include <QWidget>

class QLabel;
class QLineEdit;
class QPlainTextEdit;

// ngspice's output for the current run: errors and warnings highlighted, searchable,
// with a running count. Lives on the GUI thread.
class LogPane : public QWidget {
    Q_OBJECT
public:
    explicit LogPane(QWidget* parent = nullptr);

    void appendLines(const QStringList& lines);
    void clear();
    // Selects the next (or previous) line holding `text`; false when there is none.
    bool find(const QString& text, bool backwards = false);

    int errorCount() const { return m_errors; }
    int warningCount() const { return m_warnings; }
    QString text() const;
    QPlainTextEdit* editor() const { return m_editor; }

private:
    void updateCounts();

    QPlainTextEdit* m_editor = nullptr;
    QLineEdit* m_search = nullptr;
    QLabel* m_counts = nullptr;
    int m_errors = 0;
    int m_warnings = 0;
};
