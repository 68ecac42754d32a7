#pragma once

#include <string>
#include <string_view>
#include <vector>

// The text helpers every folder needs, in one place. ASCII only: SPICE, crefs and HDF5
// names are ASCII, and the C library's locale must not change what a netlist means.
// Pure logic.
namespace text {

std::string lower(std::string_view text);
// Without leading and trailing blanks, tabs, CR and LF.
std::string trim(std::string_view text);
// Words separated by white space.
std::vector<std::string> words(std::string_view text);
// The first word, lower case: ".tran", "foreach", "r1"; "" for a blank line.
std::string firstWord(std::string_view text);
// "a.b..c" -> a, b, "", c; no parts for an empty text.
std::vector<std::string> split(std::string_view text, char separator);
std::string join(const std::vector<std::string>& parts, std::string_view separator,
                 size_t from = 0);
bool startsWith(std::string_view text, std::string_view prefix);
bool endsWith(std::string_view text, std::string_view suffix);
// A letter or '_', then letters, digits and '_': a .param name, an ASDL name.
bool isIdentifier(std::string_view text);
// Valid UTF-8 (what HDF5 link names, JSON and Qt hold); ASCII is.
bool isUtf8(std::string_view text);
// The text with each byte that is not printable ASCII as \xNN, for a message naming it.
std::string escaped(std::string_view text);

} // namespace text
