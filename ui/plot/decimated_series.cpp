#include "ui/plot/decimated_series.h"

#include <algorithm>
#include <cmath>
#include <limits>

DecimatedSeries::DecimatedSeries() = default;
DecimatedSeries::~DecimatedSeries() = default;
DecimatedSeries::DecimatedSeries(DecimatedSeries&&) noexcept = default;
DecimatedSeries& DecimatedSeries::operator=(DecimatedSeries&&) noexcept = default;

DecimatedSeries::Extremes DecimatedSeries::noExtremes() {
    return {std::numeric_limits<double>::infinity(), -std::numeric_limits<double>::infinity(),
            kNone, kNone};
}

// Ties go to the earlier sample, so the result does not depend on how a range was split
// into pyramid nodes. NaN never compares, so it is never picked.
void DecimatedSeries::merge(Extremes& into, const Extremes& from) {
    if (from.min < into.min || (from.min == into.min && from.minIndex < into.minIndex)) {
        into.min = from.min;
        into.minIndex = from.minIndex;
    }
    if (from.max > into.max || (from.max == into.max && from.maxIndex < into.maxIndex)) {
        into.max = from.max;
        into.maxIndex = from.maxIndex;
    }
}

DecimatedSeries::Extremes DecimatedSeries::sampleExtremes(size_t i) const {
    const double v = y(i);
    if (std::isnan(v))
        return noExtremes();
    return {v, v, i, i};
}

bool DecimatedSeries::append(const double* xs, const double* ys, size_t n) {
    double previous = m_size ? x(m_size - 1) : -std::numeric_limits<double>::infinity();
    for (size_t i = 0; i < n; ++i) {
        if (!(xs[i] >= previous))
            return false;
        previous = xs[i];
    }
    size_t done = 0;
    while (done < n) {
        const size_t offset = m_size % kChunkSize;
        if (offset == 0)
            m_chunks.push_back(std::make_unique<Chunk>());
        Chunk& chunk = *m_chunks.back();
        const size_t count = std::min(n - done, kChunkSize - offset);
        std::copy(xs + done, xs + done + count, chunk.x + offset);
        std::copy(ys + done, ys + done + count, chunk.y + offset);
        done += count;
        m_size += count;
    }
    extendPyramid();
    return true;
}

void DecimatedSeries::clear() {
    m_chunks.clear();
    m_levels.clear();
    m_size = 0;
}

// Summarises every newly completed run of kFanOut samples, then of kFanOut nodes, upwards.
void DecimatedSeries::extendPyramid() {
    size_t below = m_size; // entries available one level down
    for (size_t level = 0; below / kFanOut > 0; ++level) {
        if (m_levels.size() == level)
            m_levels.emplace_back();
        auto& nodes = m_levels[level];
        while (nodes.size() < below / kFanOut) {
            const size_t first = nodes.size() * kFanOut;
            Extremes e = noExtremes();
            for (size_t j = first; j < first + kFanOut; ++j)
                merge(e, level == 0 ? sampleExtremes(j) : m_levels[level - 1][j]);
            nodes.push_back(e);
        }
        below = nodes.size();
    }
}

// Climbs the pyramid: at each level the unaligned ends are taken one by one, the aligned
// middle is handed to the level above, so at most 2·(kFanOut−1) entries are read per level.
DecimatedSeries::Extremes DecimatedSeries::extremes(size_t begin, size_t end) const {
    Extremes result = noExtremes();
    size_t lo = begin;
    size_t hi = end;
    auto take = [&](size_t level, size_t i) {
        merge(result, level == 0 ? sampleExtremes(i) : m_levels[level - 1][i]);
    };
    // level 0 here means raw samples; level k >= 1 means m_levels[k - 1].
    for (size_t level = 0; lo < hi; ++level) {
        if (level == m_levels.size()) {
            for (size_t i = lo; i < hi; ++i)
                take(level, i);
            break;
        }
        while (lo < hi && lo % kFanOut != 0)
            take(level, lo++);
        while (lo < hi && hi % kFanOut != 0)
            take(level, --hi);
        lo /= kFanOut;
        hi /= kFanOut;
    }
    return result;
}

size_t DecimatedSeries::lowerBound(double value, size_t begin, size_t end) const {
    size_t count = end - begin;
    while (count > 0) {
        const size_t step = count / 2;
        const size_t mid = begin + step;
        if (x(mid) < value) {
            begin = mid + 1;
            count -= step + 1;
        } else {
            count = step;
        }
    }
    return begin;
}

// lowerBound within [begin, end), starting at `hint` and galloping (1, 2, 4, ... samples)
// towards the answer. Column edges are evenly spaced in x and samples nearly so, so the
// previous column's width is a close guess: a few probes within a few cache lines, where
// bisecting [begin, end) would miss the cache at nearly every step on a large series.
size_t DecimatedSeries::lowerBoundNear(double value, size_t begin, size_t end, size_t hint) const {
    hint = std::clamp(hint, begin, end);
    if (hint < end && x(hint) < value) { // the answer is in (hint, end]
        size_t lo = hint + 1;
        size_t probe = lo;
        for (size_t step = 1; probe < end && x(probe) < value; step *= 2) {
            lo = probe + 1;
            probe = hint + 1 + step;
        }
        return lowerBound(value, lo, std::min(probe, end));
    }
    size_t hi = hint; // x(hi) >= value, or hi == end: the answer is in [begin, hi]
    for (size_t step = 1; hi > begin; step *= 2) {
        const size_t probe = hi - std::min(step, hi - begin);
        if (x(probe) < value)
            return lowerBound(value, probe + 1, hi);
        hi = probe;
    }
    return begin;
}

size_t DecimatedSeries::lowerBound(double value) const {
    return lowerBound(value, 0, m_size);
}

size_t DecimatedSeries::upperBound(double value) const {
    size_t begin = 0;
    size_t count = m_size;
    while (count > 0) {
        const size_t step = count / 2;
        const size_t mid = begin + step;
        if (!(value < x(mid))) {
            begin = mid + 1;
            count -= step + 1;
        } else {
            count = step;
        }
    }
    return begin;
}

std::optional<DecimatedSeries::Range> DecimatedSeries::xRange() const {
    if (m_size == 0)
        return std::nullopt;
    return Range{x(0), x(m_size - 1)};
}

std::optional<DecimatedSeries::Range> DecimatedSeries::yRange(double xlo, double xhi) const {
    if (m_size == 0 || !(xhi >= xlo))
        return std::nullopt;
    Extremes e = extremes(lowerBound(xlo), upperBound(xhi));
    for (double edge : {xlo, xhi}) {
        const double v = valueAt(edge);
        if (!std::isnan(v))
            merge(e, {v, v, 0, 0});
    }
    if (e.minIndex == kNone)
        return std::nullopt;
    return Range{e.min, e.max};
}

void DecimatedSeries::decimate(double xlo, double xhi, size_t buckets, std::vector<double>& xs,
                               std::vector<double>& ys) const {
    xs.clear();
    ys.clear();
    if (m_size == 0 || buckets == 0 || !(xhi >= xlo))
        return;
    const size_t first = lowerBound(xlo);
    const size_t last = upperBound(xhi); // visible samples: [first, last)
    auto push = [&](size_t i) {
        xs.push_back(x(i));
        ys.push_back(y(i));
    };
    xs.reserve(std::min(last - first, 2 * buckets) + 2);
    ys.reserve(xs.capacity());
    if (first > 0)
        push(first - 1);
    if (last - first <= 2 * buckets) {
        for (size_t i = first; i < last; ++i)
            push(i);
    } else {
        const double width = (xhi - xlo) / static_cast<double>(buckets);
        size_t begin = first;
        size_t previousCount = (last - first) / buckets;
        for (size_t b = 0; b < buckets; ++b) {
            // Column b holds xlo + b·width <= x < xlo + (b+1)·width; the last one also xhi.
            const size_t end = b + 1 == buckets
                                   ? last
                                   : lowerBoundNear(xlo + static_cast<double>(b + 1) * width, begin,
                                                    last, begin + previousCount);
            if (end > begin) {
                const Extremes e = extremes(begin, end);
                if (e.minIndex != kNone) {
                    push(std::min(e.minIndex, e.maxIndex));
                    if (e.minIndex != e.maxIndex)
                        push(std::max(e.minIndex, e.maxIndex));
                }
            }
            previousCount = end - begin;
            begin = end;
        }
    }
    if (last < m_size)
        push(last);
}

double DecimatedSeries::valueAt(double at) const {
    if (m_size == 0 || std::isnan(at))
        return std::numeric_limits<double>::quiet_NaN();
    const size_t after = upperBound(at);
    if (after == 0)
        return std::numeric_limits<double>::quiet_NaN();
    if (after == m_size)
        return at == x(m_size - 1) ? y(m_size - 1) : std::numeric_limits<double>::quiet_NaN();
    const size_t before = after - 1; // x(before) <= at < x(after)
    const double x0 = x(before);
    const double x1 = x(after);
    const double t = (at - x0) / (x1 - x0);
    return y(before) + t * (y(after) - y(before));
}
