#include "core/analysis/spectrum.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <fftw3.h>
#include <limits>
#include <memory>

namespace {

constexpr size_t kMinPoints = 1024;
constexpr size_t kMaxPoints = size_t(1) << 20;

// Half the main lobe in bins: where each window's leakage of a pure tone has fallen away.
int lobeBins(const std::string& window) {
    if (window == "rectangular")
        return 1;
    if (window == "hann")
        return 2;
    return 4; // blackman-harris
}

double windowAt(const std::string& window, size_t i, size_t n) {
    const double phase = 2 * M_PI * static_cast<double>(i) / static_cast<double>(n);
    if (window == "hann")
        return 0.5 - 0.5 * std::cos(phase);
    if (window == "blackman-harris")
        return 0.35875 - 0.48829 * std::cos(phase) + 0.14128 * std::cos(2 * phase) -
               0.01168 * std::cos(3 * phase);
    return 1;
}

size_t nextPowerOfTwo(size_t n) {
    size_t p = 1;
    while (p < n)
        p <<= 1;
    return p;
}

struct FftwDeleter {
    void operator()(void* p) const { fftw_free(p); }
};

} // namespace

const std::vector<std::string>& Spectrum::windowNames() {
    static const std::vector<std::string> names = {"rectangular", "hann", "blackman-harris"};
    return names;
}

Result<Spectrum> Spectrum::compute(const double* x, const double* y, size_t n, double x0, double x1,
                                   const Options& options) {
    using R = Result<Spectrum>;
    const auto& names = windowNames();
    if (std::find(names.begin(), names.end(), options.window) == names.end())
        return R::failure("unknown window \"" + options.window +
                          "\" (rectangular, hann, blackman-harris)");
    if (n < 2)
        return R::failure("fewer than two samples: no spectrum");
    x0 = std::max(x0, x[0]);
    x1 = std::min(x1, x[n - 1]);
    if (!(x1 > x0))
        return R::failure("the range holds no data: no spectrum");
    const size_t inRange =
        static_cast<size_t>(std::upper_bound(x, x + n, x1) - std::lower_bound(x, x + n, x0));
    size_t points = options.points ? options.points
                                   : std::clamp(nextPowerOfTwo(inRange), kMinPoints, kMaxPoints);
    points = std::clamp<size_t>(points, 16, kMaxPoints);

    // Uniform grid over [x0, x1): the range is one period of what the FFT sees.
    const double dt = (x1 - x0) / static_cast<double>(points);
    std::unique_ptr<double, FftwDeleter> in(fftw_alloc_real(points));
    std::unique_ptr<fftw_complex, FftwDeleter> out(fftw_alloc_complex(points / 2 + 1));
    double gain = 0;
    size_t j = 0;
    for (size_t i = 0; i < points; ++i) {
        const double t = x0 + dt * static_cast<double>(i);
        while (j + 1 < n && x[j + 1] < t)
            ++j;
        double v = y[j];
        if (j + 1 < n && x[j + 1] > x[j])
            v = y[j] + (y[j + 1] - y[j]) * (t - x[j]) / (x[j + 1] - x[j]);
        if (!std::isfinite(v))
            return R::failure("the trace has a NaN or infinite value in the range: no spectrum");
        const double w = windowAt(options.window, i, points);
        gain += w;
        in.get()[i] = v * w;
    }
    fftw_plan plan =
        fftw_plan_dft_r2c_1d(static_cast<int>(points), in.get(), out.get(), FFTW_ESTIMATE);
    fftw_execute(plan);
    fftw_destroy_plan(plan);

    Spectrum s;
    s.points = points;
    s.window = options.window;
    s.binWidth = 1 / (x1 - x0);
    const size_t bins = points / 2 + 1;
    std::vector<double> power(bins);
    for (size_t k = 0; k < bins; ++k) {
        const std::complex<double> z(out.get()[k][0], out.get()[k][1]);
        const double amplitude = std::abs(z) * (k == 0 || k == points / 2 ? 1 : 2) / gain;
        s.frequency.push_back(static_cast<double>(k) * s.binWidth);
        s.amplitude.push_back(amplitude);
        s.magnitudeDb.push_back(20 * std::log10(std::max(amplitude, 1e-300)));
        power[k] = amplitude * amplitude;
    }

    const int lobe = lobeBins(options.window);
    auto lobePower = [&](size_t centre) {
        double sum = 0;
        const size_t lo = centre > static_cast<size_t>(lobe) ? centre - lobe : 0;
        for (size_t k = lo; k <= std::min(bins - 1, centre + lobe); ++k)
            sum += power[k];
        return sum;
    };
    // The fundamental: the bin given, or the largest outside DC's lobe.
    size_t k1 = 0;
    if (options.fundamental) {
        k1 = static_cast<size_t>(std::llround(*options.fundamental / s.binWidth));
        if (k1 <= static_cast<size_t>(lobe) || k1 >= bins)
            return R::failure("the fundamental " + std::to_string(*options.fundamental) +
                              " Hz is outside the spectrum's bins");
    } else {
        for (size_t k = lobe + 1; k < bins; ++k)
            if (k1 == 0 || power[k] > power[k1])
                k1 = k;
        if (k1 == 0)
            return R::failure("too few points for a spectrum");
    }
    // Refine on the largest bin within the lobe of the given one (a picked frequency is rough).
    for (size_t k = k1 > static_cast<size_t>(lobe) ? k1 - lobe : 1;
         k <= std::min(bins - 1, k1 + lobe); ++k)
        if (power[k] > power[k1])
            k1 = k;
    s.fundamental = s.frequency[k1];
    s.fundamentalDb = s.magnitudeDb[k1];
    if (k1 <= static_cast<size_t>(2 * lobe)) {
        s.thdDb = s.thdPercent = s.snrDb = std::numeric_limits<double>::quiet_NaN();
        s.problem = "the range holds " + std::to_string(k1) + " periods of the fundamental; the " +
                    options.window + " window needs more than " + std::to_string(2 * lobe) +
                    " for THD and SNR: widen the range";
        return s;
    }
    const double p1 = lobePower(k1);
    std::vector<bool> counted(bins, false);
    auto mark = [&](size_t centre) {
        const size_t lo = centre > static_cast<size_t>(lobe) ? centre - lobe : 0;
        for (size_t k = lo; k <= std::min(bins - 1, centre + lobe); ++k)
            counted[k] = true;
    };
    mark(0);
    mark(k1);
    double harmonics = 0;
    for (int h = 2; h <= options.harmonics; ++h) {
        size_t kh = k1 * static_cast<size_t>(h);
        if (kh + lobe >= bins)
            break;
        // The harmonic's peak near h times the fundamental's bin.
        size_t best = kh;
        for (size_t k = kh - lobe; k <= kh + lobe; ++k)
            if (power[k] > power[best])
                best = k;
        harmonics += lobePower(best);
        mark(best);
    }
    double noise = 0;
    for (size_t k = 0; k < bins; ++k)
        if (!counted[k])
            noise += power[k];
    // Power in a lobe overstates a tone by the window's noise bandwidth; the ratios below
    // compare lobes with lobes, and noise bins with the same factor, so it cancels.
    s.thdDb =
        harmonics > 0 ? 10 * std::log10(harmonics / p1) : -std::numeric_limits<double>::infinity();
    s.thdPercent = 100 * std::sqrt(harmonics / p1);
    s.snrDb = noise > 0 ? 10 * std::log10(p1 / noise) : std::numeric_limits<double>::infinity();
    return s;
}
