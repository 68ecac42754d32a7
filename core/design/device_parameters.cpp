#include "core/design/device_parameters.h"

#include <map>

namespace {

using Parameter = DeviceParameters::Parameter;
using Table = std::vector<Parameter>;

// Level 1/2/3/9 MOSFETs (Meyer capacitances) call the bulk transconductance "gmb"; their
// threshold is "von". Level 6 calls it "gmbs".
Table meyerMos(const char* bulkTransconductance) {
    return {
        {"id", "A", "drain current"},
        {"is", "A", "source current"},
        {"ig", "A", "gate current"},
        {"ib", "A", "bulk current"},
        {"ibd", "A", "bulk-drain junction current"},
        {"ibs", "A", "bulk-source junction current"},
        {"vgs", "V", "gate-source voltage"},
        {"vds", "V", "drain-source voltage"},
        {"vbs", "V", "bulk-source voltage"},
        {"von", "V", "turn-on (threshold) voltage"},
        {"vdsat", "V", "saturation drain voltage"},
        {"gm", "S", "transconductance"},
        {"gds", "S", "drain-source conductance"},
        {bulkTransconductance, "S", "bulk-source transconductance"},
        {"gbd", "S", "bulk-drain conductance"},
        {"gbs", "S", "bulk-source conductance"},
        {"cgs", "F", "gate-source capacitance (Meyer)"},
        {"cgd", "F", "gate-drain capacitance (Meyer)"},
        {"cgb", "F", "gate-bulk capacitance (Meyer)"},
        {"cbd", "F", "bulk-drain capacitance"},
        {"cbs", "F", "bulk-source capacitance"},
        {"p", "W", "instantaneous power"},
    };
}

// The common head of the BSIM-style tables; BSIM3 3.1 offers only this.
Table bsimCore(const char* drainCurrent = "id") {
    return {
        {drainCurrent, "A", "drain current"},     {"gm", "S", "transconductance"},
        {"gds", "S", "drain-source conductance"}, {"gmbs", "S", "bulk-source transconductance"},
        {"vth", "V", "threshold voltage"},        {"vdsat", "V", "saturation drain voltage"},
        {"vgs", "V", "gate-source voltage"},      {"vds", "V", "drain-source voltage"},
        {"vbs", "V", "bulk-source voltage"},
    };
}

Table append(Table head, const Table& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
}

const Table kJunctions = {
    {"ibd", "A", "bulk-drain junction current"},
    {"ibs", "A", "bulk-source junction current"},
    {"gbd", "S", "bulk-drain junction conductance"},
    {"gbs", "S", "bulk-source junction conductance"},
};

const Table kGateLeakage = {
    {"isub", "A", "substrate current"},
    {"igidl", "A", "gate-induced drain leakage current"},
    {"igisl", "A", "gate-induced source leakage current"},
    {"igs", "A", "gate-source tunnelling current"},
    {"igd", "A", "gate-drain tunnelling current"},
    {"igb", "A", "gate-bulk tunnelling current"},
    {"igcs", "A", "gate-channel tunnelling current (source side)"},
    {"igcd", "A", "gate-channel tunnelling current (drain side)"},
};

// The capacitance matrix entries BSIM3, B4SOI and HiSIM share (cXY = dQX/dVY).
const Table kCapacitances = {
    {"cgg", "F", "gate capacitance, dQg/dVg"},
    {"cgs", "F", "dQg/dVs"},
    {"cgd", "F", "dQg/dVd"},
    {"cdg", "F", "dQd/dVg"},
    {"cdd", "F", "drain capacitance, dQd/dVd"},
    {"cds", "F", "dQd/dVs"},
    {"cbg", "F", "dQb/dVg"},
    {"cbd", "F", "dQb/dVd"},
    {"cbs", "F", "dQb/dVs"},
    {"capbd", "F", "bulk-drain junction capacitance"},
    {"capbs", "F", "bulk-source junction capacitance"},
};

const Table kCharges = {
    {"qg", "C", "gate charge"},
    {"qd", "C", "drain charge"},
    {"qb", "C", "bulk charge"},
};

Table bsim4() {
    return append(append(append(append(bsimCore(), kJunctions), kGateLeakage), kCapacitances),
                  {
                      {"cgb", "F", "dQg/dVb"},
                      {"cdb", "F", "dQd/dVb"},
                      {"csg", "F", "dQs/dVg"},
                      {"csd", "F", "dQs/dVd"},
                      {"css", "F", "source capacitance, dQs/dVs"},
                      {"csb", "F", "dQs/dVb"},
                      {"cbb", "F", "bulk capacitance, dQb/dVb"},
                      {"qg", "C", "gate charge"},
                      {"qd", "C", "drain charge"},
                      {"qs", "C", "source charge"},
                      {"qb", "C", "bulk charge"},
                      {"qinv", "C", "inversion charge"},
                  });
}

Table hisim() {
    return append(append(append({{"ids", "A", "drain current"},
                                 {"gm", "S", "transconductance"},
                                 {"gds", "S", "drain-source conductance"},
                                 {"gmbs", "S", "bulk-source transconductance"},
                                 {"von", "V", "threshold voltage"},
                                 {"vdsat", "V", "saturation drain voltage"},
                                 {"isub", "A", "substrate current"},
                                 {"igidl", "A", "gate-induced drain leakage current"},
                                 {"igisl", "A", "gate-induced source leakage current"},
                                 {"igd", "A", "gate-drain current"},
                                 {"igs", "A", "gate-source current"},
                                 {"igb", "A", "gate-bulk current"}},
                                kJunctions),
                         kCapacitances),
                  kCharges);
}

Table jfet() {
    return {
        {"id", "A", "drain current"},
        {"ig", "A", "gate current"},
        {"is", "A", "source current"},
        {"igd", "A", "gate-drain current"},
        {"vgs", "V", "gate-source voltage"},
        {"vgd", "V", "gate-drain voltage"},
        {"gm", "S", "transconductance"},
        {"gds", "S", "drain-source conductance"},
        {"ggs", "S", "gate-source conductance"},
        {"ggd", "S", "gate-drain conductance"},
        {"qgs", "C", "gate-source junction charge"},
        {"qgd", "C", "gate-drain junction charge"},
        {"p", "W", "power"},
    };
}

Table controlledSource(const char* what) {
    return {
        {"i", "A", std::string(what) + " output current"},
        {"v", "V", std::string(what) + " output voltage"},
        {"p", "W", "power"},
    };
}

const std::map<std::string, Table>& tables() {
    static const std::map<std::string, Table> all = [] {
        std::map<std::string, Table> t;
        t["resistor"] = {{"i", "A", "current"}, {"p", "W", "power"}};
        t["capacitor"] = {{"i", "A", "current"}, {"p", "W", "instantaneous power"}};
        t["inductor"] = {{"i", "A", "current"},
                         {"v", "V", "terminal voltage"},
                         {"flux", "Wb", "flux"},
                         {"p", "W", "instantaneous power"}};
        t["vsource"] = {{"i", "A", "current"}, {"p", "W", "instantaneous power"}};
        t["isource"] = {{"current", "A", "current (dc or transient value)"},
                        {"v", "V", "voltage across the source"},
                        {"p", "W", "power supplied"}};
        t["vcvs"] = controlledSource("VCVS");
        t["vccs"] = controlledSource("VCCS");
        t["cccs"] = controlledSource("CCCS");
        t["ccvs"] = controlledSource("CCVS");
        t["asrc"] = {{"i", "A", "current through the source"},
                     {"v", "V", "voltage across the source"}};
        t["sw"] = {{"i", "A", "switch current"}, {"p", "W", "switch power"}};
        t["csw"] = t["sw"];
        t["diode"] = {{"vd", "V", "diode voltage"},
                      {"id", "A", "diode current"},
                      {"gd", "S", "diode conductance"},
                      {"cd", "F", "diode capacitance"},
                      {"charge", "C", "diode capacitor charge"},
                      {"capcur", "A", "diode capacitor current"},
                      {"p", "W", "diode power"}};
        t["bjt"] = {{"ic", "A", "collector current"},
                    {"ib", "A", "base current"},
                    {"ie", "A", "emitter current"},
                    {"is", "A", "substrate current"},
                    {"vbe", "V", "base-emitter voltage"},
                    {"vbc", "V", "base-collector voltage"},
                    {"gm", "S", "small-signal transconductance"},
                    {"gpi", "S", "small-signal input conductance"},
                    {"gmu", "S", "small-signal base-collector conductance"},
                    {"gx", "S", "base resistance conductance"},
                    {"go", "S", "small-signal output conductance"},
                    {"cpi", "F", "internal base-emitter capacitance"},
                    {"cmu", "F", "internal base-collector capacitance"},
                    {"cbx", "F", "external base-collector capacitance"},
                    {"csub", "F", "substrate capacitance"},
                    {"qbe", "C", "base-emitter charge"},
                    {"qbc", "C", "base-collector charge"},
                    {"p", "W", "power dissipation"}};
        t["vbic"] = {{"ic", "A", "collector current"},
                     {"ib", "A", "base current"},
                     {"ie", "A", "emitter current"},
                     {"is", "A", "substrate current"},
                     {"vbe", "V", "base-emitter voltage"},
                     {"vbc", "V", "base-collector voltage"},
                     {"gm", "S", "transconductance dIc/dVbe"},
                     {"go", "S", "output conductance dIc/dVbc"},
                     {"gpi", "S", "input conductance dIb/dVbe"},
                     {"gmu", "S", "conductance dIb/dVbc"},
                     {"gx", "S", "base resistance conductance"},
                     {"cbe", "F", "internal base-emitter capacitance"},
                     {"cbex", "F", "external base-emitter capacitance"},
                     {"cbc", "F", "internal base-collector capacitance"},
                     {"cbcx", "F", "external base-collector capacitance"},
                     {"cbep", "F", "parasitic base-emitter capacitance"},
                     {"cbcp", "F", "parasitic base-collector capacitance"},
                     {"qbe", "C", "base-emitter charge"},
                     {"qbc", "C", "base-collector charge"},
                     {"p", "W", "power dissipation"}};
        t["hicum2"] = {{"ic", "A", "collector current"},
                       {"ib", "A", "base current"},
                       {"ie", "A", "emitter current"},
                       {"is", "A", "substrate current"},
                       {"iavl", "A", "avalanche current"},
                       {"vbe", "V", "external base-emitter voltage"},
                       {"vbc", "V", "external base-collector voltage"},
                       {"vce", "V", "external collector-emitter voltage"},
                       {"vsc", "V", "external substrate-collector voltage"},
                       {"gmi", "S", "internal transconductance"},
                       {"gms", "S", "transconductance of the parasitic substrate PNP"},
                       {"betadc", "", "common-emitter forward current gain"},
                       {"betaac", "", "small-signal current gain"},
                       {"rpii", "Ohm", "internal base-emitter (input) resistance"},
                       {"rmui", "Ohm", "internal feedback resistance"},
                       {"roi", "Ohm", "output resistance"},
                       {"cpii", "F", "total internal base-emitter capacitance"},
                       {"cpix", "F", "total external base-emitter capacitance"},
                       {"cmui", "F", "total internal base-collector capacitance"},
                       {"cmux", "F", "total external base-collector capacitance"},
                       {"ccs", "F", "collector-substrate junction capacitance"},
                       {"ft", "Hz", "transit frequency"},
                       {"p", "W", "power dissipation"}};
        t["jfet"] = jfet();
        t["jfet2"] = jfet();
        // ngspice's help calls cd and cg capacitances, but they are the drain and gate
        // current states (cd = -is in saturation, checked with `show`).
        t["mes"] = {{"cd", "A", "drain current"},
                    {"cg", "A", "gate current"},
                    {"is", "A", "source current"},
                    {"vgs", "V", "gate-source voltage"},
                    {"vgd", "V", "gate-drain voltage"},
                    {"gm", "S", "transconductance"},
                    {"gds", "S", "drain-source conductance"},
                    {"ggs", "S", "gate-source conductance"},
                    {"ggd", "S", "gate-drain conductance"},
                    {"p", "W", "power"}};
        t["mos1"] = meyerMos("gmb");
        t["mos2"] = meyerMos("gmb");
        t["mos3"] = meyerMos("gmb");
        t["mos9"] = meyerMos("gmb");
        t["mos6"] = meyerMos("gmbs");
        t["vdmos"] = {{"id", "A", "drain current"},
                      {"is", "A", "source current"},
                      {"ig", "A", "gate current"},
                      {"idio", "A", "body diode current"},
                      {"vgs", "V", "gate-source voltage"},
                      {"vds", "V", "drain-source voltage"},
                      {"von", "V", "on-state (threshold) voltage"},
                      {"gm", "S", "transconductance"},
                      {"gds", "S", "drain-source conductance"},
                      {"cgs", "F", "gate-source capacitance"},
                      {"cgd", "F", "gate-drain capacitance"},
                      {"cds", "F", "drain-source capacitance"},
                      {"p", "W", "instantaneous power"}};
        // BSIM3 3.0 and 3.1 are older implementations with fewer outputs.
        t["bsim3v1"] = bsimCore();
        t["bsim3v0"] = append(bsimCore(), kJunctions);
        t["bsim3v32"] = append(append(append(bsimCore(), kJunctions), kCapacitances), kCharges);
        t["bsim3"] = t["bsim3v32"];
        t["bsim4"] = bsim4();
        t["bsim4v5"] = t["bsim4"];
        t["bsim4v6"] = t["bsim4"];
        t["bsim4v7"] = t["bsim4"];
        // B4SOI offers no gbd/gbs, and its qg yields no data (a zero-length vector in
        // ngspice-39; saved together with qs it crashed libngspice's background thread).
        t["b4soi"] =
            append(append(append(bsimCore("ids"), {{"gmids", "1/V", "gm/ids"},
                                                   {"ves", "V", "substrate-source voltage"},
                                                   {"ibd", "A", "bulk-drain junction current"},
                                                   {"ibs", "A", "bulk-source junction current"}}),
                          append(kGateLeakage, kCapacitances)),
                   {{"qd", "C", "drain charge"},
                    {"qs", "C", "source charge"},
                    {"qb", "C", "bulk charge"}});
        t["hisim2"] = hisim();
        t["hisimhv2"] = append(hisim(), {{"isubld", "A", "substrate current (LDD)"},
                                         {"idsibpc", "A", "impact-ionisation current"}});
        return t;
    }();
    return all;
}

std::string mosfetModel(const std::string& type, int level, const std::string& version) {
    if (type == "vdmos")
        return "vdmos";
    if (type != "nmos" && type != "pmos")
        return {};
    switch (level) {
    case 0:
    case 1:
        return "mos1";
    case 2:
        return "mos2";
    case 3:
        return "mos3";
    case 6:
        return "mos6";
    case 9:
        return "mos9";
    case 8:
    case 49: {
        // ngspice picks the BSIM3 implementation by version; 3.3 when none is given.
        if (version.rfind("3.0", 0) == 0)
            return "bsim3v0";
        if (version.rfind("3.1", 0) == 0)
            return "bsim3v1";
        if (version.rfind("3.2", 0) == 0)
            return "bsim3v32";
        return "bsim3";
    }
    case 14:
    case 54:
        if (version.rfind("4.5", 0) == 0)
            return "bsim4v5";
        if (version.rfind("4.6", 0) == 0)
            return "bsim4v6";
        if (version.rfind("4.7", 0) == 0)
            return "bsim4v7";
        return "bsim4";
    case 10:
    case 58:
        return "b4soi";
    case 68:
        return "hisim2";
    case 73:
        return "hisimhv2";
    default:
        return {}; // BSIM1/2 offer no op outputs; other levels are not tabled here
    }
}

} // namespace

std::string DeviceParameters::deviceModel(char letter, const std::string& modelType, int level,
                                          const std::string& version) {
    switch (letter) {
    case 'r':
        return "resistor";
    case 'c':
        return "capacitor";
    case 'l':
        return "inductor";
    case 'v':
        return "vsource";
    case 'i':
        return "isource";
    case 'e':
        return "vcvs";
    case 'g':
        return "vccs";
    case 'f':
        return "cccs";
    case 'h':
        return "ccvs";
    case 'b':
        return "asrc";
    case 's':
        return modelType == "sw" ? "sw" : "";
    case 'w':
        return modelType == "csw" ? "csw" : "";
    case 'd':
        return modelType == "d" ? "diode" : "";
    case 'q':
        if (modelType != "npn" && modelType != "pnp")
            return {};
        if (level == 0 || level == 1)
            return "bjt";
        if (level == 4 || level == 9)
            return "vbic";
        return level == 8 ? "hicum2" : "";
    case 'j':
        if (modelType != "njf" && modelType != "pjf")
            return {};
        if (level == 0 || level == 1)
            return "jfet";
        return level == 2 ? "jfet2" : "";
    case 'z':
        return (modelType == "nmf" || modelType == "pmf") && (level == 0 || level == 1) ? "mes"
                                                                                        : "";
    case 'm': {
        // "4.5", "'4.5'" and "4.50" all select BSIM4 4.5; keep the digits only.
        std::string digits;
        for (char ch : version)
            if ((ch >= '0' && ch <= '9') || ch == '.')
                digits += ch;
        return mosfetModel(modelType, level, digits);
    }
    default:
        return {};
    }
}

const std::vector<DeviceParameters::Parameter>&
DeviceParameters::parameters(const std::string& deviceModel) {
    static const Table none;
    const auto it = tables().find(deviceModel);
    return it == tables().end() ? none : it->second;
}

std::string DeviceParameters::unitOf(const std::string& deviceModel, const std::string& parameter) {
    for (const auto& p : parameters(deviceModel))
        if (p.name == parameter)
            return p.unit;
    return {};
}

std::vector<std::string> DeviceParameters::deviceModelsOf(char letter) {
    switch (letter) {
    case 'd':
        return {"diode"};
    case 'q':
        return {"bjt", "vbic", "hicum2"};
    case 'j':
        return {"jfet", "jfet2"};
    case 'z':
        return {"mes"};
    case 's':
        return {"sw"};
    case 'w':
        return {"csw"};
    case 'm':
        return {"mos1",    "mos2",    "mos3",     "mos6",   "mos9",    "vdmos",
                "bsim3v0", "bsim3v1", "bsim3v32", "bsim3",  "bsim4",   "bsim4v5",
                "bsim4v6", "bsim4v7", "b4soi",    "hisim2", "hisimhv2"};
    default: {
        // Elements without a model card have one model, whatever deviceModel() is given.
        auto model = deviceModel(letter);
        return model.empty() ? std::vector<std::string>{} : std::vector<std::string>{model};
    }
    }
}

std::string DeviceParameters::unitForLetter(char letter, const std::string& parameter) {
    std::string agreed;
    bool found = false;
    for (const auto& model : deviceModelsOf(letter)) {
        for (const auto& p : parameters(model)) {
            if (p.name != parameter)
                continue;
            if (found && p.unit != agreed)
                return {};
            agreed = p.unit;
            found = true;
        }
    }
    return agreed;
}

std::vector<std::string> DeviceParameters::deviceModels() {
    std::vector<std::string> names;
    for (const auto& [name, table] : tables())
        names.push_back(name);
    return names;
}
