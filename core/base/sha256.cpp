#include "core/base/sha256.h"

#include <QByteArray>
#include <QCryptographicHash>
#include <openssl/evp.h>

namespace sha256 {

std::string hex(std::string_view bytes) {
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int size = 0;
    if (EVP_Digest(bytes.data(), bytes.size(), digest, &size, EVP_sha256(), nullptr) != 1) {
        // Only an OpenSSL without SHA-256 (a FIPS provider that failed to load) gets here.
        return QCryptographicHash::hash(
                   QByteArrayView(bytes.data(), static_cast<qsizetype>(bytes.size())),
                   QCryptographicHash::Sha256)
            .toHex()
            .toStdString();
    }
    static constexpr char kHex[] = "0123456789abcdef";
    std::string text;
    text.reserve(size * 2);
    for (unsigned int i = 0; i < size; ++i) {
        text += kHex[digest[i] >> 4];
        text += kHex[digest[i] & 0xf];
    }
    return text;
}

} // namespace sha256
