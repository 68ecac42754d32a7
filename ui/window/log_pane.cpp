#include "ui/window/log_pane.h"

#include "core/netlist/ngspice_output.h"
#include "ui/runs/status_colors.h"

#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPlainTextEdit>
#include <QSyntaxHighlighter>
#include <QToolButton>
#include <QVBoxLayout>

namespace {

// Colours lines the way NgspiceOutput classifies them, so the log and the run status agree.
class LogHighlighter : public QSyntaxHighlighter {
public:
    using QSyntaxHighlighter::QSyntaxHighlighter;

protected:
    void highlightBlock(const QString& text) override {
        const auto line = text.toStdString();
        QTextCharFormat format;
        if (NgspiceOutput::isError(line)) {
            format.setForeground(status_colors::failed());
            format.setFontWeight(QFont::Bold);
        } else if (NgspiceOutput::severity(line) == "warning") {
            format.setForeground(status_colors::warning());
        } else if (text.startsWith("wavebench")) {
            format.setForeground(QColor(40, 90, 170));
        } else {
            return;
        }
        setFormat(0, static_cast<int>(text.size()), format);
    }
};

} // namespace

LogPane::LogPane(QWidget* parent) : QWidget(parent) {
    m_editor = new QPlainTextEdit(this);
    m_editor->setReadOnly(true);
    m_editor->setMaximumBlockCount(50000); // bounded: ngspice can print without end
    m_editor->setLineWrapMode(QPlainTextEdit::NoWrap);
    m_editor->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    new LogHighlighter(m_editor->document());

    m_search = new QLineEdit(this);
    m_search->setPlaceholderText("Search the log");
    m_search->setClearButtonEnabled(true);
    auto* previous = new QToolButton(this);
    previous->setText("▲");
    previous->setToolTip("Previous match");
    auto* next = new QToolButton(this);
    next->setText("▼");
    next->setToolTip("Next match (Enter)");
    m_counts = new QLabel(this);

    connect(m_search, &QLineEdit::returnPressed, this, [this] { find(m_search->text()); });
    connect(next, &QToolButton::clicked, this, [this] { find(m_search->text()); });
    connect(previous, &QToolButton::clicked, this, [this] { find(m_search->text(), true); });

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(0, 0, 0, 0);
    bar->addWidget(m_search, 1);
    bar->addWidget(previous);
    bar->addWidget(next);
    bar->addWidget(m_counts);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(2, 2, 2, 2);
    layout->addLayout(bar);
    layout->addWidget(m_editor, 1);
    updateCounts();
}

void LogPane::appendLines(const QStringList& lines) {
    for (const auto& line : lines) {
        const auto text = line.toStdString();
        if (NgspiceOutput::isError(text))
            ++m_errors;
        else if (NgspiceOutput::severity(text) == "warning")
            ++m_warnings;
    }
    m_editor->appendPlainText(lines.join('\n'));
    updateCounts();
}

void LogPane::clear() {
    m_editor->clear();
    m_errors = 0;
    m_warnings = 0;
    updateCounts();
}

QString LogPane::text() const {
    return m_editor->toPlainText();
}

bool LogPane::find(const QString& text, bool backwards) {
    if (text.isEmpty())
        return false;
    const auto flags = backwards ? QTextDocument::FindBackward : QTextDocument::FindFlags();
    if (m_editor->find(text, flags))
        return true;
    // Wrap around once, like any editor's search.
    auto cursor = m_editor->textCursor();
    cursor.movePosition(backwards ? QTextCursor::End : QTextCursor::Start);
    m_editor->setTextCursor(cursor);
    return m_editor->find(text, flags);
}

void LogPane::updateCounts() {
    m_counts->setText(QString("%1 errors, %2 warnings").arg(m_errors).arg(m_warnings));
    m_counts->setStyleSheet(
        m_errors ? "color: " + status_colors::failed().name() + "; font-weight: bold;" : "");
}
