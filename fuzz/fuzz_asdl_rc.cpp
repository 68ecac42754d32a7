// AsdlRc on any bytes: the input is a project's `.asdlrc`, read from its file as the app
// reads it, with a fixed environment (so that ${HOME}, ${PDK_ROOT} expand). An rc it accepts
// must give absolute library roots and backend config, each rc variable once, and the search
// order the compiler would use: --lib first, then the rc's roots.
#include "core/design/asdl/asdl_rc.h"
#include "fuzz/scratch_dir.h"

#include <cstdlib>
#include <filesystem>
#include <set>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& dir = ScratchDir::instance();
    const std::string rc =
        dir.write(".asdlrc", std::string(reinterpret_cast<const char*>(data), size));
    const std::string entry = dir.write("design.asdl", "top: t\n");
    const AsdlRc::Environment environment = {
        {"HOME", "/home/user"}, {"PDK_ROOT", "/opt/pdk"}, {"ASDL_LIB_PATH", "/lib/a:rel/b"}};
    auto parsed = AsdlRc::load(entry, {}, environment);
    if (parsed) {
        std::error_code error;
        if (!std::filesystem::equivalent(parsed->path, rc, error))
            abort(); // discovery found the rc beside the entry
        for (const auto& root : parsed->libRoots)
            if (root.empty() || root[0] != '/')
                abort();
        if (!parsed->backendConfig.empty() && parsed->backendConfig[0] != '/')
            abort();
        std::set<std::string> names;
        for (const auto& [name, value] : parsed->env)
            if (!names.insert(name).second)
                abort();
        const auto roots = parsed->searchRoots({"/explicit"}, environment);
        if (roots.empty() || roots.front() != "/explicit" ||
            roots.size() < 1 + parsed->libRoots.size())
            abort();
        const auto merged = parsed->merged(environment);
        for (const auto& [name, value] : parsed->env)
            if (!merged.count(name))
                abort();
    }
    dir.clear();
    return 0;
}
