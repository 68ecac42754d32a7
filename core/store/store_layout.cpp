#include "core/store/store_layout.h"

#include "core/base/sha256.h"

namespace store_layout {

std::string treeDigest(const std::string& treeJson) {
    return sha256::hex(treeJson);
}

} // namespace store_layout
