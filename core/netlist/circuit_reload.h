#pragma once

#include <optional>
#include <set>
#include <string>
#include <vector>

// Whether the next run's netlist can be had from the circuit ngspice has loaded, by commands
// on the deck ngspice keeps in memory, and exactly: results equal, bit for bit, those of the
// netlist loaded afresh in a new library. ngspice's `reset` re-parses that stored deck
// without reading the netlist and its PDK files again (GF180 OTA: 4 ms against 50 ms for
// ngSpice_Circ, which reads 1.3 MB of models char by char). Measured with ngspice 39:
//
// - A Monte Carlo point differs by the `.options seed=N` line JobNetlist writes. The deck is
//   loaded without it, after `setseed N`: `.options seed=N` does the same before numparam
//   draws (srand(N), the Tausworthe state from it, rndseed=N). A later seed: `setseed M`,
//   `reset`.
// - A sweep point differs by `.param NAME=NUMBER` lines: `alterparam NAME=NUMBER` rewrites
//   every `.param NAME` line of the stored deck (split one assignment a line), then `reset`.
//   alterparam also rewrites `.param NAME` inside a `.subckt`, where the fresh netlist's
//   top-level line would not reach: such a deck needs a new load.
// - Comment lines (the job's point label) may differ.
//
// Anything else (corner libraries, analyses, other lines) needs a new load; so does a deck
// whose random draws do not all come from the seed (trnoise and trrandom sources draw while
// simulating; without a seed line any agauss() continues the previous run's sequence), or
// with `.if` blocks (a parameter may select its cards), or whose included files changed
// since they were read. Pure logic (factsOf and filesUnchanged read the files); any thread.
class CircuitReload {
public:
    struct Deck {
        std::vector<std::string> lines; // for ngSpice_Circ: without the seed line
        long long seed = -1;            // to `setseed` before the load; -1: none
    };
    // What the loaded deck holds with its includes read, found once per loaded circuit.
    struct Facts {
        bool draws = false;  // agauss(), gauss(), unif(), aunif() or limit() somewhere
        bool unsafe = false; // trnoise, trrandom or .if: never reloaded
        std::set<std::string> subcircuitParameters; // .param names inside .subckt, lower case
        // The files its cards came from, as they were read: ngspice's stored deck holds
        // their old text, so a file changed since needs a new load.
        struct Stamp {
            std::string path;
            long long size = -1;
            long long modifiedMs = -1;
            bool operator==(const Stamp& other) const {
                return path == other.path && size == other.size && modifiedMs == other.modifiedMs;
            }
        };
        std::vector<Stamp> files;
    };

    static Deck deckFor(const std::vector<std::string>& lines);
    // `text`: the netlist as ngspice gets it (absolute includes); `file` names it. A deck
    // whose includes cannot be read is unsafe.
    static Facts factsOf(const std::string& text, const std::string& file);
    // Every file of `facts` is as it was read (size and modification time), and was last
    // modified at least a second before `loadedAtMs` (when ngspice read it; file times are
    // coarse).
    static bool filesUnchanged(const Facts& facts, long long loadedAtMs);
    // Whether `next` may differ from `loaded` in a way reload() could give, without reading
    // the loaded deck's includes: false means a new load, whatever the facts.
    static bool mayReload(const Deck& loaded, const Deck& next);
    // The commands, ending with `reset`, that turn the loaded deck into `next`; nullopt when
    // only a new load gives `next` exactly.
    static std::optional<std::vector<std::string>> reload(const Deck& loaded, const Facts& facts,
                                                          const Deck& next);
};
