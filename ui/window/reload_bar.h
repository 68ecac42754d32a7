#pragma once

#include <QFrame>

class QLabel;
class QPushButton;

// The bar above the plots that says the design changed on disk and offers to read it again
// or to re-run it (an ASDL design is compiled again first). It hides itself on either
// choice and on Dismiss; a newer change shows it again.
// Thread: GUI.
class ReloadBar : public QFrame {
    Q_OBJECT
public:
    explicit ReloadBar(QWidget* parent = nullptr);
    // Shows the bar naming the changed files (paths shown relative to the design's folder),
    // with those of earlier reports while it is still shown.
    void showChanged(const QStringList& files, const QString& designFolder);
    QString message() const;
    QPushButton* rerunButton() const { return m_rerun; }
    QPushButton* reloadButton() const { return m_reload; }

signals:
    void reloadRequested();
    void rerunRequested();

private:
    QLabel* m_text = nullptr;
    QPushButton* m_reload = nullptr;
    QPushButton* m_rerun = nullptr;
    QStringList m_files; // reported since the bar was last hidden
};
