#include "trace_data.h"

#include "decimated_series.h"
#include "probe_resolver.h"

#include <cmath>
#include <complex>

void TraceData::clear() {
    m_byVector.clear();
    m_phaseByVector.clear();
    m_vectorOfCref.clear();
    m_coordinate.clear();
    m_rows = 0;
}

std::shared_ptr<DecimatedSeries> TraceData::ensure(const std::string& vector,
                                                   const std::string& cref) {
    const auto key = ProbeResolver::normalizeVector(vector);
    m_vectorOfCref[cref] = key;
    auto& series = m_byVector[key];
    if (!series)
        series = std::make_shared<DecimatedSeries>();
    return series;
}

void TraceData::appendComplex(const std::string& vector, const std::string& cref, const double* x,
                              const double* re, const double* im, size_t n) {
    std::vector<double> db(n), degrees(n);
    for (size_t i = 0; i < n; ++i) {
        const std::complex<double> z(re[i], im[i]);
        // -400 dB stands for an exact zero, which has no logarithm.
        db[i] = std::abs(z) > 0 ? 20 * std::log10(std::abs(z)) : -400.0;
        degrees[i] = std::arg(z) * 180.0 / M_PI;
    }
    ensure(vector, cref)->append(x, db.data(), n);
    auto& phase = m_phaseByVector[ProbeResolver::normalizeVector(vector)];
    if (!phase)
        phase = std::make_shared<DecimatedSeries>();
    phase->append(x, degrees.data(), n);
}

void TraceData::append(const SampleBlock& block) {
    if (!block.crefs)
        return;
    m_coordinate = block.coordinate;
    const auto& crefs = *block.crefs;
    const size_t rows = block.coordinateValues.size();
    for (size_t c = 0; c < crefs.size() && c < block.columns.size(); ++c) {
        const std::string vector =
            block.vectors && c < block.vectors->size() ? (*block.vectors)[c] : crefs[c];
        if (c < block.imag.size() && !block.imag[c].empty())
            appendComplex(vector, crefs[c], block.coordinateValues.data(), block.columns[c].data(),
                          block.imag[c].data(), rows);
        else
            ensure(vector, crefs[c])
                ->append(block.coordinateValues.data(), block.columns[c].data(), rows);
    }
    m_rows += static_cast<long long>(rows);
}

void TraceData::load(const RunData& run) {
    clear();
    for (const auto& v : run.vectors) {
        const std::string vector = v.sourceVector.empty() ? v.cref : v.sourceVector;
        const size_t n = std::min(run.coordinate.size(), v.values.size());
        if (!v.imag.empty())
            appendComplex(vector, v.cref, run.coordinate.data(), v.values.data(), v.imag.data(), n);
        else
            ensure(vector, v.cref)->append(run.coordinate.data(), v.values.data(), n);
        for (const auto& alias : v.aliases)
            m_vectorOfCref[alias] = ProbeResolver::normalizeVector(vector);
    }
    m_rows = static_cast<long long>(run.coordinate.size());
    m_coordinate = run.summary.coordinate;
}

std::string TraceData::keyOf(const std::string& crefOrVector) const {
    if (auto it = m_vectorOfCref.find(crefOrVector); it != m_vectorOfCref.end())
        return it->second;
    return ProbeResolver::normalizeVector(crefOrVector);
}

std::shared_ptr<DecimatedSeries> TraceData::find(const std::string& crefOrVector) const {
    auto it = m_byVector.find(keyOf(crefOrVector));
    return it == m_byVector.end() ? nullptr : it->second;
}

std::shared_ptr<DecimatedSeries> TraceData::findPhase(const std::string& crefOrVector) const {
    auto it = m_phaseByVector.find(keyOf(crefOrVector));
    return it == m_phaseByVector.end() ? nullptr : it->second;
}
