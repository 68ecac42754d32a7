#pragma once

#include "core/design/asdl/asdl_pattern.h"

#include <map>
#include <string>
#include <utility>
#include <vector>

// The authored ASDL documents as read from YAML, before imports are resolved and modules
// elaborated: every declaration keeps the line it was written on, for messages. Plain
// values. Pure logic.

using AsdlKeyValues = std::vector<std::pair<std::string, std::string>>;

struct AsdlImportDecl {
    std::string ns, path;
    int line = 0;
    size_t file = 0; // the imported document, once the program has loaded it
};

struct AsdlBackendDecl {
    std::string templateText;
    AsdlKeyValues parameters, variables, props;
    int line = 0;
};

struct AsdlDeviceDecl {
    std::string name;
    size_t file = 0; // the program's index of the document that declares it
    int line = 0;
    std::vector<std::string> ports;
    AsdlKeyValues parameters, variables;
    std::map<std::string, AsdlBackendDecl> backends;
};

struct AsdlInstanceDecl {
    std::string nameExpr, ref;
    AsdlKeyValues parameters;
    int line = 0;
};

struct AsdlEndpointDecl {
    std::string expr;
    int line = 0;
};

struct AsdlNetDecl {
    std::string nameExpr;
    bool port = false;
    int line = 0;
    std::vector<AsdlEndpointDecl> endpoints;
};

struct AsdlDefaultsDecl {
    std::string ref;
    int line = 0;
    std::vector<std::pair<std::string, std::string>> bindings; // port -> net token
};

struct AsdlModuleDecl {
    std::string name;
    size_t file = 0; // the program's index of the document that declares it
    int line = 0;
    std::vector<AsdlInstanceDecl> instances;
    std::vector<AsdlNetDecl> nets;
    AsdlNamedPatterns patterns;
    AsdlKeyValues parameters, variables;
    std::vector<AsdlDefaultsDecl> defaults;
};

struct AsdlDocument {
    std::string path;
    std::vector<AsdlImportDecl> imports;
    std::string top;
    int topLine = 0;
    std::vector<AsdlModuleDecl> modules;
    std::vector<AsdlDeviceDecl> devices;
};
