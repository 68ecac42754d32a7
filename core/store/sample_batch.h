#pragma once

#include <vector>

// Row-major block of accepted simulation points, filled on ngspice's thread.
// Complex vectors take two adjacent columns (real, imaginary).
struct SampleBatch {
    int columns = 0;
    int capacity = 0; // rows
    int rows = 0;
    std::vector<double> values; // capacity * columns, allocated once, recycled by the pool
};
