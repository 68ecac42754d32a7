#pragma once

#include "core/base/result.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

// A trace computed from other traces: `top.nodes.out.v - top.nodes.in.v`, `deriv(x)`,
// `db(top.nodes.out.v)`, `2.2u * integ(top.v1.i)`. Pointwise arithmetic and functions are
// muparser's (its parser, bulk evaluation, abs sqrt exp log10 min max ...); what we add
// around it: crefs as names (dots), SPICE suffixes in constants (1k, 2.2u, 10meg), and the
// functions over a whole series that muparser cannot express, each evaluated on its
// argument's series and handed to muparser as a variable:
//   deriv(x)  backward difference over the coordinate (NaN at the first sample)
//   integ(x)  running trapezoidal integral from the first sample
//   avg(x)    running average over the coordinate;  rms(x)  running RMS
//   mag(x), db(x) = 20 log10 |x|, ph(x) = phase in degrees, unwrapped
// A complex (AC) cref keeps its phase inside mag/db/ph when it is their whole argument;
// anywhere else it stands for its magnitude.
//
// Evaluation is causal, so a live trace is fed its new samples only (append) and gives the
// same values as evaluating the whole run at once. Units are derived by dimensional analysis
// (V - V is V, V/A is Ω, deriv of V is V/s, a sum of V and A is "?"), hand written: each input
// is scaled by its unit and the expression's response read off.
//
// Thread: any, one at a time (each object owns its muparser instances).
class TraceExpression {
public:
    // One cref's samples: y, and for a complex vector its imaginary part.
    struct Input {
        const double* y = nullptr;
        const double* imag = nullptr;
        std::string unit;
    };
    using Inputs = std::map<std::string, Input>;

    TraceExpression();
    ~TraceExpression();
    TraceExpression(TraceExpression&&) noexcept;
    TraceExpression& operator=(TraceExpression&&) noexcept;

    // Errors name the position or the function; crefs are not checked yet.
    static Result<TraceExpression> parse(const std::string& text);
    const std::string& text() const { return m_text; }
    // The crefs it reads, in order of first use.
    const std::vector<std::string>& crefs() const { return m_crefs; }
    // The cref itself (and nothing else): a trace to plot as it is.
    bool isPlainCref() const;

    // The next n samples: x, and each cref's values at those x (inputs must hold every cref;
    // a missing one is an error naming it). Returns n outputs; running functions carry
    // their state to the next call.
    Result<std::vector<double>> append(const double* x, size_t n, const Inputs& inputs);
    // Forgets the running state: the next append starts a new trace.
    void reset();

    // "V", "V/s", "Ω", "dB", "" (dimensionless) or "?" (mixed units).
    std::string unit(const std::map<std::string, std::string>& crefUnits,
                     const std::string& xUnit) const;

    struct Node; // the parsed form, defined in the .cpp

private:
    std::string m_text;
    std::vector<std::string> m_crefs;
    std::unique_ptr<Node> m_root;
};
