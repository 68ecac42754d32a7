#include "core/store/h5_sink.h"

#include "core/store/h5_writer.h"

Result<std::unique_ptr<H5Sink>> H5Sink::open(const std::string& path) {
    auto writer = H5Writer::open(path);
    if (!writer)
        return Result<std::unique_ptr<H5Sink>>::failure(writer.error());
    return std::unique_ptr<H5Sink>(new H5Sink(std::move(writer.value())));
}

H5Sink::H5Sink(std::unique_ptr<H5Writer> writer) : m_writer(std::move(writer)) {}
H5Sink::~H5Sink() = default;

Result<bool> H5Sink::createRun(const RunMetadata& metadata) {
    return m_writer->createRun(metadata);
}

Result<bool> H5Sink::beginPlot(const std::string& analysis, const std::vector<VectorInfo>& vectors,
                               const Resolution& resolution) {
    return m_writer->beginPlot(analysis, vectors, resolution);
}

void H5Sink::append(const SampleBatch& batch, int first, int last) {
    m_writer->append(batch, first, last);
}

void H5Sink::nextStep() {
    m_writer->nextStep();
}
void H5Sink::addLog(const std::string& line) {
    m_writer->addLog(line);
}

Result<bool> H5Sink::finishRun(RunStatus status, const std::string& message) {
    return m_writer->finishRun(status, message);
}

const std::vector<MeasureResults::Measurement>& H5Sink::finishedMeasurements() const {
    return m_writer->finishedMeasurements();
}

bool H5Sink::hasRun() const {
    return m_writer->hasRun();
}
