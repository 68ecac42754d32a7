#pragma once

#include <string>

// The name rules every part of the ASDL reader shares: identifiers, net names, module
// symbols, how the compiler names a realization, and `file:line` locations for messages.
// Pure logic.
namespace asdl_names {

// "file:line", or "file" when the line is unknown (0).
std::string where(const std::string& file, int line);
bool isIdentifier(const std::string& text);
// Nets may be plain numbers ('0' is ground in SPICE).
bool isNetName(const std::string& text);
// `cell` or `cell@view`.
bool isModuleSymbol(const std::string& text);
// `cell@view` is emitted as the subckt `cell_view`, `cell@default` as `cell`.
std::string realizationName(const std::string& symbol);
// Absolute and clean, so that one file has one name.
std::string normalizedPath(const std::string& path);

} // namespace asdl_names
