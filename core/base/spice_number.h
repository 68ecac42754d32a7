#pragma once

#include <optional>
#include <string>
#include <string_view>

// SPICE numbers, read and written in one place, locale-free (std::from_chars/to_chars):
// "4.7k", "1meg", "10uF", "2mil". Pure logic.
namespace spice_number {

// A number with an optional scale suffix (t g meg k m u n p f a mil, any case; "M" is
// milli) and unit letters after it. No inf, nan or hex. Blanks around it are allowed.
std::optional<double> parse(std::string_view text);
// The shortest text that reads back to the same double: "4700", "1e-06", "0.05";
// integers below 1e15 without an exponent; "nan", "inf", "-inf".
std::string format(double value);

} // namespace spice_number
