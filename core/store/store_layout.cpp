#include "core/store/store_layout.h"

#include <QCryptographicHash>

namespace store_layout {

std::string treeDigest(const std::string& treeJson) {
    return QCryptographicHash::hash(
               QByteArray::fromRawData(treeJson.data(), static_cast<qsizetype>(treeJson.size())),
               QCryptographicHash::Sha256)
        .toHex()
        .toStdString();
}

} // namespace store_layout
