#include "app/legacy_command_line.h"

#include <algorithm>

std::vector<std::string>
LegacyCommandLine::toSubcommands(std::vector<std::string> arguments,
                                 const std::set<std::string>& subcommands) {
    if (arguments.empty() || subcommands.count(arguments.front()) ||
        arguments.front() == "--help" || arguments.front() == "-h")
        return arguments;
    // --job's value and --tree's design are where the subcommand's positional argument goes,
    // so dropping the old flag leaves the line in the subcommand's form. Any other old flag
    // left over (--tree beside --job) is then refused by name, as before.
    for (const char* flag : {"--job", "--tree"}) {
        auto found = std::find(arguments.begin(), arguments.end(), flag);
        if (found == arguments.end())
            continue;
        arguments.erase(found);
        arguments.insert(arguments.begin(), std::string(flag + 2));
        return arguments;
    }
    arguments.insert(arguments.begin(), "run");
    return arguments;
}
