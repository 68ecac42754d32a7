#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <vector>

// An append-only (x, y) series, x non-decreasing (time, frequency), that a plot can redraw
// at any zoom in time proportional to its pixel width rather than to the number of stored
// points.
//
// Samples live in fixed chunks of kChunkSize, so growing to tens of millions of points never
// copies what is already stored. Beside them sits a min/max pyramid: level 0 keeps, for each
// run of kFanOut samples, the minimum and maximum of y and where they are; level k+1 does the
// same over kFanOut nodes of level k. Only complete runs are summarised, so appends touch the
// tail only. A min/max query over any index range then reads at most 2·(kFanOut−1) entries
// per level instead of every sample.
//
// Not thread-safe: it lives on the thread that appends to it (the GUI thread, which appends
// batches from queued signals and then asks the plot to redraw).
class DecimatedSeries {
public:
    struct Range {
        double lower;
        double upper;
    };

    static constexpr size_t kChunkSize = 1024;
    static constexpr size_t kFanOut = 32;

    DecimatedSeries();
    ~DecimatedSeries();
    DecimatedSeries(DecimatedSeries&&) noexcept;
    DecimatedSeries& operator=(DecimatedSeries&&) noexcept;

    // Appends n samples. Returns false, and appends nothing, when x would decrease (or is NaN):
    // every lookup relies on x being sorted.
    bool append(const double* x, const double* y, size_t n);
    void clear();

    size_t size() const { return m_size; }
    bool empty() const { return m_size == 0; }
    double x(size_t i) const { return m_chunks[i / kChunkSize]->x[i % kChunkSize]; }
    double y(size_t i) const { return m_chunks[i / kChunkSize]->y[i % kChunkSize]; }

    // First index with x(i) >= x, and first index with x(i) > x (size() when none).
    size_t lowerBound(double x) const;
    size_t upperBound(double x) const;

    std::optional<Range> xRange() const;
    // The y extent of the line drawn over [xlo, xhi]: the samples inside plus the
    // interpolated values at both ends. Empty when the line does not cross the range.
    std::optional<Range> yRange(double xlo, double xhi) const;

    // What to draw over [xlo, xhi] at `buckets` pixel columns. Each column (an equal share of
    // the x range) contributes its minimum and maximum sample, in x order, so the vertical
    // extent drawn in every column is exact. When the range holds at most two samples per
    // column the raw samples are returned instead. Either way the nearest sample on each side
    // outside the range is included, so lines run to the edges. At most 2·buckets + 2 points;
    // cost O(buckets · log(n / buckets)), independent of how many samples the range holds.
    void decimate(double xlo, double xhi, size_t buckets, std::vector<double>& xs,
                  std::vector<double>& ys) const;

    // y linearly interpolated at x; NaN outside [first x, last x]. On a vertical step (equal
    // x values) the last sample at that x wins.
    double valueAt(double x) const;

private:
    struct Chunk {
        double x[kChunkSize];
        double y[kChunkSize];
    };
    // Extremes over a run of samples; index == kNone means no finite sample seen yet.
    struct Extremes {
        double min;
        double max;
        size_t minIndex;
        size_t maxIndex;
    };
    static constexpr size_t kNone = static_cast<size_t>(-1);
    static Extremes noExtremes();
    static void merge(Extremes& into, const Extremes& from);

    Extremes sampleExtremes(size_t i) const;
    Extremes extremes(size_t begin, size_t end) const;
    size_t lowerBound(double x, size_t begin, size_t end) const;
    size_t lowerBoundNear(double x, size_t begin, size_t end, size_t hint) const;
    void extendPyramid();

    std::vector<std::unique_ptr<Chunk>> m_chunks;
    std::vector<std::vector<Extremes>> m_levels; // m_levels[k] covers kFanOut^(k+1) samples
    size_t m_size = 0;
};
