#include "core/engine/run_session.h"

#include <QDateTime>
#include <atomic>

void RunSession::stop() {}
void RunSession::pause() {}
void RunSession::resume() {}

std::string RunSession::newRunId() {
    static std::atomic<int> counter{0};
    return "run-" + QDateTime::currentDateTimeUtc().toString("yyyyMMdd'T'HHmmsszzz").toStdString() +
           "-" + std::to_string(++counter);
}
