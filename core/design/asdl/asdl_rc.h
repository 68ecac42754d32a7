#pragma once

#include "core/base/result.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

// A project's `.asdlrc`, read by the rules of the ASDL compiler's own `asdl/cli/config.py`
// (copied, so that Wavebench and `asdlc` find the same libraries): the nearest ancestor
// folder of the entry file holds it unless a path is given; `schema_version: 1`; the `env`
// values expand `${ASDLRC_DIR}` and `${VAR}` (the process environment, then the rc's own
// variables, in file order, up to 10 passes; an unknown `${VAR}` stays as written); relative
// `lib_roots` and `backend_config` are relative to the rc's folder.
// Thread: any (pure logic and file reading).
class AsdlRc {
public:
    using Environment = std::map<std::string, std::string>;
    using Variables = std::vector<std::pair<std::string, std::string>>;

    std::string path;                  // the rc, absolute; empty: the design has none
    std::vector<std::string> libRoots; // absolute, in file order
    std::string backendConfig;         // absolute; empty: none named
    Variables env;                     // expanded, in file order

    // The nearest `.asdlrc` in the entry's folder or above; "" when there is none.
    static std::string discover(const std::string& entryFile);
    // `explicitPath` empty: discover(entryFile), and no rc is an empty AsdlRc. Errors name the
    // rc file and line.
    static Result<AsdlRc> load(const std::string& entryFile, const std::string& explicitPath = {});
    static Result<AsdlRc> load(const std::string& entryFile, const std::string& explicitPath,
                               const Environment& environment);
    static Result<AsdlRc> parse(const std::string& rcPath, const Environment& environment);

    // The process environment as a map.
    static Environment processEnvironment();

    // What the compiler's process sees: `environment` with the rc's variables added where it
    // has none (the compiler's os.environ.setdefault: the process environment wins).
    Environment merged(const Environment& environment) const;
    // The rc's variables as the compiler and ngspice get them (merged() for just those names).
    Variables effectiveEnv(const Environment& environment) const;

    // The compiler's library search order: `explicitRoots` (--lib) first, then the rc's, then
    // ASDL_LIB_PATH (of merged(environment), `:`-separated, relative to the working folder).
    std::vector<std::string> searchRoots(const std::vector<std::string>& explicitRoots,
                                         const Environment& environment) const;
};
