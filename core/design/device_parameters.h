#pragma once

#include <string>
#include <vector>

// Which operating-point parameters ngspice offers for a device instance, per ngspice device
// model ("mos1", "bsim4", "diode", ...), each with its unit. The names are the ones
// ngspice-39's `show <dev> : all` lists (saved as `@dev[name]`), restricted to the useful
// op quantities: currents, voltages, conductances, capacitances, charges and power, not
// instance inputs (w, l, m), node numbers or sensitivities. Every parameter listed is
// checked against the real libngspice by tst_spice_reader (saved and streamed in a
// transient run). Pure data: any thread.
class DeviceParameters {
public:
    struct Parameter {
        std::string name;        // "gm", as ngspice spells it
        std::string unit;        // "S", "A", "V", "F", "C", "W", "Wb", "Ohm", "Hz", "1/V", ""
        std::string description; // "transconductance"
    };

    // The ngspice device model an element instantiates: its first letter (lowercase) and,
    // for elements that take a .model card (d, q, j, z, m, s, w), the card's type ("nmos",
    // "npn", "d", "vdmos", ...), its level (0 when the card gives none) and version ("" when
    // none). Returns ngspice's name for the model ("mos1", "bsim3v32", "bsim4", "vbic",
    // "resistor", ...), or "" when the element has no table here (an unknown or missing model,
    // XSPICE code models, transmission lines, coupling).
    static std::string deviceModel(char letter, const std::string& modelType = {}, int level = 0,
                                   const std::string& version = {});

    // The op parameters of a device model, in a useful display order; empty for "" or a
    // model without a table.
    static const std::vector<Parameter>& parameters(const std::string& deviceModel);

    // The unit of one parameter of a device model, or "" when it is not in the table.
    static std::string unitOf(const std::string& deviceModel, const std::string& parameter);

    // The unit of a parameter when only the element's letter is known (no model card): the
    // unit every model of that letter that has the parameter agrees on, "" when none has it
    // or they disagree. Never a guess: a MESFET's `cd` (a current) is told from a diode's
    // (a capacitance) by the letter alone.
    static std::string unitForLetter(char letter, const std::string& parameter);

    // Every device model an element letter can instantiate, whatever its card says.
    static std::vector<std::string> deviceModelsOf(char letter);

    // Every device model that has a table (for tests and documentation).
    static std::vector<std::string> deviceModels();
};
