#pragma once

#include "core/design/hierarchy_tree.h"

#include <QRegularExpression>
#include <string>
#include <string_view>
#include <vector>

// A filter of a HierarchyTree by cref, as the hierarchy browser's filter box reads it: a
// pattern with `*`, `?`, `[` or an ASDL group `<...>` is a glob matched against the whole
// cref (QRegularExpression::wildcardToRegularExpression: `*mn_in*`, `top.dut.row1*`; and
// `<a|b>` either alternative, `<1:3>` a number of the range: `top.dut.row<1:3>.cell<2|4>`),
// anything else a substring of the cref; both ignore case. marks() runs it over the whole tree at
// once, so that a view shows the matches and their ancestors without building a row for
// every node. Pure logic; one filter may be used from one thread at a time.
class HierarchyFilter {
public:
    enum Mark : char { Hidden = 0, OnPath = 1, Match = 2 };

    explicit HierarchyFilter(const std::string& pattern = {});

    static bool isGlobPattern(std::string_view pattern);
    const std::string& pattern() const { return m_pattern; } // trimmed
    bool isEmpty() const { return m_pattern.empty(); }
    bool isGlob() const { return m_glob; }

    // Whether the cref itself matches; an empty filter matches everything.
    bool matches(std::string_view cref) const;

    // One mark per node id: Match, OnPath for an ancestor of a match that does not match
    // itself, Hidden for the rest. Empty for an empty filter (everything shows).
    std::vector<char> marks(const HierarchyTree& tree) const;

private:
    std::string m_pattern;
    std::string m_lowerPattern;
    bool m_glob = false;
    QRegularExpression m_regex;
    mutable QString m_buffer; // the cref being matched, in UTF-16, reused
};
