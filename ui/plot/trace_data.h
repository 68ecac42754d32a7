#pragma once

#include "core/engine/sample_block.h"
#include "core/store/result_store.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

class DecimatedSeries;

// Every vector of one run as plottable series, keyed by ngspice vector and by cref. For a
// live run it grows with each SampleBlock, so a node probed mid-run shows its whole
// history at once; for a stored run it is filled from ResultStore. GUI thread.
class TraceData {
public:
    void clear();
    // Appends a live block. While the samples held stay within the budget every vector is
    // kept, so that a node probed mid-run shows its whole history; past it only the kept
    // crefs (the probes) grow and the other vectors are dropped: a long run of a large
    // circuit would otherwise hold gigabytes here (the store has everything).
    void append(const SampleBlock& block);
    void setSampleBudget(size_t samples) { m_sampleBudget = samples; }
    // Crefs or vectors to keep growing past the budget (the probes).
    void setKept(const std::vector<std::string>& crefsOrVectors);
    // True once the budget made append() drop the vectors not kept.
    bool overBudget() const { return m_overBudget; }
    void load(const RunData& run);

    // By cref (or an alias of it) or by ngspice vector (any spelling: "v(out)", "out").
    // A complex vector (AC) is kept as a Bode pair: find() gives its magnitude in dB,
    // findPhase() its phase in degrees (nullptr for a real vector).
    // In a stepped run (RunStepping) each step is a series of its own (nullptr past the
    // steps seen so far); a run without steps has step 0 only.
    std::shared_ptr<DecimatedSeries> find(const std::string& crefOrVector, size_t step = 0) const;
    std::shared_ptr<DecimatedSeries> findPhase(const std::string& crefOrVector,
                                               size_t step = 0) const;
    // 1 for a run without steps.
    size_t stepCount() const { return m_stepCount; }
    bool stepped() const { return m_stepped; }
    // "vg = 1.2" when the stepped source is known, else "step 3".
    std::string stepLabel(size_t step) const;
    // The run's coordinate: "time", "frequency", a swept source, or "" (operating point).
    const std::string& coordinate() const { return m_coordinate; }
    // Units as the run stores them (ResolvedVector::unit); "" when unknown or dimensionless.
    const std::string& coordinateUnit() const { return m_coordinateUnit; }
    std::string unitOf(const std::string& crefOrVector) const;

private:
    using Steps = std::vector<std::shared_ptr<DecimatedSeries>>; // one series per step
    std::shared_ptr<DecimatedSeries> ensure(const std::string& vector, const std::string& cref,
                                            size_t step);
    void appendComplex(const std::string& vector, const std::string& cref, size_t step,
                       const double* x, const double* re, const double* im, size_t n);
    static std::shared_ptr<DecimatedSeries> stepOf(const std::map<std::string, Steps>& map,
                                                   const std::string& key, size_t step);
    std::string keyOf(const std::string& crefOrVector) const;

    std::map<std::string, Steps> m_byVector; // normalised vector
    std::map<std::string, Steps> m_phaseByVector;
    size_t m_stepCount = 1;
    bool m_stepped = false;
    std::string m_stepSource;
    std::vector<double> m_stepValues;
    std::map<std::string, std::string> m_vectorOfCref;
    std::string m_coordinate;
    std::string m_coordinateUnit;
    std::map<std::string, std::string> m_unitByVector; // normalised vector
    size_t m_samples = 0;                              // held by every series, phase included
    size_t m_sampleBudget = size_t(40) << 20;          // about 1 GB with the min/max pyramids
    bool m_overBudget = false;
    std::vector<std::string> m_kept;
};
