#pragma once

#include "core/base/result.h"

#include <string>
#include <utility>

// How a failure unwinds inside the ASDL reader's units. Elaboration recurses through
// module instances and the join through the hierarchy; threading a Result through every
// level would add nothing but noise, so inside one unit's .cpp a failure is thrown as
// AsdlFailure and the unit's public function returns it as a Result. No AsdlFailure
// leaves a unit. Pure logic.
struct AsdlFailure {
    std::string message;
};

[[noreturn]] inline void asdlFail(const std::string& message) {
    throw AsdlFailure{message};
}

// The value of a Result from another unit, or its message thrown on as AsdlFailure.
template <class T> T valueOrFail(Result<T> result) {
    if (!result)
        asdlFail(result.error());
    return std::move(result.value());
}
