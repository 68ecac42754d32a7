#include "core/analysis/trace_expression.h"

#include "core/base/spice_number.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <limits>
#include <muParser.h>

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
constexpr const char* kNameChars =
    "0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.";
const std::vector<std::string> kSeriesFunctions = {"deriv", "integ", "avg", "rms",
                                                   "mag",   "db",    "ph"};

bool isNameChar(char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.';
}

// muparser's hook for values it does not know: a number with a SPICE suffix ("2.2u", "10meg",
// "1k"). Plain numbers are left to muparser.
int spiceValue(const char* text, int* position, double* value) {
    const char* p = text;
    const char* start = p;
    bool digits = false;
    while (std::isdigit(static_cast<unsigned char>(*p)))
        ++p, digits = true;
    if (*p == '.') {
        ++p;
        while (std::isdigit(static_cast<unsigned char>(*p)))
            ++p, digits = true;
    }
    if (!digits)
        return 0;
    if ((*p == 'e' || *p == 'E') &&
        (std::isdigit(static_cast<unsigned char>(p[1])) ||
         ((p[1] == '+' || p[1] == '-') && std::isdigit(static_cast<unsigned char>(p[2]))))) {
        p += 2;
        while (std::isdigit(static_cast<unsigned char>(*p)))
            ++p;
    }
    const char* letters = p;
    while (std::isalpha(static_cast<unsigned char>(*p)))
        ++p;
    if (p == letters || isNameChar(*p))
        return 0; // no suffix, or a name follows ("1k.x")
    const auto parsed = spice_number::parse(std::string(start, p));
    if (!parsed)
        return 0;
    *value = *parsed;
    *position += static_cast<int>(p - start);
    return 1;
}

// Dimensions over V, A, s, dB, deg; a unit we do not know is a base of its own.
using Dimension = std::array<double, 5>;
struct Unit {
    Dimension d{};
    bool known = true;
};

Unit unitOf(const std::string& unit) {
    static const std::map<std::string, Dimension> table = {
        {"", {0, 0, 0, 0, 0}},     {"V", {1, 0, 0, 0, 0}},    {"A", {0, 1, 0, 0, 0}},
        {"s", {0, 0, 1, 0, 0}},    {"Hz", {0, 0, -1, 0, 0}},  {"Ω", {1, -1, 0, 0, 0}},
        {"Ohm", {1, -1, 0, 0, 0}}, {"W", {1, 1, 0, 0, 0}},    {"S", {-1, 1, 0, 0, 0}},
        {"F", {-1, 1, 1, 0, 0}},   {"C", {0, 1, 1, 0, 0}},    {"H", {1, -1, 1, 0, 0}},
        {"dB", {0, 0, 0, 1, 0}},   {"deg", {0, 0, 0, 0, 1}},  {"°", {0, 0, 0, 0, 1}},
        {"V/s", {1, 0, -1, 0, 0}}, {"A/s", {0, 1, -1, 0, 0}}, {"V·s", {1, 0, 1, 0, 0}},
        {"A·s", {0, 1, 1, 0, 0}}};
    const auto found = table.find(unit);
    if (found == table.end())
        return {{}, false};
    return {found->second, true};
}

std::string nameOf(const Unit& unit) {
    if (!unit.known)
        return "?";
    static const std::vector<std::pair<Dimension, std::string>> names = {
        {{0, 0, 0, 0, 0}, ""},   {{1, 0, 0, 0, 0}, "V"},   {{0, 1, 0, 0, 0}, "A"},
        {{0, 0, 1, 0, 0}, "s"},  {{0, 0, -1, 0, 0}, "Hz"}, {{1, -1, 0, 0, 0}, "Ω"},
        {{1, 1, 0, 0, 0}, "W"},  {{-1, 1, 0, 0, 0}, "S"},  {{-1, 1, 1, 0, 0}, "F"},
        {{0, 1, 1, 0, 0}, "C"},  {{1, -1, 1, 0, 0}, "H"},  {{0, 0, 0, 1, 0}, "dB"},
        {{0, 0, 0, 0, 1}, "deg"}};
    for (const auto& [d, name] : names)
        if (d == unit.d)
            return name;
    static const char* bases[] = {"V", "A", "s", "dB", "deg"};
    std::string up, down;
    for (int b = 0; b < 5; ++b) {
        const double e = unit.d[b];
        if (e == 0)
            continue;
        std::string& side = e > 0 ? up : down;
        if (!side.empty())
            side += "·";
        side += bases[b];
        const double magnitude = std::abs(e);
        if (magnitude != 1) {
            char power[16];
            std::snprintf(power, sizeof power, "^%g", magnitude);
            side += power;
        }
    }
    return (up.empty() ? "1" : up) + (down.empty() ? "" : "/" + down);
}

} // namespace

struct TraceExpression::Node {
    struct Series {
        std::string function;
        std::string variable; // what muparser sees in its place: __s0, __s1 ...
        std::unique_ptr<Node> argument;
        std::string complexCref; // the argument is this cref alone (its phase is kept)
        // Running state.
        bool started = false;
        double firstX = 0, lastX = 0, lastY = 0, lastOut = kNaN;
        double integral = 0, integralOfSquare = 0, lastPhase = 0, phaseTurns = 0;
    };
    std::string expression; // muparser's text
    mu::Parser parser;
    std::vector<std::string> variables; // in muparser's text: crefs and __sK
    std::vector<Series> series;
    std::map<std::string, std::unique_ptr<double>> created; // the factory's, while parsing
    std::map<std::string, std::vector<double>> buffers;

    static double* factory(const char* name, void* self) {
        auto& slot = static_cast<Node*>(self)->created[name];
        slot = std::make_unique<double>(0);
        return slot.get();
    }
};

TraceExpression::TraceExpression() = default;
TraceExpression::~TraceExpression() = default;
TraceExpression::TraceExpression(TraceExpression&&) noexcept = default;
TraceExpression& TraceExpression::operator=(TraceExpression&&) noexcept = default;

namespace {

// Series functions nest (deriv(integ(x))), each level a recursion here: a hostile expression
// must not run the stack out.
constexpr int kMaxNesting = 32;

// Rewrites the series functions into variables, recursively, and lets muparser parse the rest.
Result<std::unique_ptr<TraceExpression::Node>>
parseNode(const std::string& text, std::vector<std::string>& crefs, int& counter, int nesting = 0) {
    using N = TraceExpression::Node;
    using R = Result<std::unique_ptr<N>>;
    if (nesting > kMaxNesting)
        return R::failure("\"" + text.substr(0, 60) + "\": series functions nested more than " +
                          std::to_string(kMaxNesting) + " deep");
    auto node = std::make_unique<N>();
    std::string out;
    for (size_t i = 0; i < text.size();) {
        const char c = text[i];
        const bool starts = (std::isalpha(static_cast<unsigned char>(c)) || c == '_') &&
                            (i == 0 || !isNameChar(text[i - 1]));
        if (!starts) {
            out += c;
            ++i;
            continue;
        }
        size_t end = i;
        while (end < text.size() && isNameChar(text[end]))
            ++end;
        const std::string name = text.substr(i, end - i);
        size_t open = end;
        while (open < text.size() && std::isspace(static_cast<unsigned char>(text[open])))
            ++open;
        const bool series = std::find(kSeriesFunctions.begin(), kSeriesFunctions.end(), name) !=
                            kSeriesFunctions.end();
        if (!series || open >= text.size() || text[open] != '(') {
            out += name;
            i = end;
            continue;
        }
        int depth = 0;
        size_t close = open;
        for (; close < text.size(); ++close) {
            depth += text[close] == '(' ? 1 : text[close] == ')' ? -1 : 0;
            if (depth == 0)
                break;
        }
        if (close >= text.size())
            return R::failure("\"" + text + "\": " + name + "( at position " +
                              std::to_string(i + 1) + " is never closed");
        const std::string argumentText = text.substr(open + 1, close - open - 1);
        if (argumentText.find_first_not_of(" \t") == std::string::npos)
            return R::failure("\"" + text + "\": " + name + "() needs an argument");
        auto argument = parseNode(argumentText, crefs, counter, nesting + 1);
        if (!argument)
            return R::failure(argument.error());
        N::Series s;
        s.function = name;
        s.variable = "__s" + std::to_string(counter++);
        s.argument = std::move(argument.value());
        const auto& inner = s.argument->variables;
        if (inner.size() == 1 && s.argument->series.empty()) {
            std::string trimmed = argumentText;
            trimmed.erase(0, trimmed.find_first_not_of(" \t"));
            trimmed.erase(trimmed.find_last_not_of(" \t") + 1);
            if (trimmed == inner[0])
                s.complexCref = inner[0];
        }
        out += s.variable;
        node->series.push_back(std::move(s));
        i = close + 1;
    }
    node->expression = out;
    try {
        node->parser.DefineNameChars(kNameChars);
        node->parser.AddValIdent(spiceValue);
        // muparser's own avg/min/max/sum take several arguments pointwise; min and max of two
        // traces are what we want, avg is ours (above).
        node->parser.SetVarFactory(&N::factory, node.get());
        node->parser.SetExpr(out);
        for (const auto& [name, pointer] : node->parser.GetUsedVar()) {
            (void)pointer;
            node->variables.push_back(name);
            if (name.rfind("__s", 0) != 0 &&
                std::find(crefs.begin(), crefs.end(), name) == crefs.end())
                crefs.push_back(name);
        }
    } catch (const mu::Parser::exception_type& e) {
        return R::failure("\"" + text + "\": " + e.GetMsg() +
                          (e.GetToken().empty() ? std::string() : " (\"" + e.GetToken() + "\")"));
    }
    return R(std::move(node));
}

Result<std::vector<double>> evaluate(TraceExpression::Node& node, const double* x, size_t n,
                                     const TraceExpression::Inputs& inputs) {
    using R = Result<std::vector<double>>;
    for (auto& s : node.series) {
        std::vector<double> re(n), im(n, 0.0);
        const auto complex = s.complexCref.empty() ? inputs.end() : inputs.find(s.complexCref);
        if (complex != inputs.end() && complex->second.imag) {
            std::copy(complex->second.y, complex->second.y + n, re.begin());
            std::copy(complex->second.imag, complex->second.imag + n, im.begin());
        } else {
            auto argument = evaluate(*s.argument, x, n, inputs);
            if (!argument)
                return argument;
            re = std::move(argument.value());
        }
        auto& out = node.buffers[s.variable];
        out.assign(n, kNaN);
        for (size_t i = 0; i < n; ++i) {
            const double v = re[i];
            const double dx = s.started ? x[i] - s.lastX : 0;
            if (s.function == "mag") {
                out[i] = std::hypot(v, im[i]);
            } else if (s.function == "db") {
                out[i] = 20 * std::log10(std::hypot(v, im[i]));
            } else if (s.function == "ph") {
                const double raw = std::atan2(im[i], v) * 180 / M_PI;
                if (s.started) {
                    const double step = raw - s.lastPhase;
                    if (step > 180)
                        s.phaseTurns -= 1;
                    else if (step < -180)
                        s.phaseTurns += 1;
                }
                s.lastPhase = raw;
                out[i] = raw + 360 * s.phaseTurns;
            } else if (s.function == "deriv") {
                out[i] = !s.started ? kNaN : dx > 0 ? (v - s.lastY) / dx : s.lastOut;
            } else {
                if (s.started) {
                    s.integral += (v + s.lastY) / 2 * dx;
                    s.integralOfSquare += (v * v + v * s.lastY + s.lastY * s.lastY) / 3 * dx;
                } else {
                    s.firstX = x[i];
                }
                const double span = x[i] - s.firstX;
                if (s.function == "integ")
                    out[i] = s.integral;
                else if (s.function == "avg")
                    out[i] = span > 0 ? s.integral / span : v;
                else // rms
                    out[i] = span > 0 ? std::sqrt(s.integralOfSquare / span) : std::abs(v);
            }
            s.started = true;
            s.lastX = x[i];
            s.lastY = v;
            s.lastOut = out[i];
        }
    }
    try {
        for (const auto& name : node.variables) {
            if (name.rfind("__s", 0) == 0) {
                node.parser.DefineVar(name, node.buffers[name].data());
                continue;
            }
            const auto input = inputs.find(name);
            if (input == inputs.end() || !input->second.y)
                return R::failure("\"" + name + "\" is not a trace of this run");
            if (input->second.imag) { // a complex cref outside mag/db/ph: its magnitude
                auto& magnitude = node.buffers[name];
                magnitude.resize(n);
                for (size_t i = 0; i < n; ++i)
                    magnitude[i] = std::hypot(input->second.y[i], input->second.imag[i]);
                node.parser.DefineVar(name, magnitude.data());
            } else {
                node.parser.DefineVar(name, const_cast<double*>(input->second.y));
            }
        }
        std::vector<double> out(n);
        if (n > 0)
            node.parser.Eval(out.data(), static_cast<int>(n));
        return out;
    } catch (const mu::Parser::exception_type& e) {
        return R::failure(e.GetMsg());
    }
}

void resetNode(TraceExpression::Node& node) {
    for (auto& s : node.series) {
        s.started = false;
        s.integral = s.integralOfSquare = s.phaseTurns = 0;
        s.lastOut = kNaN;
        resetNode(*s.argument);
    }
}

// The node's response to scaling each input by its unit: its dimension, or unknown when it
// does not scale as a power (a sum of volts and amperes, log of volts).
Unit dimensionOf(TraceExpression::Node& node, const std::map<std::string, std::string>& units,
                 const Unit& xUnit) {
    std::map<std::string, Unit> of;
    for (auto& s : node.series) {
        Unit u = s.complexCref.empty()
                     ? dimensionOf(*s.argument, units, xUnit)
                     : unitOf(units.count(s.complexCref) ? units.at(s.complexCref) : "");
        if (s.function == "db")
            u = {{0, 0, 0, 1, 0}, true};
        else if (s.function == "ph")
            u = {{0, 0, 0, 0, 1}, true};
        else if (s.function == "deriv" || s.function == "integ")
            for (int b = 0; b < 5; ++b)
                u.d[b] += (s.function == "deriv" ? -1 : 1) * xUnit.d[b];
        if (s.function == "deriv" || s.function == "integ")
            u.known = u.known && xUnit.known;
        of[s.variable] = u;
    }
    for (const auto& name : node.variables)
        if (!of.count(name))
            of[name] = unitOf(units.count(name) ? units.at(name) : "");
    for (const auto& [name, u] : of)
        if (!u.known)
            return {{}, false};
    std::map<std::string, double> values;
    auto at = [&](int base, double factor, int seed) {
        int k = 0;
        for (const auto& name : node.variables) {
            const double v = 1.1 + 0.37 * ((k++ * 7 + seed) % 5);
            values[name] = v * (base < 0 ? 1 : std::pow(factor, of[name].d[base]));
            node.parser.DefineVar(name, &values[name]);
        }
        return node.parser.Eval();
    };
    Unit result;
    try {
        for (int base = 0; base < 5; ++base) {
            double exponent = kNaN;
            for (int seed = 0; seed < 3 && std::isnan(exponent); ++seed) {
                const double f0 = at(-1, 1, seed), f2 = at(base, 2, seed), f3 = at(base, 3, seed);
                if (!std::isfinite(f0) || f0 == 0 || !std::isfinite(f2) || !std::isfinite(f3))
                    continue;
                const double e2 = std::log(std::abs(f2 / f0)) / std::log(2.0);
                const double e3 = std::log(std::abs(f3 / f0)) / std::log(3.0);
                if (std::abs(e2 - e3) > 1e-6 || std::abs(e2 * 2 - std::round(e2 * 2)) > 1e-6)
                    return {{}, false};
                exponent = std::round(e2 * 2) / 2;
            }
            if (std::isnan(exponent))
                return {{}, false};
            result.d[base] = exponent;
        }
    } catch (const mu::Parser::exception_type&) {
        return {{}, false};
    }
    return result;
}

} // namespace

Result<TraceExpression> TraceExpression::parse(const std::string& text) {
    using R = Result<TraceExpression>;
    if (text.find_first_not_of(" \t") == std::string::npos)
        return R::failure("an empty expression");
    TraceExpression e;
    e.m_text = text;
    int counter = 0;
    auto root = parseNode(text, e.m_crefs, counter);
    if (!root)
        return R::failure(root.error());
    e.m_root = std::move(root.value());
    return R(std::move(e));
}

bool TraceExpression::isPlainCref() const {
    std::string trimmed = m_text;
    trimmed.erase(0, trimmed.find_first_not_of(" \t"));
    trimmed.erase(trimmed.find_last_not_of(" \t") + 1);
    return m_crefs.size() == 1 && m_root->series.empty() && trimmed == m_crefs[0];
}

Result<std::vector<double>> TraceExpression::append(const double* x, size_t n,
                                                    const Inputs& inputs) {
    for (const auto& cref : m_crefs)
        if (!inputs.count(cref) || !inputs.at(cref).y)
            return Result<std::vector<double>>::failure("\"" + m_text + "\": \"" + cref +
                                                        "\" is not a trace of this run");
    return evaluate(*m_root, x, n, inputs);
}

void TraceExpression::reset() {
    resetNode(*m_root);
}

std::string TraceExpression::unit(const std::map<std::string, std::string>& crefUnits,
                                  const std::string& xUnit) const {
    return nameOf(dimensionOf(*m_root, crefUnits, unitOf(xUnit)));
}
