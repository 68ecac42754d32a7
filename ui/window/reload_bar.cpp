#include "ui/window/reload_bar.h"

#include <QDir>
#include <QHBoxLayout>
#include <QLabel>
#include <QPushButton>

ReloadBar::ReloadBar(QWidget* parent) : QFrame(parent) {
    setObjectName("reloadBar");
    setFrameShape(QFrame::StyledPanel);
    // A pale yellow, as editors show "file changed on disk": noticed, not alarming.
    setStyleSheet("#reloadBar { background: #fff4c2; border: 1px solid #e0c860; }");
    auto* layout = new QHBoxLayout(this);
    layout->setContentsMargins(8, 3, 8, 3);
    m_text = new QLabel(this);
    m_text->setTextFormat(Qt::PlainText);
    // The bar must not widen the centre: a long list of files would squeeze the docks (the
    // hierarchy) to nothing. It wraps instead, and its tooltip holds the whole text.
    m_text->setWordWrap(true);
    m_text->setSizePolicy(QSizePolicy::Ignored, QSizePolicy::Preferred);
    m_reload = new QPushButton("Reload", this);
    m_reload->setToolTip("Read the design again (probes whose crefs remain are kept)");
    m_rerun = new QPushButton("Re-run", this);
    m_rerun->setToolTip("Read the design again and run it");
    auto* dismiss = new QPushButton("Dismiss", this);
    layout->addWidget(m_text, 1);
    layout->addWidget(m_reload);
    layout->addWidget(m_rerun);
    layout->addWidget(dismiss);
    connect(m_reload, &QPushButton::clicked, this, [this] {
        hide();
        emit reloadRequested();
    });
    connect(m_rerun, &QPushButton::clicked, this, [this] {
        hide();
        emit rerunRequested();
    });
    connect(dismiss, &QPushButton::clicked, this, &QWidget::hide);
    hide();
}

void ReloadBar::showChanged(const QStringList& files, const QString& designFolder) {
    if (isHidden())
        m_files.clear();
    for (const auto& file : files)
        if (!m_files.contains(file))
            m_files << file;
    const QDir folder(designFolder);
    QStringList names;
    for (const auto& file : m_files)
        names << QDir::toNativeSeparators(folder.relativeFilePath(file));
    const int shown = 3;
    QString list = names.mid(0, shown).join(", ");
    if (names.size() > shown)
        list += QString(" and %1 more").arg(names.size() - shown);
    m_text->setText(list + " changed on disk. The tree and plots show the design as it was read.");
    m_text->setToolTip(QStringList(names).join('\n'));
    show();
}

QString ReloadBar::message() const {
    return m_text->text();
}
