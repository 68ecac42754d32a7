// A workbook (YAML) on any bytes, read from its file as --render and the GUI read it, and every
// expression it names parsed and evaluated over a small synthetic run. A workbook it accepts
// must write back to YAML that reads again to the same YAML; an expression it accepts must
// give one value a sample and a unit, or an error naming what is missing.
#include "core/analysis/trace_expression.h"
#include "core/analysis/workbook.h"
#include "fuzz/scratch_dir.h"

#include <cstdlib>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    auto& dir = ScratchDir::instance();
    const std::string path =
        dir.write("book.yaml", std::string(reinterpret_cast<const char*>(data), size));
    auto book = Workbook::load(path);
    if (book) {
        const std::string yaml = book->toYaml();
        auto again = Workbook::parse(yaml, "again.yaml");
        if (!again || again->toYaml() != yaml)
            abort();
        const std::vector<double> x = {0, 1e-9, 2e-9, 2e-9, 5e-9, 1e-8, 2e-8, 4e-8};
        const std::vector<double> y = {0, 0.5, -1, 2, 1e300, -1e-300, 3, 0};
        for (const auto& text : book->expressions()) {
            auto expression = TraceExpression::parse(text);
            if (!expression)
                continue;
            TraceExpression::Inputs inputs;
            std::map<std::string, std::string> units;
            for (const auto& cref : expression->crefs()) {
                inputs[cref] = {y.data(), cref.size() % 2 ? y.data() : nullptr, "V"};
                units[cref] = cref.size() % 3 ? "V" : "A";
            }
            auto values = expression->append(x.data(), x.size(), inputs);
            if (values && values->size() != x.size())
                abort();
            (void)expression->unit(units, "s");
        }
    }
    dir.clear();
    return 0;
}
