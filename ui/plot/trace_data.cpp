#include "ui/plot/trace_data.h"

#include "core/crefs/probe_resolver.h"
#include "ui/plot/decimated_series.h"
#include "ui/plot/eng_axis_ticker.h"

#include <QString>
#include <cmath>
#include <complex>
#include <set>

void TraceData::clear() {
    m_byVector.clear();
    m_phaseByVector.clear();
    m_vectorOfCref.clear();
    m_coordinate.clear();
    m_coordinateUnit.clear();
    m_unitByVector.clear();
    m_samples = 0;
    m_overBudget = false;
    m_stepCount = 1;
    m_stepped = false;
    m_stepSource.clear();
    m_stepValues.clear();
}

std::shared_ptr<DecimatedSeries> TraceData::ensure(const std::string& vector,
                                                   const std::string& cref, size_t step) {
    const auto key = ProbeResolver::normalizeVector(vector);
    m_vectorOfCref[cref] = key;
    auto& steps = m_byVector[key];
    if (steps.size() <= step)
        steps.resize(step + 1);
    if (!steps[step])
        steps[step] = std::make_shared<DecimatedSeries>();
    return steps[step];
}

void TraceData::appendComplex(const std::string& vector, const std::string& cref, size_t step,
                              const double* x, const double* re, const double* im, size_t n) {
    std::vector<double> db(n), degrees(n);
    for (size_t i = 0; i < n; ++i) {
        const std::complex<double> z(re[i], im[i]);
        // -400 dB stands for an exact zero, which has no logarithm.
        db[i] = std::abs(z) > 0 ? 20 * std::log10(std::abs(z)) : -400.0;
        degrees[i] = std::arg(z) * 180.0 / M_PI;
    }
    ensure(vector, cref, step)->append(x, db.data(), n);
    auto& phases = m_phaseByVector[ProbeResolver::normalizeVector(vector)];
    if (phases.size() <= step)
        phases.resize(step + 1);
    if (!phases[step])
        phases[step] = std::make_shared<DecimatedSeries>();
    phases[step]->append(x, degrees.data(), n);
}

void TraceData::append(const SampleBlock& block) {
    if (!block.crefs)
        return;
    m_coordinate = block.coordinate;
    m_coordinateUnit = block.coordinateUnit;
    const size_t step = block.step > 0 ? static_cast<size_t>(block.step) : 0;
    if (block.step >= 0) {
        m_stepped = true;
        m_stepCount = std::max(m_stepCount, step + 1);
        m_stepSource = block.stepSource;
        if (m_stepValues.size() <= step)
            m_stepValues.resize(step + 1, std::nan(""));
        m_stepValues[step] = block.stepValue;
    }
    const auto& crefs = *block.crefs;
    const size_t rows = block.coordinateValues.size();
    const bool crossing = !m_overBudget && m_samples + rows * crefs.size() > m_sampleBudget;
    std::set<std::string> keep;
    if (m_overBudget || crossing)
        for (const auto& name : m_kept)
            keep.insert(keyOf(name));
    if (crossing) {
        m_overBudget = true;
        for (auto* map : {&m_byVector, &m_phaseByVector})
            for (auto it = map->begin(); it != map->end();)
                it = keep.count(it->first) ? std::next(it) : map->erase(it);
    }
    for (size_t c = 0; c < crefs.size() && c < block.columns.size(); ++c) {
        const std::string vector =
            block.vectors && c < block.vectors->size() ? (*block.vectors)[c] : crefs[c];
        if (m_overBudget && !keep.count(ProbeResolver::normalizeVector(vector)) &&
            !keep.count(keyOf(crefs[c])))
            continue;
        m_samples += rows;
        if (block.units && c < block.units->size())
            m_unitByVector[ProbeResolver::normalizeVector(vector)] = (*block.units)[c];
        if (c < block.imag.size() && !block.imag[c].empty())
            appendComplex(vector, crefs[c], step, block.coordinateValues.data(),
                          block.columns[c].data(), block.imag[c].data(), rows);
        else
            ensure(vector, crefs[c], step)
                ->append(block.coordinateValues.data(), block.columns[c].data(), rows);
    }
}

void TraceData::load(const RunData& run) {
    clear();
    // Step k covers [starts[k], starts[k + 1]); a run without steps is one step.
    std::vector<size_t> starts = run.stepStarts;
    if (starts.empty())
        starts.push_back(0);
    m_stepped = !run.stepStarts.empty();
    m_stepCount = starts.size();
    m_stepSource = run.stepSource;
    m_stepValues = run.stepValues;
    for (const auto& v : run.vectors) {
        const std::string vector = v.sourceVector.empty() ? v.cref : v.sourceVector;
        m_unitByVector[ProbeResolver::normalizeVector(vector)] = v.unit;
        const size_t n = std::min(run.coordinate.size(), v.values.size());
        for (size_t k = 0; k < starts.size(); ++k) {
            const size_t begin = std::min(starts[k], n);
            const size_t end = k + 1 < starts.size() ? std::min(starts[k + 1], n) : n;
            const double* x = run.coordinate.data() + begin;
            if (!v.imag.empty())
                appendComplex(vector, v.cref, k, x, v.values.data() + begin, v.imag.data() + begin,
                              end - begin);
            else
                ensure(vector, v.cref, k)->append(x, v.values.data() + begin, end - begin);
        }
        for (const auto& alias : v.aliases)
            m_vectorOfCref[alias] = ProbeResolver::normalizeVector(vector);
    }
    m_coordinate = run.summary.coordinate;
    m_coordinateUnit = run.coordinateUnit;
}

std::string TraceData::unitOf(const std::string& crefOrVector) const {
    auto it = m_unitByVector.find(keyOf(crefOrVector));
    return it == m_unitByVector.end() ? std::string() : it->second;
}

void TraceData::setKept(const std::vector<std::string>& crefsOrVectors) {
    m_kept = crefsOrVectors;
}

std::string TraceData::keyOf(const std::string& crefOrVector) const {
    if (auto it = m_vectorOfCref.find(crefOrVector); it != m_vectorOfCref.end())
        return it->second;
    return ProbeResolver::normalizeVector(crefOrVector);
}

std::shared_ptr<DecimatedSeries> TraceData::stepOf(const std::map<std::string, Steps>& map,
                                                   const std::string& key, size_t step) {
    auto it = map.find(key);
    return it == map.end() || it->second.size() <= step ? nullptr : it->second[step];
}

std::shared_ptr<DecimatedSeries> TraceData::find(const std::string& crefOrVector,
                                                 size_t step) const {
    return stepOf(m_byVector, keyOf(crefOrVector), step);
}

std::shared_ptr<DecimatedSeries> TraceData::findPhase(const std::string& crefOrVector,
                                                      size_t step) const {
    return stepOf(m_phaseByVector, keyOf(crefOrVector), step);
}

std::string TraceData::stepLabel(size_t step) const {
    if (!m_stepSource.empty() && step < m_stepValues.size() && !std::isnan(m_stepValues[step]))
        return m_stepSource + " = " + EngAxisTicker::format(m_stepValues[step], {}).toStdString();
    return "step " + std::to_string(step);
}
