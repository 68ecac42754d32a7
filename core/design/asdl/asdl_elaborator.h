#pragma once

#include "core/base/result.h"
#include "core/design/asdl/asdl_program.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

// One instance atom of an elaborated module, connected pin by pin.
struct AsdlInstanceAtom {
    std::string literal, rendered, authoredRef;
    int line = 0;
    AsdlTarget target;
    const AsdlInstanceDecl* decl = nullptr;
    std::map<std::string, std::string> conns; // pin -> net literal
};

struct AsdlNetAtom {
    std::string literal, rendered;
    bool port = false;
    int line = 0;
};

// A module with its instance and net names expanded to atoms and every instance's ports
// connected.
struct AsdlElaboratedModule {
    const AsdlModuleDecl* decl = nullptr;
    std::vector<AsdlInstanceAtom> instances;
    std::vector<AsdlNetAtom> nets;
    std::vector<std::string> ports; // literals, in order
    std::map<std::string, size_t> instanceIndex, netIndex;
};

// Elaborates the modules of a loaded program: instances and nets expanded, endpoints
// bound (broadcast along named axes), instance_defaults applied to the ports the nets left
// open, every port checked connected. A module is elaborated once, with every module it
// instantiates. Pure logic.
class AsdlElaborator {
public:
    explicit AsdlElaborator(const AsdlProgram& program);
    ~AsdlElaborator();

    // `top` and every module below it; the message names the file and line at fault.
    Result<const AsdlElaboratedModule*> elaborate(const AsdlModuleDecl& top);

    // A module below a top that elaborate() accepted.
    const AsdlElaboratedModule& elaborated(const AsdlModuleDecl& module) const;
    const std::vector<std::string>& portsOf(const AsdlTarget& target) const;

private:
    const AsdlElaboratedModule& elaborateOrFail(const AsdlModuleDecl& module);
    const std::vector<std::string>& portsOrFail(const AsdlTarget& target);
    void build(const AsdlModuleDecl& module, const std::string& file, AsdlElaboratedModule& e);

    const AsdlProgram& m_program;
    std::map<const AsdlModuleDecl*, std::unique_ptr<AsdlElaboratedModule>> m_done;
    std::vector<const AsdlModuleDecl*> m_stack;
};
