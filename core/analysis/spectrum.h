#pragma once

#include "core/base/result.h"

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

// The spectrum of a trace over an x range (FFTW): the trace is first resampled onto a uniform
// grid, since a transient's steps are not uniform, by linear interpolation between its
// samples, at as many points as the range holds samples rounded up to a power of two (at
// least 1,024, at most 2^20). Then a window (rectangular, Hann, 4-term Blackman-Harris),
// amplitude-corrected so that a sine of amplitude A reads A at its bin; magnitude in dB of
// the trace's unit (dBV for volts). The fundamental is the largest bin (DC's lobe excluded)
// or the one given; THD sums the harmonics 2..N below Nyquist, each over the window's main
// lobe; SNR is the fundamental against everything else but DC and those harmonics.
// Pure logic.
class Spectrum {
public:
    struct Options {
        std::string window = "hann";       // rectangular, hann, blackman-harris
        std::optional<double> fundamental; // Hz; unset: the largest bin
        int harmonics = 9;                 // the fundamental included
        size_t points = 0;                 // 0: the rule above
    };

    std::vector<double> frequency;   // Hz, bin k at k / span
    std::vector<double> magnitudeDb; // 20 log10 of the amplitude
    std::vector<double> amplitude;
    double binWidth = 0;
    double fundamental = 0; // Hz, the bin's centre
    double fundamentalDb = 0;
    double thdDb = 0; // 10 log10(harmonics' power / fundamental's)
    double thdPercent = 0;
    double snrDb = 0;
    // Why THD and SNR are NaN: the fundamental's bin so low that the harmonics' lobes would
    // overlap its own (too few periods in the range for the window).
    std::string problem;
    size_t points = 0; // of the uniform grid
    std::string window;

    static const std::vector<std::string>& windowNames();
    static Result<Spectrum> compute(const double* x, const double* y, size_t n, double x0,
                                    double x1, const Options& options);
};
