#pragma once

#include "core/base/result.h"

#include <map>
#include <set>
#include <string>
#include <vector>

struct AsdlSpiceElement {
    std::string name; // lower case
    std::vector<std::string> tokens;
    std::string file;
    int line = 0;
};

// The top level or one subckt of the netlist.
struct AsdlSpiceScope {
    std::string name; // "" for the top level
    std::string file;
    int line = 0;
    std::vector<std::string> ports;
    std::vector<AsdlSpiceElement> elements;
    std::map<std::string, size_t> byName;
    std::set<std::string> nodes;

    const AsdlSpiceElement* find(const std::string& element) const;
    // "the top level", ".subckt ota (file:line)": for messages.
    std::string describe() const;
};

struct AsdlSpiceModel {
    std::string type;
    int level = 0;
    std::string version;
};

// The netlist the ASDL compiler emitted, read tolerantly for its structure only: scopes
// (top level and subckts), their elements and nodes, models and globals, all lower case.
// Includes are followed when the file exists; a model library that is not installed (a
// PDK) is skipped, because the join needs only the elements the compiler wrote. Pure logic
// (reads the files).
class AsdlSpiceDeck {
public:
    // Fails only when the netlist itself cannot be read.
    static Result<AsdlSpiceDeck> read(const std::string& path);

    AsdlSpiceScope top;
    std::map<std::string, AsdlSpiceScope> subckts;
    std::map<std::string, AsdlSpiceModel> models;
    std::set<std::string> globals{"0", "gnd"};
    std::vector<std::string> skipped; // includes that could not be read

private:
    void readFile(const std::string& path, bool main, const std::string& section, int depth);
    static std::string cardValue(const std::string& text, const std::string& key);
    static std::string stripComment(const std::string& text);
    static std::string originalWord(const std::string& text, size_t index);

    std::set<std::string> m_seen;
};
