#pragma once

#include "core/base/result.h"
#include "core/design/asdl/asdl_document.h"

#include <string>

// One ASDL document (the YAML of the public Jianxun/ASDL project, current form: imports,
// top, modules, devices) read into an AsdlDocument. Checks what one document can check
// alone: keys, names, refs' syntax, named patterns; imports are only declared here, the
// program resolves them. Every message names `path:line`. Pure logic.
class AsdlDocumentParser {
public:
    // `path` names the document in messages and in the result; `yaml` is its text.
    static Result<AsdlDocument> parse(const std::string& path, const std::string& yaml);
};
