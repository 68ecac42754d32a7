#pragma once

#include <string>
#include <string_view>

// CSV as RFC 4180 writes it, for every table the project exports (job measurements, plot
// data). Pure logic.
namespace csv {

// The text as one field: quoted, with its quotes doubled, when it holds a comma, a quote or
// a line break; as it is otherwise.
std::string field(std::string_view text);

} // namespace csv
