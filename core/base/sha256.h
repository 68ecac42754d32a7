#pragma once

#include <string>
#include <string_view>

// SHA-256 as lowercase hex (what QCryptographicHash::hash(...).toHex() gives), through
// OpenSSL's libcrypto, which uses the CPU's SHA extensions: a run's 2.7 MB tree.json is
// digested in 1.5 ms instead of Qt 6.4's 25 ms (220 M instructions). Pure logic; any thread.
namespace sha256 {
std::string hex(std::string_view bytes);
}
