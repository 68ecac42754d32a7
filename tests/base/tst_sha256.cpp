// Pure logic: sha256::hex gives what QCryptographicHash gives (the store keys trees and
// netlists by these digests: a run stored before and after must name them alike).
#include "core/base/sha256.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QTest>

class TestSha256 : public QObject {
    Q_OBJECT

    static std::string qt(const std::string& bytes) {
        return QCryptographicHash::hash(QByteArray::fromStdString(bytes),
                                        QCryptographicHash::Sha256)
            .toHex()
            .toStdString();
    }

private slots:
    void knownDigests() {
        QCOMPARE(sha256::hex(""),
                 std::string("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
        QCOMPARE(sha256::hex("abc"),
                 std::string("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"));
    }

    void sameAsQtAtEveryBlockBoundary() {
        auto* random = QRandomGenerator::global();
        for (size_t size : {size_t(1), size_t(55), size_t(56), size_t(63), size_t(64), size_t(65),
                            size_t(1000), size_t(3u << 20)}) {
            std::string bytes(size, '\0');
            for (auto& byte : bytes)
                byte = static_cast<char>(random->bounded(256));
            QCOMPARE(sha256::hex(bytes), qt(bytes));
        }
    }
};

QTEST_GUILESS_MAIN(TestSha256)
#include "tst_sha256.moc"
