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
} // namespace

HierarchyFilter::HierarchyFilter(const std::string& pattern)
    : m_pattern(text::trim(pattern)), m_glob(isGlobPattern(m_pattern)) {
    m_lowerPattern = m_pattern;
    std::transform(m_lowerPattern.begin(), m_lowerPattern.end(), m_lowerPattern.begin(),
                   lowerAscii);
    // Crefs are written in lower case, but netlists are not case-sensitive and neither are
    // the people typing into the filter.
    if (m_glob) {
        m_regex = QRegularExpression(
            QRegularExpression::wildcardToRegularExpression(QString::fromStdString(m_pattern)),
            QRegularExpression::CaseInsensitiveOption);
        m_regex.optimize();
    }
}

bool HierarchyFilter::isGlobPattern(std::string_view pattern) {
    return pattern.find_first_of("*?[") != std::string_view::npos;
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
