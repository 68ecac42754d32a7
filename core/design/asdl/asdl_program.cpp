#include "core/design/asdl/asdl_program.h"

#include "core/base/text.h"
#include "core/design/asdl/asdl_document_parser.h"
#include "core/design/asdl/asdl_import_resolver.h"
#include "core/design/asdl/asdl_names.h"

#include <QFile>
#include <algorithm>

using asdl_names::where;

AsdlProgram::AsdlProgram(std::vector<std::string> libRoots) : m_libRoots(std::move(libRoots)) {}

Result<size_t> AsdlProgram::load(const std::string& path) {
    std::vector<std::string> chain;
    return load(path, chain);
}

Result<size_t> AsdlProgram::load(const std::string& path, std::vector<std::string>& chain) {
    using R = Result<size_t>;
    const std::string key = asdl_names::normalizedPath(path);
    if (auto it = m_byPath.find(key); it != m_byPath.end())
        return it->second;
    QFile file(QString::fromStdString(key));
    if (!file.open(QIODevice::ReadOnly))
        return R::failure(key + ": cannot read (" + file.errorString().toStdString() + ")");
    auto parsed = AsdlDocumentParser::parse(key, file.readAll().toStdString());
    if (!parsed)
        return R::failure(parsed.error());
    const size_t index = m_documents.size();
    auto& document =
        *m_documents.emplace_back(std::make_unique<AsdlDocument>(std::move(parsed.value())));
    for (auto& module : document.modules)
        module.file = index;
    for (auto& device : document.devices)
        device.file = index;
    m_byPath[key] = index;
    chain.push_back(key);
    if (auto loaded = loadImports(document, chain); !loaded)
        return R::failure(loaded.error());
    chain.pop_back();
    return index;
}

Result<bool> AsdlProgram::loadImports(AsdlDocument& document, std::vector<std::string>& chain) {
    using R = Result<bool>;
    for (auto& import : document.imports) {
        const auto target = AsdlImportResolver::resolve(document.path, import, m_libRoots);
        if (!target)
            return R::failure(target.error());
        if (auto it = std::find(chain.begin(), chain.end(), target.value()); it != chain.end()) {
            std::string cycle;
            for (; it != chain.end(); ++it)
                cycle += *it + " -> ";
            return R::failure(where(document.path, import.line) + ": import cycle " + cycle +
                              target.value());
        }
        const auto loaded = load(target.value(), chain);
        if (!loaded)
            return R::failure(loaded.error());
        import.file = loaded.value();
    }
    return true;
}

Result<AsdlTarget> AsdlProgram::resolve(const AsdlDocument& document, const std::string& ref,
                                        const std::string& location) const {
    using R = Result<AsdlTarget>;
    const AsdlDocument* scope = &document;
    std::string symbol = ref;
    if (const auto dot = ref.find('.'); dot != std::string::npos) {
        const std::string ns = ref.substr(0, dot);
        symbol = ref.substr(dot + 1);
        auto import = std::find_if(document.imports.begin(), document.imports.end(),
                                   [&](const AsdlImportDecl& i) { return i.ns == ns; });
        if (import == document.imports.end()) {
            std::vector<std::string> known;
            for (const auto& i : document.imports)
                known.push_back(i.ns);
            return R::failure(location + ": unknown ref \"" + ref + "\": no import namespace \"" +
                              ns + "\" in " + document.path + " (imports: " +
                              (known.empty() ? std::string("none") : text::join(known, ", ")) +
                              ")");
        }
        scope = m_documents[import->file].get();
    }
    auto findModule = [&](const std::string& name) -> const AsdlModuleDecl* {
        for (const auto& m : scope->modules)
            if (m.name == name)
                return &m;
        return nullptr;
    };
    AsdlTarget target;
    target.symbol = symbol;
    target.module = findModule(symbol);
    // `cell@default` is an explicit alias of the default realization `cell`.
    if (!target.module && text::endsWith(symbol, "@default") && symbol.size() > 8)
        target.module = findModule(symbol.substr(0, symbol.size() - 8));
    if (!target.module)
        for (const auto& d : scope->devices)
            if (d.name == symbol)
                target.device = &d;
    if (!target.module && !target.device)
        return R::failure(location + ": unknown ref \"" + ref + "\": no module or device \"" +
                          symbol + "\" in " + scope->path);
    return target;
}

Result<const AsdlModuleDecl*> AsdlProgram::topModule(const AsdlDocument& entry) {
    using R = Result<const AsdlModuleDecl*>;
    if (!entry.top.empty()) {
        for (const auto& m : entry.modules)
            if (m.name == entry.top)
                return &m;
        return R::failure(where(entry.path, entry.topLine) + ": top \"" + entry.top +
                          "\" is not a module of this file");
    }
    if (entry.modules.size() == 1)
        return &entry.modules.front();
    return R::failure(entry.path + ": no top module (the file has " +
                      std::to_string(entry.modules.size()) + " modules and no top)");
}
