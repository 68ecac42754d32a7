#pragma once

#include "core/base/result.h"
#include "core/design/asdl/asdl_document.h"

#include <string>
#include <vector>

// Which file an import names (spec_asdl_import), as `asdlc` finds it: `$VAR`, `${VAR}` and
// a leading `~` expanded; `./`, `../` and absolute paths taken from the importing file's
// folder; any other path is logical and must match exactly one file under the library
// roots, then the ASDL_LIB_PATH environment variable's. Reads the file system and the
// environment, nothing else; pure logic otherwise, any thread.
class AsdlImportResolver {
public:
    // The normalized path of the imported file; the message names `importer:line`.
    static Result<std::string> resolve(const std::string& importer, const AsdlImportDecl& import,
                                       const std::vector<std::string>& libRoots);
};
