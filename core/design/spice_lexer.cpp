#include "core/design/spice_lexer.h"

#include "core/base/file_path.h"
#include "core/base/text.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

namespace fs = std::filesystem;

namespace {

using Card = SpiceLexer::Card;
using Text = SpiceLexer::Text;

bool isSpace(char c) {
    return std::isspace(static_cast<unsigned char>(c)) != 0;
}

std::string where(const SourceLocation& at) {
    return at.line > 0 ? at.file + ":" + std::to_string(at.line) : at.file;
}

std::string where(const std::string& file, int line) {
    return where(SourceLocation{file, line});
}

std::vector<std::string> physicalLines(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream stream(text);
    std::string line;
    while (std::getline(stream, line)) {
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        lines.push_back(std::move(line));
    }
    return lines;
}

// Builds the cards of one text line by line, as ngspice's inp_read and its continuation
// stitching do.
class Lexing {
public:
    Lexing(const std::string& file, Text& out) : m_file(file), m_out(out) {}

    void line(int number, const std::string& raw) {
        const std::string line = text::trim(raw);
        if (m_control >= 0) {
            auto& block = m_out.controls[static_cast<size_t>(m_control)];
            if (text::firstWord(SpiceLexer::withoutComment(line)) == ".endc") {
                block.endLine = number;
                m_control = -1;
            } else {
                block.lines.push_back(number);
                block.body.push_back(raw);
            }
            return;
        }
        if (line.empty() || line[0] == '*' || line[0] == '$' || line[0] == '#')
            return; // comment lines: a continuation may follow them
        if (line[0] == ';') {
            // ngspice keeps this line as a card of its own and ignores it; `+` lines after
            // it continue that card.
            flush();
            m_ignoredSince = number;
            return;
        }
        const std::string content = SpiceLexer::withoutComment(line);
        if (content.empty())
            return;
        if (content[0] == '+') {
            continueWith(number, text::trim(content.substr(1)));
            return;
        }
        flush();
        m_ignoredSince = 0;
        const std::string head = text::firstWord(content);
        if (head == ".control") {
            m_out.controls.push_back({{m_file, number}, 0, {}, {}});
            m_control = static_cast<int>(m_out.controls.size()) - 1;
            return;
        }
        if (head == ".end" && m_stopAtEnd) {
            m_out.endLine = number;
            m_ended = true;
            return;
        }
        m_pending = Card{content, {}, {m_file, number}, {number}, -1};
    }

    void finish() { flush(); }
    bool ended() const { return m_ended; }
    void stopAtEnd(bool stop) { m_stopAtEnd = stop; }

private:
    void continueWith(int number, const std::string& rest) {
        if (m_pending.lines.empty()) {
            m_out.warnings.push_back(
                m_ignoredSince
                    ? where(m_file, number) + ": continuation of the line at " +
                          std::to_string(m_ignoredSince) +
                          ", which starts with ';'; ngspice ignores both"
                    : where(m_file, number) + ": continuation line with no card before it; "
                                              "ngspice ignores it");
            return;
        }
        if (!rest.empty())
            m_pending.text += " " + rest;
        m_pending.lines.push_back(number);
    }

    void flush() {
        if (m_pending.lines.empty())
            return;
        Card card = std::move(m_pending);
        m_pending = Card{};
        card.tokens = SpiceLexer::words(card.text);
        const std::string head = card.head();
        // `.lib file section` includes; `.lib name` opens a section, `.endl` closes it. The
        // delimiting cards themselves are outside the section.
        if (head == ".lib" && card.tokens.size() < 3 && m_section < 0) {
            const std::string name =
                card.tokens.size() > 1 ? text::lower(SpiceLexer::unquoted(card.tokens[1])) : "";
            m_out.sections.push_back({name, card.at, 0});
            m_out.cards.push_back(std::move(card));
            m_section = static_cast<int>(m_out.sections.size()) - 1;
            return;
        }
        if (head == ".endl" && m_section >= 0) {
            m_out.sections[static_cast<size_t>(m_section)].endLine = card.at.line;
            m_section = -1;
            m_out.cards.push_back(std::move(card));
            return;
        }
        card.section = m_section;
        m_out.cards.push_back(std::move(card));
    }

    const std::string m_file;
    Text& m_out;
    Card m_pending;     // lines empty: none
    int m_control = -1; // inside .control: the index of its block
    int m_section = -1;
    int m_ignoredSince = 0; // the `;` line that continuations now join
    bool m_stopAtEnd = true;
    bool m_ended = false;
};

// Includes and library sections, as SpiceReader used to splice them.
class Including {
public:
    explicit Including(const SpiceLexer::IncludeOptions& options) : m_options(options) {}

    using Status = Result<bool>;

    Status top(const std::string& text, const std::string& file, std::vector<Card>& out) {
        m_stack.push_back(file);
        const Text lexed = SpiceLexer::lex(text, file);
        if (auto problem = closed(lexed); !problem.ok())
            return problem;
        return splice(outsideSections(lexed), file, out);
    }

    std::vector<std::string> warnings;

    static bool readWhole(const std::string& path, std::string& text) {
        std::error_code error;
        if (!fs::is_regular_file(path, error))
            return false;
        std::ifstream in(path, std::ios::binary);
        if (!in)
            return false;
        std::ostringstream buffer;
        buffer << in.rdbuf();
        text = buffer.str();
        return true;
    }

private:
    static std::vector<Card> outsideSections(const Text& lexed) {
        std::vector<Card> cards;
        for (const auto& card : lexed.cards)
            if (card.section < 0)
                cards.push_back(card);
        return cards;
    }

    // Every .control block and every section of a file read whole must be closed.
    Status closed(const Text& lexed) {
        warnings.insert(warnings.end(), lexed.warnings.begin(), lexed.warnings.end());
        if (auto problem = lexed.unclosedControl(); !problem.empty())
            return Status::failure(problem);
        for (const auto& section : lexed.sections)
            if (!section.endLine)
                return Status::failure(where(section.at) + ": .lib section \"" + section.name +
                                       "\" has no .endl");
        return true;
    }

    static std::string resolve(const std::string& includingFile, const std::string& name) {
        fs::path path(name);
        if (path.is_relative())
            path = fs::path(includingFile).parent_path() / path;
        return path.lexically_normal().string();
    }

    Status missing(const std::string& message) {
        if (!m_options.tolerateMissing)
            return Status::failure(message);
        warnings.push_back(message);
        return true;
    }

    Status splice(const std::vector<Card>& cards, const std::string& file, std::vector<Card>& out) {
        for (const Card& card : cards) {
            const std::string head = card.head();
            if (head == ".endc" || head == ".endl" || head == ".end")
                continue; // stray, or the .end of an included file: ngspice reads on
            if (head == ".include" || head == ".inc") {
                if (card.tokens.size() < 2)
                    return Status::failure(where(card.at) + ": " + head + " without a file name");
                const std::string name = SpiceLexer::unquoted(card.tokens[1]);
                if (auto done =
                        load(resolve(file, name), "", card.at, head + " \"" + name + "\"", out);
                    !done.ok())
                    return done;
                continue;
            }
            if (head == ".lib") {
                // `.lib name` opens a section definition: read only when selected.
                if (card.tokens.size() < 3)
                    continue;
                const std::string name = SpiceLexer::unquoted(card.tokens[1]);
                const std::string section = text::lower(SpiceLexer::unquoted(card.tokens[2]));
                if (auto done = load(resolve(file, name), section, card.at,
                                     ".lib \"" + name + "\" " + section, out);
                    !done.ok())
                    return done;
                continue;
            }
            out.push_back(card);
        }
        return true;
    }

    Status load(const std::string& path, const std::string& section, const SourceLocation& from,
                const std::string& what, std::vector<Card>& out) {
        const std::string key = section.empty() ? path : path + " section " + section;
        if (std::find(m_stack.begin(), m_stack.end(), key) != m_stack.end())
            return Status::failure(where(from) + ": " + what + " is included recursively (" +
                                   text::join(m_stack, " -> ") + " -> " + key + ")");
        // PDK netlists select several sections of one large library file: read it once.
        auto cached = m_texts.find(path);
        if (cached == m_texts.end()) {
            std::string content;
            if (!readWhole(path, content))
                return missing(where(from) + ": " + what + ": file not found (" + path + ")");
            cached = m_texts.emplace(path, SpiceLexer::lex(content, path, {false, false})).first;
            warnings.insert(warnings.end(), cached->second.warnings.begin(),
                            cached->second.warnings.end());
            if (auto problem = cached->second.unclosedControl(); !problem.empty())
                return Status::failure(problem);
        }
        const Text& lexed = cached->second; // map nodes stay put on insertion
        std::vector<Card> selected;
        if (section.empty()) {
            for (const auto& s : lexed.sections)
                if (!s.endLine)
                    return Status::failure(where(s.at) + ": .lib section \"" + s.name +
                                           "\" has no .endl");
            selected = outsideSections(lexed);
        } else {
            const auto found =
                std::find_if(lexed.sections.begin(), lexed.sections.end(),
                             [&](const SpiceLexer::Section& s) { return s.name == section; });
            if (found == lexed.sections.end())
                return missing(where(from) + ": " + what + ": no section \"" + section + "\" in " +
                               path);
            if (!found->endLine)
                return Status::failure(where(found->at) + ": .lib section \"" + section +
                                       "\" has no .endl");
            const int index = static_cast<int>(found - lexed.sections.begin());
            for (const auto& card : lexed.cards)
                if (card.section == index)
                    selected.push_back(card);
        }
        m_stack.push_back(key);
        auto done = splice(selected, path, out);
        m_stack.pop_back();
        return done;
    }

    const SpiceLexer::IncludeOptions m_options;
    std::vector<std::string> m_stack;    // files (and sections) being read
    std::map<std::string, Text> m_texts; // every file read, lexed
};

} // namespace

std::string SpiceLexer::Card::head() const {
    return tokens.empty() ? std::string() : text::lower(tokens.front());
}

std::string SpiceLexer::Text::unclosedControl() const {
    for (const auto& block : controls)
        if (!block.endLine)
            return where(block.at) + ": .control without .endc";
    return {};
}

SpiceLexer::Text SpiceLexer::lex(const std::string& text, const std::string& file,
                                 const Options& options) {
    Text out;
    out.lines = physicalLines(text);
    Lexing lexing(file, out);
    lexing.stopAtEnd(options.stopAtEnd);
    for (size_t i = options.title ? 1 : 0; i < out.lines.size() && !lexing.ended(); ++i)
        lexing.line(static_cast<int>(i) + 1, out.lines[i]);
    lexing.finish();
    return out;
}

std::string SpiceLexer::binaryProblem(const std::string& text, const std::string& file) {
    const auto nul = text.find('\0');
    if (nul == std::string::npos)
        return {};
    const auto line = 1 + std::count(text.begin(), text.begin() + static_cast<long>(nul), '\n');
    return file + ":" + std::to_string(line) +
           ": not a SPICE netlist (binary data: a NUL byte; is this the right file?)";
}

Result<SpiceLexer::Deck> SpiceLexer::expand(const std::string& text, const std::string& file,
                                            const IncludeOptions& options) {
    if (auto problem = binaryProblem(text, file); !problem.empty())
        return Result<Deck>::failure(problem);
    Including including(options);
    Deck deck;
    if (auto done = including.top(text, file, deck.cards); !done.ok())
        return Result<Deck>::failure(done.error());
    deck.warnings = std::move(including.warnings);
    return deck;
}

Result<SpiceLexer::Deck> SpiceLexer::expandFile(const std::string& path,
                                                const IncludeOptions& options) {
    std::string text;
    if (!Including::readWhole(path, text))
        return Result<Deck>::failure(path + ": cannot open the netlist");
    return expand(text, path, options);
}

std::vector<std::string> SpiceLexer::words(const std::string& text) {
    std::vector<std::string> words;
    std::string current;
    char quote = 0;
    int braces = 0;
    int parentheses = 0;
    for (char c : text) {
        if (quote) {
            current += c;
            if (c == quote)
                quote = 0;
            continue;
        }
        if (c == '\'' || c == '"')
            quote = c;
        else if (c == '{')
            ++braces;
        else if (c == '}' && braces > 0)
            --braces;
        else if (c == '(')
            ++parentheses;
        else if (c == ')' && parentheses > 0)
            --parentheses;
        // ngspice separates fields by commas too; inside `v(a,b)` or `pwl(0,0 ...)` a comma
        // is part of the expression.
        const bool separator = isSpace(c) || (c == ',' && parentheses == 0);
        if (braces == 0 && separator) {
            if (!current.empty())
                words.push_back(std::move(current));
            current.clear();
            continue;
        }
        current += c;
    }
    if (!current.empty())
        words.push_back(std::move(current));

    std::vector<std::string> tokens;
    for (size_t i = 0; i < words.size(); ++i) {
        const std::string& word = words[i];
        if (word.front() == '=' && !tokens.empty()) {
            tokens.back() += word;
        } else {
            tokens.push_back(word);
        }
        while (tokens.back().back() == '=' && i + 1 < words.size())
            tokens.back() += words[++i];
    }
    return tokens;
}

std::string SpiceLexer::withoutComment(const std::string& line) {
    for (size_t i = 0; i < line.size(); ++i) {
        const char c = line[i];
        const bool comment = (c == ';' && i > 0) ||
                             (c == '$' && i > 0 &&
                              (line[i - 1] == ' ' || line[i - 1] == '\t' || line[i - 1] == ',')) ||
                             (c == '/' && i + 1 < line.size() && line[i + 1] == '/');
        if (comment)
            return text::trim(line.substr(0, i));
    }
    return text::trim(line);
}

bool SpiceLexer::isAnalysis(const std::string& head) {
    static const std::set<std::string> analyses = {".tran", ".ac",   ".dc", ".op",    ".noise",
                                                   ".tf",   ".sens", ".pz", ".disto", ".sp"};
    return analyses.count(head) > 0;
}

std::string SpiceLexer::unquoted(const std::string& word) {
    if (word.size() >= 2 && (word.front() == '\'' || word.front() == '"') &&
        word.back() == word.front())
        return word.substr(1, word.size() - 2);
    return word;
}

std::string SpiceLexer::withAbsolutePath(const std::string& line, const std::string& baseDir) {
    std::istringstream stream(line);
    std::string keyword, path;
    stream >> keyword >> path;
    if (path.empty())
        return line;
    std::string rest;
    std::getline(stream, rest);
    char quote = 0;
    if (path.size() >= 2 && (path.front() == '"' || path.front() == '\'')) {
        quote = path.front();
        path = path.substr(1, path.size() - 2);
    }
    if (file_path::isAbsolute(path) || path.rfind('~', 0) == 0)
        return line;
    std::string absolute = file_path::absolute(path, baseDir);
    if (quote || absolute.find(' ') != std::string::npos)
        absolute = "\"" + absolute + "\"";
    return keyword + " " + absolute + rest;
}

std::string SpiceLexer::withAbsolutePaths(const std::string& text, const std::string& baseDir) {
    std::string out;
    out.reserve(text.size() + 256);
    bool inControl = false;
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos)
            end = text.size();
        const std::string line = text.substr(start, end - start);
        const std::string head = text::firstWord(line);
        if (head == ".control")
            inControl = true;
        else if (head == ".endc")
            inControl = false;
        const bool path = head == ".include" || head == ".inc" ||
                          (head == ".lib" && text::words(line).size() >= 3);
        out += !inControl && path ? withAbsolutePath(line, baseDir) : line;
        if (end < text.size())
            out += '\n';
        start = end + 1;
    }
    return out;
}
