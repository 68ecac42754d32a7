#include "core/store/measurement_store.h"

#include "core/store/h5_handle.h"
#include "core/store/store_layout.h"

#include <cmath>

bool MeasurementStore::store(hid_t run, const std::string& log,
                             const std::vector<MeasureResults::Declared>& declared,
                             std::vector<MeasureResults::Measurement>* stored) {
    if (declared.empty())
        return true;
    // The error stack prints per thread, and this runs on a run's writer thread.
    h5::silenceErrorStack();
    const auto measurements =
        MeasureResults::parse(log, declared, h5::readStringAttribute(run, store_layout::kAnalysis));
    const bool ok = measurements.empty() || write(run, measurements);
    if (ok && stored)
        *stored = measurements;
    return ok;
}

bool MeasurementStore::write(hid_t run,
                             const std::vector<MeasureResults::Measurement>& measurements) {
    H5Handle group(
        H5Gcreate2(run, store_layout::kMeasurements, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
    if (!group.valid())
        return false;
    H5Handle scalar(H5Screate(H5S_SCALAR));
    bool ok = true;
    for (const auto& m : measurements) {
        if (m.name.empty() || m.name.find('/') != std::string::npos || m.name == "." ||
            m.name == "..")
            continue;
        H5Handle set(H5Dcreate2(group.get(), m.name.c_str(), H5T_IEEE_F64LE, scalar.get(),
                                H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT));
        if (!set.valid()) {
            ok = false;
            continue;
        }
        ok = H5Dwrite(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &m.value) >= 0 &&
             h5::writeStringAttribute(set.get(), store_layout::kMessage, m.message) &&
             h5::writeStringAttribute(set.get(), store_layout::kAnalysis, m.analysis) && ok;
        for (const auto& [key, value] : m.extras) {
            if (key == store_layout::kMessage || key == store_layout::kAnalysis ||
                H5Aexists(set.get(), key.c_str()) > 0)
                continue;
            H5Handle attribute(H5Acreate2(set.get(), key.c_str(), H5T_IEEE_F64LE, scalar.get(),
                                          H5P_DEFAULT, H5P_DEFAULT));
            ok = attribute.valid() && H5Awrite(attribute.get(), H5T_NATIVE_DOUBLE, &value) >= 0 &&
                 ok;
        }
    }
    return ok;
}

std::vector<MeasureResults::Measurement> MeasurementStore::read(hid_t run) {
    std::vector<MeasureResults::Measurement> result;
    h5::silenceErrorStack();
    if (!h5::exists(run, store_layout::kMeasurements))
        return result;
    H5Handle group(H5Gopen2(run, store_layout::kMeasurements, H5P_DEFAULT));
    for (const auto& name : h5::childNames(group.get())) {
        H5Handle set(H5Dopen2(group.get(), name.c_str(), H5P_DEFAULT));
        if (!set.valid())
            continue;
        MeasureResults::Measurement m;
        m.name = name;
        m.value = std::nan("");
        // A measurement is one double; any other shape would be read over it.
        if (!h5::holdsOneValue(set.get()) ||
            H5Dread(set.get(), H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, &m.value) < 0)
            m.value = std::nan("");
        m.message = h5::readStringAttribute(set.get(), store_layout::kMessage);
        m.analysis = h5::readStringAttribute(set.get(), store_layout::kAnalysis);
        result.push_back(std::move(m));
    }
    return result;
}
