#include "core/store/h5_sink.h"

#include "core/base/phase_trace.h"
#include "core/store/h5_handle.h"
#include "core/store/h5_writer.h"
#include "core/store/store_commit.h"
#include "core/store/store_layout.h"
#include "core/store/store_lock.h"
#include "core/store/store_paths.h"
#include "core/store/store_recovery.h"

#include <QDateTime>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <cerrno>
#include <cstring>
#include <sys/stat.h>
#include <unistd.h>

namespace {

std::string folderOf(const std::string& path) {
    const auto slash = path.rfind('/');
    return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

} // namespace

Result<std::unique_ptr<H5Sink>> H5Sink::open(const std::string& path) {
    using R = Result<std::unique_ptr<H5Sink>>;
    if (path.empty())
        return R::failure("no store given");
    struct stat info {};
    if (stat(path.c_str(), &info) == 0) {
        std::lock_guard lock(h5Mutex());
        h5::silenceErrorStack();
        if (!S_ISREG(info.st_mode) || H5Fis_hdf5(path.c_str()) <= 0)
            return R::failure(path + ": exists but is not a readable HDF5 file; "
                                     "choose another store");
        if (access(path.c_str(), W_OK) != 0)
            return R::failure(path + ": not writable: " + std::strerror(errno));
    } else if (access(folderOf(path).c_str(), W_OK) != 0) {
        return R::failure(path + ": cannot create the store in " + folderOf(path) + ": " +
                          std::strerror(errno));
    }
    auto lock = StoreLock::acquire(path);
    if (!lock)
        return R::failure(lock.error());
    // The store exists from the first run on, so that it can be read while that run writes.
    if (auto created = StoreCommit::createIfMissing(path); !created)
        return R::failure(created.error());
    std::unique_ptr<H5Sink> sink(new H5Sink(path));
    auto recovered = StoreRecovery::recoverLocked(path);
    if (!recovered)
        return R::failure(recovered.error());
    for (const auto& run : recovered.value())
        sink->m_recovered.push_back("run " + run.runId + ": " + run.status + " (" + run.message +
                                    ")");
    return R(std::move(sink));
}

H5Sink::H5Sink(std::string path) : m_path(std::move(path)) {}

H5Sink::~H5Sink() {
    if (m_writer && m_writer->hasRun())
        finishRun(RunStatus::Interrupted, "writer closed before the run ended");
}

Result<bool> H5Sink::createRun(const RunMetadata& metadata) {
    using R = Result<bool>;
    if (m_writer)
        return R::failure("internal: a run is still open in " + m_path);
    const std::string& id = metadata.runId;
    if (id.empty() || id.find('/') != std::string::npos || id == "." || id == ".." ||
        id == "creating")
        return R::failure("invalid run id \"" + id + "\"");
    // Under the lock, so that a recovery in another process never takes a part that is
    // being created for one that a dead process left.
    auto lock = StoreLock::acquire(m_path);
    if (!lock)
        return R::failure(lock.error());
    if (access(m_path.c_str(), F_OK) == 0) {
        std::lock_guard h5Lock(h5Mutex());
        h5::silenceErrorStack();
        H5Handle file(H5Fopen(m_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
        if (!file.valid())
            return R::failure(m_path + ": cannot open to check the run id");
        // A failed or interrupted run is run again (--resume): its commit supersedes the
        // old one, which stays under /superseded/<id>/<n> (RunCopy).
        if (h5::exists(file.get(), "runs/" + id)) {
            H5Handle held(H5Gopen2(file.get(), ("runs/" + id).c_str(), H5P_DEFAULT));
            const std::string status = h5::readStringAttribute(held.get(), store_layout::kStatus);
            if (!isSupersedable(status))
                return R::failure(m_path + ": run \"" + id +
                                  "\" already exists; runs are never overwritten");
        }
    }
    const std::string part = store_paths::partPath(m_path, id);
    if (access(part.c_str(), F_OK) == 0)
        return R::failure(m_path + ": run \"" + id + "\" is already being written (" + part + ")");
    auto writer = H5Writer::open(part);
    if (!writer)
        return R::failure(writer.error());
    if (auto created = writer.value()->createRun(metadata); !created) {
        writer.value().reset();
        unlink(part.c_str());
        return created;
    }
    m_writer = std::move(writer.value());
    m_runId = id;
    QFile info(QString::fromStdString(store_paths::partInfoPath(m_path, id)));
    if (info.open(QIODevice::WriteOnly))
        info.write(QJsonDocument(
                       QJsonObject{{"run_id", QString::fromStdString(id)},
                                   {"job", QString::fromStdString(metadata.job)},
                                   {"analysis", QString::fromStdString(metadata.analysis)},
                                   {"started",
                                    QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)}})
                       .toJson(QJsonDocument::Compact));
    return true;
}

Result<bool> H5Sink::beginPlot(const std::string& analysis, const std::vector<VectorInfo>& vectors,
                               const Resolution& resolution) {
    if (!m_writer)
        return Result<bool>::failure("internal: no run open");
    return m_writer->beginPlot(analysis, vectors, resolution);
}

void H5Sink::append(const SampleBatch& batch, int first, int last) {
    if (m_writer)
        m_writer->append(batch, first, last);
}

void H5Sink::nextStep() {
    if (m_writer)
        m_writer->nextStep();
}

void H5Sink::addLog(const std::string& line) {
    if (m_writer)
        m_writer->addLog(line);
}

std::string H5Sink::failure() const {
    return m_writer ? m_writer->failure() : std::string();
}

Result<bool> H5Sink::finishRun(RunStatus status, const std::string& message) {
    using R = Result<bool>;
    if (!m_writer)
        return R::failure("internal: no run open");
    auto finished = m_writer->finishRun(status, message);
    m_finishedMeasurements = m_writer->finishedMeasurements();
    const std::string failure = m_writer->failure();
    // The part's flock says the run is live. Between closing the part (which releases it)
    // and the commit, another process's recovery, which holds the store lock, would take
    // the finished part for a dead one: the lock is taken first.
    auto lock = StoreLock::acquire(m_path);
    m_writer.reset(); // closes the part
    const std::string part = store_paths::partPath(m_path, m_runId);
    if (!failure.empty()) {
        // A part a write failed on is incomplete in ways HDF5 cannot tell: it goes, and
        // the store, never opened, is as it was.
        unlink(part.c_str());
        unlink(store_paths::partInfoPath(m_path, m_runId).c_str());
        return R::failure(failure + "; the run \"" + m_runId + "\" is not stored, and " + m_path +
                          " is unchanged");
    }
    if (!finished)
        return finished;
    if (!lock)
        return R::failure(lock.error());
    phase_trace::mark("writer: commit");
    return StoreCommit::commitLocked(m_path, part, m_runId);
}

const std::vector<MeasureResults::Measurement>& H5Sink::finishedMeasurements() const {
    return m_finishedMeasurements;
}

bool H5Sink::hasRun() const {
    return m_writer && m_writer->hasRun();
}
