#pragma once

#include "core/base/result.h"
#include "core/design/asdl/asdl_document.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

// What a ref names: a module or a device of the document it resolves in.
struct AsdlTarget {
    const AsdlModuleDecl* module = nullptr;
    const AsdlDeviceDecl* device = nullptr;
    std::string symbol;
};

// The documents of one design: the entry file and what it imports, transitively
// (spec_asdl_import). Namespaces are per file, loading is transitive, visibility is not, a
// file is loaded once, cycles are errors. Declarations stay where they are loaded, so the
// pointers a ref resolves to live as long as the program. Pure logic (reads the files).
class AsdlProgram {
public:
    explicit AsdlProgram(std::vector<std::string> libRoots);

    // Loads the document at `path` and its imports; its index for document().
    Result<size_t> load(const std::string& path);
    const AsdlDocument& document(size_t index) const { return *m_documents[index]; }
    size_t documentCount() const { return m_documents.size(); }

    // `symbol`, `cell@view`, `ns.symbol` as written in `document`; the message names
    // `location` and what is known instead.
    Result<AsdlTarget> resolve(const AsdlDocument& document, const std::string& ref,
                               const std::string& location) const;

    // `top` of the entry document, or its only module.
    static Result<const AsdlModuleDecl*> topModule(const AsdlDocument& entry);

private:
    Result<size_t> load(const std::string& path, std::vector<std::string>& chain);
    Result<bool> loadImports(AsdlDocument& document, std::vector<std::string>& chain);

    std::vector<std::string> m_libRoots;
    std::vector<std::unique_ptr<AsdlDocument>> m_documents;
    std::map<std::string, size_t> m_byPath;
};
