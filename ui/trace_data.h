#pragma once

#include "result_store.h"
#include "sample_block.h"

#include <map>
#include <memory>
#include <string>

class DecimatedSeries;

// Every vector of one run as plottable series, keyed by ngspice vector and by cref. For a
// live run it grows with each SampleBlock, so a node probed mid-run shows its whole
// history at once; for a stored run it is filled from ResultStore. GUI thread.
class TraceData {
public:
    void clear();
    void append(const SampleBlock& block);
    void load(const RunData& run);

    // By cref (or an alias of it) or by ngspice vector (any spelling: "v(out)", "out").
    // A complex vector (AC) is kept as a Bode pair: find() gives its magnitude in dB,
    // findPhase() its phase in degrees (nullptr for a real vector).
    std::shared_ptr<DecimatedSeries> find(const std::string& crefOrVector) const;
    std::shared_ptr<DecimatedSeries> findPhase(const std::string& crefOrVector) const;
    // The run's coordinate: "time", "frequency", a swept source, or "" (operating point).
    const std::string& coordinate() const { return m_coordinate; }
    size_t seriesCount() const { return m_byVector.size(); }
    long long rows() const { return m_rows; }

private:
    std::shared_ptr<DecimatedSeries> ensure(const std::string& vector, const std::string& cref);
    void appendComplex(const std::string& vector, const std::string& cref, const double* x,
                       const double* re, const double* im, size_t n);
    std::string keyOf(const std::string& crefOrVector) const;

    std::map<std::string, std::shared_ptr<DecimatedSeries>> m_byVector; // normalised vector
    std::map<std::string, std::shared_ptr<DecimatedSeries>> m_phaseByVector;
    std::map<std::string, std::string> m_vectorOfCref;
    std::string m_coordinate;
    long long m_rows = 0;
};
