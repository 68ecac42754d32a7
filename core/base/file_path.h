#pragma once

#include <string>

// File-system paths a user wrote (an .asdlrc, an import, a .include, --lib), made absolute
// the way POSIX and the tools beside us (asdlc, ngspice) read them. Qt's own path helpers
// take ":name" for a Qt resource and call it absolute, so a user's ":x" would never reach
// the disk and would not start with '/' (found by fuzz_asdl_rc). Pure logic.
namespace file_path {

// Starts with '/'.
bool isAbsolute(const std::string& path);
// `path` if absolute, else `baseDir`/`path` (a relative baseDir is taken from the current
// directory); ".", ".." and repeated '/' removed, no trailing '/'. Never looks at the disk.
std::string absolute(const std::string& path, const std::string& baseDir);
// absolute(path, current directory).
std::string absolute(const std::string& path);

} // namespace file_path
