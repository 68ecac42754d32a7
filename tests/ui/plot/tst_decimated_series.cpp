// Pure logic: the chunked min/max series and its decimation, checked against brute force.
#include "ui/plot/decimated_series.h"

#include <QTest>
#include <algorithm>
#include <cmath>
#include <random>

namespace {

struct Points {
    std::vector<double> xs;
    std::vector<double> ys;
};

// The decimation rule, written the slow and obvious way: every visible sample is put in its
// column by comparing with the column edges, then each column's first minimum and first
// maximum are kept in sample order.
Points bruteForce(const std::vector<double>& x, const std::vector<double>& y, double xlo,
                  double xhi, size_t buckets) {
    Points out;
    const size_t n = x.size();
    if (n == 0 || buckets == 0 || !(xhi >= xlo))
        return out;
    size_t first = 0;
    while (first < n && x[first] < xlo)
        ++first;
    size_t last = first;
    while (last < n && x[last] <= xhi)
        ++last;
    auto push = [&](size_t i) {
        out.xs.push_back(x[i]);
        out.ys.push_back(y[i]);
    };
    if (first > 0)
        push(first - 1);
    if (last - first <= 2 * buckets) {
        for (size_t i = first; i < last; ++i)
            push(i);
    } else {
        const double width = (xhi - xlo) / static_cast<double>(buckets);
        std::vector<double> edges; // inner edges, column b starts at edges[b - 1]
        for (size_t b = 1; b < buckets; ++b)
            edges.push_back(xlo + static_cast<double>(b) * width);
        std::vector<long> minAt(buckets, -1), maxAt(buckets, -1);
        for (size_t i = first; i < last; ++i) {
            if (std::isnan(y[i]))
                continue;
            const size_t b = static_cast<size_t>(
                std::upper_bound(edges.begin(), edges.end(), x[i]) - edges.begin());
            if (minAt[b] < 0 || y[i] < y[minAt[b]])
                minAt[b] = static_cast<long>(i);
            if (maxAt[b] < 0 || y[i] > y[maxAt[b]])
                maxAt[b] = static_cast<long>(i);
        }
        for (size_t b = 0; b < buckets; ++b) {
            if (minAt[b] < 0)
                continue;
            push(static_cast<size_t>(std::min(minAt[b], maxAt[b])));
            if (minAt[b] != maxAt[b])
                push(static_cast<size_t>(std::max(minAt[b], maxAt[b])));
        }
    }
    if (last < n)
        push(last);
    return out;
}

Points decimated(const DecimatedSeries& s, double xlo, double xhi, size_t buckets) {
    Points p;
    s.decimate(xlo, xhi, buckets, p.xs, p.ys);
    return p;
}

// Random walk in y; x steps that are sometimes zero, so equal x values occur.
Points randomData(size_t n, unsigned seed, double zeroStepChance) {
    std::mt19937_64 rng(seed);
    std::uniform_real_distribution<double> unit(0.0, 1.0);
    std::normal_distribution<double> noise(0.0, 1.0);
    Points p;
    double x = -5.0;
    double y = 0.0;
    for (size_t i = 0; i < n; ++i) {
        if (unit(rng) >= zeroStepChance)
            x += 0.001 + unit(rng);
        y += noise(rng);
        p.xs.push_back(x);
        p.ys.push_back(y);
    }
    return p;
}

bool samePoints(const Points& a, const Points& b) {
    return a.xs == b.xs && a.ys == b.ys;
}

} // namespace

class TestDecimatedSeries : public QObject {
    Q_OBJECT
private slots:
    void emptySeries() {
        DecimatedSeries s;
        QCOMPARE(s.size(), size_t(0));
        QVERIFY(!s.xRange());
        QVERIFY(!s.yRange(-1, 1));
        QVERIFY(std::isnan(s.valueAt(0)));
        const auto p = decimated(s, 0, 1, 100);
        QVERIFY(p.xs.empty() && p.ys.empty());
    }

    void onePoint() {
        DecimatedSeries s;
        const double x = 2.0, y = 3.0;
        QVERIFY(s.append(&x, &y, 1));
        QCOMPARE(s.size(), size_t(1));
        QCOMPARE(s.xRange()->lower, 2.0);
        QCOMPARE(s.xRange()->upper, 2.0);
        QCOMPARE(s.valueAt(2.0), 3.0);
        QVERIFY(std::isnan(s.valueAt(1.9)));
        QVERIFY(std::isnan(s.valueAt(2.1)));
        QCOMPARE(s.yRange(0, 5)->lower, 3.0);
        QCOMPARE(s.yRange(0, 5)->upper, 3.0);
        QVERIFY(!s.yRange(3, 5));
        // Inside, left of and right of the range: always that one point (as a neighbour
        // outside, so a line would run to the edge).
        for (auto [lo, hi] : {std::pair{0.0, 5.0}, std::pair{3.0, 4.0}, std::pair{0.0, 1.0}}) {
            const auto p = decimated(s, lo, hi, 10);
            QCOMPARE(p.xs, std::vector<double>{2.0});
            QCOMPARE(p.ys, std::vector<double>{3.0});
        }
    }

    void rangeOutsideData() {
        DecimatedSeries s;
        const auto data = randomData(10000, 7, 0.0);
        QVERIFY(s.append(data.xs.data(), data.ys.data(), data.xs.size()));
        const double xmax = data.xs.back();
        auto p = decimated(s, xmax + 1, xmax + 2, 100); // right of the data: last sample only
        QCOMPARE(p.xs, std::vector<double>{xmax});
        p = decimated(s, -100, -90, 100); // left: first sample only
        QCOMPARE(p.xs, std::vector<double>{data.xs.front()});
        QVERIFY(!s.yRange(xmax + 1, xmax + 2));
        p = decimated(s, 5, 4, 100); // reversed range: nothing
        QVERIFY(p.xs.empty());
        p = decimated(s, 0, 1000, 0); // no columns: nothing
        QVERIFY(p.xs.empty());
    }

    void rejectsDecreasingX() {
        DecimatedSeries s;
        const double x1[] = {0, 1, 1, 2};
        const double y1[] = {0, 1, 2, 3};
        QVERIFY(s.append(x1, y1, 4)); // equal x is fine
        const double x2[] = {3, 1.5};
        QVERIFY(!s.append(x2, y1, 2));
        QCOMPARE(s.size(), size_t(4)); // nothing of the bad batch
        const double x3[] = {NAN};
        QVERIFY(!s.append(x3, y1, 1));
        QCOMPARE(s.size(), size_t(4));
    }

    void valueAtInterpolates() {
        DecimatedSeries s;
        std::vector<double> x, y;
        for (int i = 0; i <= 1000; ++i) {
            x.push_back(i * 1e-6);
            y.push_back(2.0 * i * 1e-6 + 1.0); // y = 2x + 1
        }
        QVERIFY(s.append(x.data(), y.data(), x.size()));
        QCOMPARE(s.valueAt(0.0), 1.0);
        QCOMPARE(s.valueAt(1e-3), y.back());
        QVERIFY(qAbs(s.valueAt(250.5e-6) - (2.0 * 250.5e-6 + 1.0)) < 1e-12);
        QVERIFY(std::isnan(s.valueAt(-1e-9)));
        QVERIFY(std::isnan(s.valueAt(1.1e-3)));
        // The line over [0.25 ms, 0.7505 ms] spans its interpolated ends.
        const auto r = s.yRange(250e-6, 750.5e-6);
        QVERIFY(r);
        QVERIFY(qAbs(r->lower - 1.0005) < 1e-12);
        QVERIFY(qAbs(r->upper - (2.0 * 750.5e-6 + 1.0)) < 1e-12);
    }

    void stepAtEqualX() {
        DecimatedSeries s;
        const double x[] = {0, 1, 1, 1, 2};
        const double y[] = {0, 0, 5, 10, 10};
        QVERIFY(s.append(x, y, 5));
        QCOMPARE(s.valueAt(1.0), 10.0); // the last sample at x = 1
        QCOMPARE(s.valueAt(0.5), 0.0);
        QCOMPARE(s.valueAt(1.5), 10.0);
        QCOMPARE(s.lowerBound(1.0), size_t(1));
        QCOMPARE(s.upperBound(1.0), size_t(4));
        QCOMPARE(s.yRange(1, 1)->lower, 0.0);
        QCOMPARE(s.yRange(1, 1)->upper, 10.0);
        // Many equal x values in one column: its min and max, earliest first.
        std::vector<double> xs(1000, 3.0), ys(1000);
        for (size_t i = 0; i < ys.size(); ++i)
            ys[i] = std::sin(0.1 * static_cast<double>(i));
        DecimatedSeries flat;
        QVERIFY(flat.append(xs.data(), ys.data(), xs.size()));
        const auto p = decimated(flat, 3.0, 3.0, 10);
        QVERIFY(samePoints(p, bruteForce(xs, ys, 3.0, 3.0, 10)));
        QCOMPARE(p.xs.size(), size_t(2));
        QCOMPARE(*std::min_element(ys.begin(), ys.end()), std::min(p.ys[0], p.ys[1]));
        QCOMPARE(*std::max_element(ys.begin(), ys.end()), std::max(p.ys[0], p.ys[1]));
    }

    void matchesBruteForce_data() {
        QTest::addColumn<int>("n");
        QTest::addColumn<unsigned>("seed");
        QTest::addColumn<double>("zeroSteps");
        QTest::newRow("31") << 31 << 1u << 0.0;
        QTest::newRow("32") << 32 << 2u << 0.0;
        QTest::newRow("33") << 33 << 3u << 0.3;
        QTest::newRow("1025") << 1025 << 4u << 0.0;
        QTest::newRow("50k equal x") << 50000 << 5u << 0.5;
        QTest::newRow("200k") << 200000 << 6u << 0.01;
    }
    void matchesBruteForce() {
        QFETCH(int, n);
        QFETCH(unsigned, seed);
        QFETCH(double, zeroSteps);
        const auto data = randomData(static_cast<size_t>(n), seed, zeroSteps);
        DecimatedSeries s;
        QVERIFY(s.append(data.xs.data(), data.ys.data(), data.xs.size()));
        const double x0 = data.xs.front(), x1 = data.xs.back();
        std::mt19937_64 rng(seed * 977u);
        std::uniform_real_distribution<double> pick(x0 - 0.1 * (x1 - x0), x1 + 0.1 * (x1 - x0));
        for (int trial = 0; trial < 60; ++trial) {
            double lo = pick(rng), hi = pick(rng);
            if (trial == 0) {
                lo = x0;
                hi = x1;
            } else if (trial == 1) { // edges on samples
                lo = data.xs[static_cast<size_t>(n) / 3];
                hi = data.xs[2 * static_cast<size_t>(n) / 3];
            }
            if (lo > hi)
                std::swap(lo, hi);
            for (size_t buckets : {size_t(1), size_t(7), size_t(100), size_t(1000)}) {
                const auto got = decimated(s, lo, hi, buckets);
                const auto want = bruteForce(data.xs, data.ys, lo, hi, buckets);
                QVERIFY2(samePoints(got, want),
                         qPrintable(QString("range [%1, %2], %3 columns: %4 vs %5 points")
                                        .arg(lo)
                                        .arg(hi)
                                        .arg(buckets)
                                        .arg(got.xs.size())
                                        .arg(want.xs.size())));
                QVERIFY(got.xs.size() <= 2 * buckets + 2);
                QVERIFY(std::is_sorted(got.xs.begin(), got.xs.end()));
            }
            // yRange agrees with a scan plus the interpolated ends.
            double ymin = INFINITY, ymax = -INFINITY;
            for (size_t i = 0; i < data.xs.size(); ++i)
                if (data.xs[i] >= lo && data.xs[i] <= hi) {
                    ymin = std::min(ymin, data.ys[i]);
                    ymax = std::max(ymax, data.ys[i]);
                }
            for (double edge : {lo, hi})
                if (!std::isnan(s.valueAt(edge))) {
                    ymin = std::min(ymin, s.valueAt(edge));
                    ymax = std::max(ymax, s.valueAt(edge));
                }
            const auto r = s.yRange(lo, hi);
            QCOMPARE(bool(r), std::isfinite(ymin));
            if (r) {
                QCOMPARE(r->lower, ymin);
                QCOMPARE(r->upper, ymax);
            }
        }
    }

    // Appending in uneven batches builds the same pyramid as one append.
    void batchedAppendsMatch() {
        const auto data = randomData(70000, 11, 0.1);
        DecimatedSeries whole, batched;
        QVERIFY(whole.append(data.xs.data(), data.ys.data(), data.xs.size()));
        std::mt19937 rng(3);
        size_t done = 0;
        while (done < data.xs.size()) {
            const size_t count = std::min<size_t>(rng() % 3000, data.xs.size() - done);
            QVERIFY(batched.append(data.xs.data() + done, data.ys.data() + done, count));
            done += count;
        }
        QCOMPARE(batched.size(), whole.size());
        for (size_t buckets : {size_t(13), size_t(640)}) {
            const double lo = data.xs[1234], hi = data.xs[65432];
            QVERIFY(
                samePoints(decimated(batched, lo, hi, buckets), decimated(whole, lo, hi, buckets)));
            QVERIFY(samePoints(decimated(batched, lo, hi, buckets),
                               bruteForce(data.xs, data.ys, lo, hi, buckets)));
        }
    }

    void nanSamplesAreSkipped() {
        std::vector<double> x(5000), y(5000);
        for (size_t i = 0; i < x.size(); ++i) {
            x[i] = static_cast<double>(i);
            y[i] = i % 7 == 0 ? NAN : std::cos(0.01 * static_cast<double>(i));
        }
        DecimatedSeries s;
        QVERIFY(s.append(x.data(), y.data(), x.size()));
        const auto got = decimated(s, 0, 4999, 50);
        QVERIFY(samePoints(got, bruteForce(x, y, 0, 4999, 50)));
        for (double v : got.ys)
            QVERIFY(!std::isnan(v));
    }

    // A million samples at 800 columns: at most 1602 points, and the envelope of each column
    // is the data's.
    void millionPointsStayBounded() {
        const size_t n = 1000000;
        std::vector<double> x(n), y(n);
        for (size_t i = 0; i < n; ++i) {
            x[i] = static_cast<double>(i) * 1e-9;
            y[i] = std::sin(2 * M_PI * 1e4 * x[i]) + ((i % 100) == 0 ? 0.5 : 0.0);
        }
        DecimatedSeries s;
        QVERIFY(s.append(x.data(), y.data(), n));
        const auto p = decimated(s, x.front(), x.back(), 800);
        QVERIFY(p.xs.size() <= 1602);
        QVERIFY(p.xs.size() >= 800);
        QCOMPARE(*std::max_element(p.ys.begin(), p.ys.end()),
                 *std::max_element(y.begin(), y.end()));
        QCOMPARE(*std::min_element(p.ys.begin(), p.ys.end()),
                 *std::min_element(y.begin(), y.end()));
        QVERIFY(samePoints(p, bruteForce(x, y, x.front(), x.back(), 800)));
    }
};

QTEST_APPLESS_MAIN(TestDecimatedSeries)
#include "tst_decimated_series.moc"
