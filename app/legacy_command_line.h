#pragma once

#include <set>
#include <string>
#include <vector>

// The command lines wavebench-run took before it had subcommands, as subcommand lines:
// `NETLIST ...` is `run NETLIST ...`, `--tree DESIGN ...` is `tree DESIGN ...` and
// `--job SPEC ...` is `job SPEC ...`. A line that starts with a subcommand, asks for the
// overall help or is empty stays as it is. Pure logic.
class LegacyCommandLine {
public:
    // `arguments` without the program name.
    static std::vector<std::string> toSubcommands(std::vector<std::string> arguments,
                                                  const std::set<std::string>& subcommands);
};
