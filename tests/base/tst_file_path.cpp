// Pure logic: user paths made absolute without Qt's resource paths.
#include "core/base/file_path.h"

#include <QTest>
#include <filesystem>

class TestFilePath : public QObject {
    Q_OBJECT

private slots:
    void aLeadingSlashIsAbsolute() {
        QVERIFY(file_path::isAbsolute("/opt/pdk"));
        QVERIFY(!file_path::isAbsolute("lib/a"));
        QVERIFY(!file_path::isAbsolute(":/abc")); // a Qt resource path to QFileInfo
        QVERIFY(!file_path::isAbsolute(""));
    }

    void relativePathsJoinTheBaseAndAreCleaned() {
        QCOMPARE(file_path::absolute("lib/./a/../b/", "/work/proj"),
                 std::string("/work/proj/lib/b"));
        QCOMPARE(file_path::absolute(":/abc", "/work"), std::string("/work/:/abc"));
        QCOMPARE(file_path::absolute(":x", "/work"), std::string("/work/:x"));
        QCOMPARE(file_path::absolute("//opt///pdk/", "/work"), std::string("/opt/pdk"));
        QCOMPARE(file_path::absolute("../../..", "/a"), std::string("/"));
        QCOMPARE(file_path::absolute("", "/a/b"), std::string("/a/b"));
    }

    void aRelativeBaseIsTakenFromTheCurrentDirectory() {
        const std::string current = std::filesystem::current_path().string();
        QCOMPARE(file_path::absolute("x", "sub"), current + "/sub/x");
        QCOMPARE(file_path::absolute(":x"), current + "/:x");
    }
};

QTEST_APPLESS_MAIN(TestFilePath)
#include "tst_file_path.moc"
