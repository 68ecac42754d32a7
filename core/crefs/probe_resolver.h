#pragma once

#include "core/base/result.h"
#include "core/crefs/node_kind.h"
#include "core/crefs/probe_map.h"
#include "core/crefs/vector_info.h"

#include <string>
#include <vector>

// How one streamed vector is stored: its cref, the other crefs that name it, its kind and
// unit.
struct ResolvedVector {
    std::string vector; // ngspice's name, as the callbacks give it
    std::string cref;
    std::vector<std::string> aliases;
    // V, A, S, F, Hz, ... or "". The resolver knows names only: the unit is the design's to
    // give (VectorUnits in core/design fills it), "" until then.
    std::string unit;
    NodeKind nodeKind = NodeKind::NodeVoltage; // one of the stored-vector kinds
};

struct Resolution {
    int scaleIndex = -1;                 // index into the plot's vectors, -1 when none
    std::vector<ResolvedVector> vectors; // one per plot vector (scale included), same order
    std::vector<std::string> missing;    // probe-map vectors the plot does not contain
};

// The single owner of the ngspice-vector <-> cref mapping. Explicit map entries win; every
// other vector gets the default cref: root `top`, instance segments without their leading
// `x_`/`x`, node voltages `...nodes.<net>.v`, branch currents `...<dev>.i`, device
// parameters `...<dev>.op.<param>`. Pure logic: usable on any thread.
class ProbeResolver {
public:
    explicit ProbeResolver(ProbeMap map = {});

    const ProbeMap& probeMap() const { return m_map; }

    // "V(XOTA1.OUT)" -> "xota1.out", "i(vdd)" -> "vdd#branch", "@M1[GM]" -> "@m1[gm]".
    static std::string normalizeVector(const std::string& vector);
    static std::string defaultCref(const std::string& vector);
    // What the vector's name says it is: Scale, DeviceParameter, Noise, BranchCurrent,
    // InternalNode or NodeVoltage.
    static NodeKind nodeKindOf(const std::string& vector);
    // "@m.xota1.m1[gm]" -> "gm"; "" for a vector that is no device parameter, "value" when
    // no parameter is named ("@r1").
    static std::string parameterOf(const std::string& vector);
    static bool isDeviceParameter(const std::string& vector);
    // Why a cref cannot name a dataset of a run group ("" when it can).
    static std::string crefProblem(const std::string& cref);

    // Fails when two vectors would share a cref (naming both), when a cref cannot be an
    // HDF5 name, or when the aliases form a cycle or point nowhere.
    Result<Resolution> resolve(const std::vector<VectorInfo>& vectors) const;

    // Device-parameter vectors of the map; ngspice streams them only with a save line.
    std::vector<std::string> deviceParameterVectors() const;
    // ngspice commands ("save @a @b ...", each under ngspice's 1024-character limit).
    static std::vector<std::string> saveCommands(const std::vector<std::string>& vectors);

    // Alias chains followed to their end; fails on a cycle, naming it.
    Result<std::string> resolveAlias(const std::string& cref) const;

private:
    ProbeMap m_map;
};
