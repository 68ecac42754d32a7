#include "trace_data.h"

#include "decimated_series.h"
#include "probe_resolver.h"

void TraceData::clear() {
    m_byVector.clear();
    m_vectorOfCref.clear();
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

void TraceData::append(const SampleBlock& block) {
    if (!block.crefs)
        return;
    const auto& crefs = *block.crefs;
    const size_t rows = block.coordinateValues.size();
    for (size_t c = 0; c < crefs.size() && c < block.columns.size(); ++c) {
        const std::string vector =
            block.vectors && c < block.vectors->size() ? (*block.vectors)[c] : crefs[c];
        ensure(vector, crefs[c])
            ->append(block.coordinateValues.data(), block.columns[c].data(), rows);
    }
    m_rows += static_cast<long long>(rows);
}

void TraceData::load(const RunData& run) {
    clear();
    for (const auto& v : run.vectors) {
        auto series = ensure(v.sourceVector.empty() ? v.cref : v.sourceVector, v.cref);
        const size_t n = std::min(run.coordinate.size(), v.values.size());
        series->append(run.coordinate.data(), v.values.data(), n);
        for (const auto& alias : v.aliases)
            m_vectorOfCref[alias] = ProbeResolver::normalizeVector(v.sourceVector);
    }
    m_rows = static_cast<long long>(run.coordinate.size());
}

std::shared_ptr<DecimatedSeries> TraceData::find(const std::string& crefOrVector) const {
    if (auto it = m_vectorOfCref.find(crefOrVector); it != m_vectorOfCref.end())
        return m_byVector.at(it->second);
    if (auto it = m_byVector.find(ProbeResolver::normalizeVector(crefOrVector));
        it != m_byVector.end())
        return it->second;
    return nullptr;
}
