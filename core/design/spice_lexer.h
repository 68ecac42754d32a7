#pragma once

#include "core/base/result.h"
#include "core/design/hierarchy_tree.h"

#include <string>
#include <vector>

// SPICE netlist text as ngspice 39 splits it into cards, the one reading every class here
// shares (SpiceReader, RunNetlist, JobNetlist, MeasureResults). Pure logic.
//
// The rules, each checked against ngspice 39's inpcom.c and its behaviour:
// - The first line of the top file is the title, whatever it holds.
// - Whole-line comments: a line whose first non-blank character is `*`, `$` or `#`, a line
//   that is empty once its end-of-line comment is gone, and blank lines. They may sit
//   between a card and its continuation.
// - End-of-line comments (outside .control): `;` after the first character, `$` after a
//   blank, tab or comma (`b$c` is a name), and `//`. Quotes and braces do not protect them:
//   ngspice cuts `'1k;2k'` too.
// - A line starting with `;` is not a comment line to ngspice: it is an unusual card it
//   ignores, and `+` lines after it continue that card, so they are ignored as well.
// - `+` (the first non-blank character) continues the card before; with no card before,
//   ngspice ignores the line. Both cases give a warning.
// - Cards split into words at blanks and at commas outside parentheses; quotes and braces
//   keep blanks in one word, and `name = value` is one word.
// - .control ... .endc blocks are not cards; their lines are kept as written.
// - `.lib name` ... `.endl` are library sections: their cards are marked with the section.
// - The top file ends at `.end`; included files are read past one, as ngspice does.
//
// Every card maps back to its physical lines, so rewriters can change a card's lines and
// keep the rest of the text as the user wrote it.
class SpiceLexer {
public:
    struct Card {
        std::string text;                // continuations joined, comments gone; case kept
        std::vector<std::string> tokens; // words(text)
        SourceLocation at;               // the file and its first physical line
        std::vector<int> lines;          // its physical lines (1-based): first, continuations
        int section = -1; // index in Text::sections of the `.lib` section it is inside, or -1

        std::string head() const; // the first word, lower case: ".tran", "r1"
    };
    struct ControlBlock {
        SourceLocation at;             // the .control line
        int endLine = 0;               // the .endc line; 0 when there is none
        std::vector<int> lines;        // the lines between, as physical line numbers
        std::vector<std::string> body; // and as written
    };
    struct Section {
        std::string name;  // lower case, unquoted
        SourceLocation at; // the `.lib name` line
        int endLine = 0;   // the .endl line; 0 when there is none
    };
    struct Text {
        std::vector<std::string> lines; // every physical line, line end removed; [0] is line 1
        std::vector<Card> cards;        // in order; not the title, not .control blocks
        std::vector<ControlBlock> controls;
        std::vector<Section> sections;
        int endLine = 0; // the `.end` that ended the top file; 0 when there is none
        std::vector<std::string> warnings; // lines ngspice ignores, naming file and line

        // "file:line: .control without .endc" for the first unclosed block, or "".
        std::string unclosedControl() const;
    };
    struct Options {
        bool title = true;     // false for included files: they have no title line
        bool stopAtEnd = true; // false for included files
    };

    static Text lex(const std::string& text, const std::string& file, const Options& options);
    static Text lex(const std::string& text, const std::string& file) {
        return lex(text, file, Options{});
    }

    // A netlist with its includes read: `.include` files and the sections `.lib file name`
    // selects spliced in where they are named (relative paths from the including file),
    // section definitions, .control blocks, `.end` and stray `.endl`/`.endc` left out.
    struct IncludeOptions {
        // A missing file or section becomes a warning instead of an error.
        bool tolerateMissing = false;
    };
    struct Deck {
        std::vector<Card> cards;
        std::vector<std::string> warnings;
    };
    // `file` names the text in locations and resolves its relative includes. Errors name the
    // file and line: a missing include or section, recursion, an unclosed .control or
    // section.
    static Result<Deck> expand(const std::string& text, const std::string& file,
                               const IncludeOptions& options);
    // The same for a file; an unreadable one is an error, tolerated or not.
    static Result<Deck> expandFile(const std::string& path, const IncludeOptions& options);

    // Why `text` is not a SPICE netlist at all ("" when it may be one): binary data, a NUL
    // byte, names the file and line. Readers refuse such a file before lexing it.
    static std::string binaryProblem(const std::string& text, const std::string& file);
    static std::vector<std::string> words(const std::string& text);
    // The text before ngspice's end-of-line comment (netlist rules, not .control ones).
    static std::string withoutComment(const std::string& line);
    // ".tran", ".ac", ".dc", ".op", ".noise", ...: a dot card that starts an analysis.
    static bool isAnalysis(const std::string& head);
    // 'name' or "name" -> name.
    static std::string unquoted(const std::string& word);
    // ".include models.lib" -> ".include /abs/dir/models.lib" (a `.lib FILE SECTION` line too);
    // quotes are kept, absolute and ~ paths are left as written.
    static std::string withAbsolutePath(const std::string& line, const std::string& baseDir);
    // Every top-level `.include` / `.inc` / `.lib FILE SECTION` line of a netlist text made
    // absolute against `baseDir` (a netlist moved away from the folder its paths are of).
    static std::string withAbsolutePaths(const std::string& text, const std::string& baseDir);
};
