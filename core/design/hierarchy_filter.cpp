#include "core/design/hierarchy_filter.h"

#include "core/base/text.h"

#include <algorithm>

namespace {
bool isAscii(std::string_view text) {
    return std::all_of(text.begin(), text.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

char lowerAscii(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// A glob as a regular expression: QRegularExpression::wildcardToRegularExpression's rules,
// plus ASDL's pattern groups, so that the names people write in ASDL find their instances:
// `<a|b>` is either alternative (each a glob), `<3:1>` any number of the range, so
// `top.dut.row<1:3>.*` is rows 1 to 3 and `top.dut.row<1*>` is `top.dut.row1*`.
QString globToRegex(const QString& glob) {
    QString regex;
    qsizetype plain = 0; // the start of the text not yet converted
    auto flush = [&](qsizetype end) {
        if (end > plain) {
            const QString part = QRegularExpression::wildcardToRegularExpression(
                glob.mid(plain, end - plain), QRegularExpression::UnanchoredWildcardConversion);
            regex += part;
        }
    };
    for (qsizetype i = 0; i < glob.size(); ++i) {
        if (glob[i] != '<')
            continue;
        const qsizetype close = glob.indexOf('>', i);
        if (close < 0)
            break;
        flush(i);
        const QString inside = glob.mid(i + 1, close - i - 1);
        QStringList alternatives;
        static const QRegularExpression range(QStringLiteral("^(\\d+):(\\d+)$"));
        if (const auto m = range.match(inside); m.hasMatch()) {
            const int from = m.captured(1).toInt(), to = m.captured(2).toInt();
            for (int n = std::min(from, to); n <= std::max(from, to) && alternatives.size() < 10000;
                 ++n)
                alternatives << QString::number(n);
        } else {
            for (const auto& alternative : inside.split('|'))
                alternatives << QRegularExpression::wildcardToRegularExpression(
                    alternative, QRegularExpression::UnanchoredWildcardConversion);
        }
        regex += "(?:" + alternatives.join('|') + ")";
        plain = close + 1;
        i = close;
    }
    flush(glob.size());
    return QRegularExpression::anchoredPattern(regex);
}
} // namespace

HierarchyFilter::HierarchyFilter(const std::string& pattern)
    : m_pattern(text::trim(pattern)), m_glob(isGlobPattern(m_pattern)) {
    m_lowerPattern = m_pattern;
    std::transform(m_lowerPattern.begin(), m_lowerPattern.end(), m_lowerPattern.begin(),
                   lowerAscii);
    // Crefs are written in lower case, but netlists are not case-sensitive and neither are
    // the people typing into the filter.
    if (m_glob) {
        m_regex = QRegularExpression(globToRegex(QString::fromStdString(m_pattern)),
                                     QRegularExpression::CaseInsensitiveOption);
        m_regex.optimize();
    }
}

bool HierarchyFilter::isGlobPattern(std::string_view pattern) {
    if (pattern.find_first_of("*?[") != std::string_view::npos)
        return true;
    const auto open = pattern.find('<');
    return open != std::string_view::npos && pattern.find('>', open) != std::string_view::npos;
}

bool HierarchyFilter::matches(std::string_view cref) const {
    if (m_pattern.empty())
        return true;
    if (!isAscii(cref) || !isAscii(m_pattern)) {
        const auto text = QString::fromUtf8(cref.data(), static_cast<qsizetype>(cref.size()));
        if (m_glob)
            return m_regex.isValid() && m_regex.match(text).hasMatch();
        return text.contains(QString::fromStdString(m_pattern), Qt::CaseInsensitive);
    }
    if (!m_glob)
        return std::search(cref.begin(), cref.end(), m_lowerPattern.begin(), m_lowerPattern.end(),
                           [](char a, char b) { return lowerAscii(a) == b; }) != cref.end();
    if (!m_regex.isValid())
        return false;
    // An ASCII cref widened in place: no allocation per node of a 500,000-node tree.
    m_buffer.resize(static_cast<qsizetype>(cref.size()));
    QChar* out = m_buffer.data();
    for (const char c : cref)
        *out++ = QLatin1Char(c);
    return m_regex.match(m_buffer).hasMatch();
}

std::vector<char> HierarchyFilter::marks(const HierarchyTree& tree) const {
    if (m_pattern.empty())
        return {};
    std::vector<char> marks(tree.size(), Hidden);
    for (int id = 0; id < static_cast<int>(tree.size()); ++id) {
        if (!matches(tree.node(id).cref))
            continue;
        marks[static_cast<size_t>(id)] = Match;
        // Up to the first ancestor already marked: each node is climbed through once.
        for (int up = tree.parentId(id); up >= 0 && marks[static_cast<size_t>(up)] == Hidden;
             up = tree.parentId(up))
            marks[static_cast<size_t>(up)] = OnPath;
    }
    return marks;
}
