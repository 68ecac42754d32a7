#include "core/design/asdl/asdl_spice_deck.h"

#include "core/base/text.h"
#include "core/design/asdl/asdl_failure.h"
#include "core/design/asdl/asdl_names.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QTextStream>
#include <cctype>
#include <cstdlib>

namespace {

// Splits a SPICE line on blanks, keeping '...', "..." and {...} whole.
std::vector<std::string> spiceTokens(const std::string& line) {
    std::vector<std::string> tokens;
    std::string token;
    char quote = 0;
    for (char c : line) {
        if (quote) {
            token += c;
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
            token += c;
        } else if (c == '{') {
            quote = '}';
            token += c;
        } else if (std::isspace(static_cast<unsigned char>(c)) || c == ',') {
            if (!token.empty())
                tokens.push_back(token);
            token.clear();
        } else {
            token += c;
        }
    }
    if (!token.empty())
        tokens.push_back(token);
    return tokens;
}

} // namespace

const AsdlSpiceElement* AsdlSpiceScope::find(const std::string& element) const {
    auto it = byName.find(element);
    return it == byName.end() ? nullptr : &elements[it->second];
}

std::string AsdlSpiceScope::describe() const {
    return name.empty() ? "the top level"
                        : ".subckt " + name + " (" + asdl_names::where(file, line) + ")";
}

Result<AsdlSpiceDeck> AsdlSpiceDeck::read(const std::string& path) {
    AsdlSpiceDeck deck;
    try {
        deck.readFile(path, true, {}, 0);
    } catch (const AsdlFailure& failure) {
        return Result<AsdlSpiceDeck>::failure(failure.message);
    }
    return deck;
}

void AsdlSpiceDeck::readFile(const std::string& path, bool main, const std::string& section,
                             int depth) {
    const std::string key = path + "#" + section;
    if (depth > 16 || !m_seen.insert(key).second)
        return;
    QFile file(QString::fromStdString(path));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text)) {
        if (main)
            asdlFail(path + ": cannot read the emitted netlist (" +
                     file.errorString().toStdString() + ")");
        skipped.push_back(path);
        return;
    }
    // Logical lines: '+' continues the previous one.
    std::vector<std::pair<std::string, int>> lines;
    QTextStream stream(&file);
    int number = 0;
    while (!stream.atEnd()) {
        const std::string raw = stream.readLine().toStdString();
        ++number;
        if (main && number == 1)
            continue; // SPICE's first line is the title
        const std::string text = text::trim(raw);
        if (!text.empty() && text[0] == '+' && !lines.empty())
            lines.back().first += " " + text.substr(1);
        else
            lines.emplace_back(text, number);
    }
    const QString dir = QFileInfo(file).absolutePath();
    bool inSection = section.empty(), inControl = false;
    std::vector<AsdlSpiceScope*> stack{&top};
    for (const auto& [rawText, line] : lines) {
        std::string text = text::lower(stripComment(rawText));
        if (text.empty() || text[0] == '*')
            continue;
        const auto tokens = spiceTokens(text);
        if (tokens.empty())
            continue;
        const std::string& word = tokens[0];
        if (!section.empty()) {
            if (word == ".lib" && tokens.size() == 2 && tokens[1] == section) {
                inSection = true;
                continue;
            }
            if (word == ".endl") {
                inSection = false;
                continue;
            }
            if (!inSection)
                continue;
        }
        if (word == ".control") {
            inControl = true;
            continue;
        }
        if (word == ".endc") {
            inControl = false;
            continue;
        }
        if (inControl)
            continue;
        if (word == ".end")
            break;
        if (word == ".include" || word == ".inc" || (word == ".lib" && tokens.size() >= 3)) {
            if (tokens.size() < 2)
                continue;
            std::string target = tokens[1];
            if (target.size() >= 2 && (target[0] == '"' || target[0] == '\''))
                target = target.substr(1, target.size() - 2);
            // Netlist text is lower-cased for matching; file names are not.
            const std::string original = originalWord(rawText, 1);
            const QString name = QString::fromStdString(original.empty() ? target : original);
            const QString full = QDir::isAbsolutePath(name) ? name : QDir(dir).filePath(name);
            readFile(QDir::cleanPath(full).toStdString(), false, word == ".lib" ? tokens[2] : "",
                     depth + 1);
            continue;
        }
        if (word == ".subckt" && tokens.size() >= 2) {
            AsdlSpiceScope scope;
            scope.name = tokens[1];
            scope.file = path;
            scope.line = line;
            for (size_t k = 2; k < tokens.size(); ++k) {
                if (tokens[k].find('=') != std::string::npos || tokens[k] == "params:")
                    break;
                scope.ports.push_back(tokens[k]);
            }
            auto& stored = subckts[scope.name];
            if (stored.name.empty())
                stored = scope;
            stack.push_back(&stored);
            continue;
        }
        if (word == ".ends") {
            if (stack.size() > 1)
                stack.pop_back();
            continue;
        }
        if (word == ".model" && tokens.size() >= 3) {
            AsdlSpiceModel model;
            model.type = tokens[2].substr(0, tokens[2].find('('));
            model.level = std::atoi(cardValue(text, "level").c_str());
            model.version = cardValue(text, "version");
            models.emplace(tokens[1], model);
            continue;
        }
        if (word == ".global") {
            for (size_t k = 1; k < tokens.size(); ++k)
                globals.insert(tokens[k]);
            continue;
        }
        if (word[0] == '.')
            continue;
        AsdlSpiceScope& scope = *stack.back();
        AsdlSpiceElement element;
        element.name = word;
        element.tokens = tokens;
        element.file = path;
        element.line = line;
        for (size_t k = 1; k < tokens.size(); ++k) {
            if (tokens[k].find_first_of("=('{") != std::string::npos)
                break;
            scope.nodes.insert(tokens[k]);
        }
        if (!scope.byName.count(element.name)) {
            scope.byName[element.name] = scope.elements.size();
            scope.elements.push_back(std::move(element));
        }
    }
}

// "level" in ".model n nmos (level = 14 version=4.5)" -> "14".
std::string AsdlSpiceDeck::cardValue(const std::string& text, const std::string& key) {
    for (size_t at = text.find(key); at != std::string::npos; at = text.find(key, at + 1)) {
        if (at > 0 &&
            (std::isalnum(static_cast<unsigned char>(text[at - 1])) || text[at - 1] == '_'))
            continue;
        size_t k = at + key.size();
        while (k < text.size() && text[k] == ' ')
            ++k;
        if (k >= text.size() || text[k] != '=')
            continue;
        ++k;
        while (k < text.size() && text[k] == ' ')
            ++k;
        const auto end = text.find_first_of(" )", k);
        return text.substr(k, end == std::string::npos ? std::string::npos : end - k);
    }
    return {};
}

std::string AsdlSpiceDeck::stripComment(const std::string& text) {
    char quote = 0;
    for (size_t i = 0; i < text.size(); ++i) {
        const char c = text[i];
        if (quote) {
            if (c == quote)
                quote = 0;
        } else if (c == '\'' || c == '"') {
            quote = c;
        } else if (c == ';' ||
                   (c == '$' && i > 0 && std::isspace(static_cast<unsigned char>(text[i - 1])))) {
            return text.substr(0, i);
        }
    }
    return text;
}

std::string AsdlSpiceDeck::originalWord(const std::string& text, size_t index) {
    const auto tokens = spiceTokens(stripComment(text));
    if (index >= tokens.size())
        return {};
    std::string word = tokens[index];
    if (word.size() >= 2 && (word[0] == '"' || word[0] == '\''))
        word = word.substr(1, word.size() - 2);
    return word;
}
