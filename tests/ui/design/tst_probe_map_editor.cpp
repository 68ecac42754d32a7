// The probe-map editor against the SPICE OTA example: validation, undo, files.
#include "core/design/spice_reader.h"
#include "ui/design/hierarchy_model.h"
#include "ui/design/probe_map_editor.h"
#include "ui/design/probe_map_model.h"

#include <QAbstractItemModelTester>
#include <QDir>
#include <QFile>
#include <QLabel>
#include <QMimeData>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>
#include <QUndoStack>
#include <memory>

namespace {
const QString kExamples = QStringLiteral(WAVEBENCH_EXAMPLES);

// Two good entries, a vector the design does not produce, a good alias and a cycle.
const char* kYaml = R"yaml(map:
  top.ota1.nodes.out.v: "v(out)"
  top.ota1.m1.op.gm:    "@m.xota1.m1[gm]"
  top.ghost.v:          "v(ghost)"
aliases:
  top.vout:             "top.ota1.nodes.out.v"
  top.loop.a:           "top.loop.b"
  top.loop.b:           "top.loop.a"
)yaml";

std::shared_ptr<const HierarchyTree> otaTree() {
    auto tree = SpiceReader::readFile((kExamples + "/ota/tb_ota.spice").toStdString());
    if (!tree)
        return nullptr;
    return std::make_shared<const HierarchyTree>(std::move(tree.value()));
}

bool writeFile(const QString& path, const QByteArray& text) {
    QFile file(path);
    return file.open(QIODevice::WriteOnly) && file.write(text) == text.size();
}

int rowOf(const ProbeMapModel& model, const QString& cref) {
    for (int row = 0; row < model.rowCount(); ++row)
        if (model.index(row, ProbeMapModel::CrefColumn).data().toString() == cref)
            return row;
    return -1;
}

QString problemOf(const ProbeMapModel& model, const QString& cref) {
    const int row = rowOf(model, cref);
    return row < 0 ? QStringLiteral("<no row>")
                   : model.index(row, 0).data(ProbeMapModel::ProblemRole).toString();
}

QPushButton* button(ProbeMapEditor& editor, const QString& text) {
    for (auto* b : editor.findChildren<QPushButton*>())
        if (b->text() == text)
            return b;
    return nullptr;
}

// An editor with the OTA design and kYaml loaded from a file in `dir`.
struct Fixture {
    QTemporaryDir dir;
    ProbeMapEditor editor;
    QString path;
    bool ok = false;
    Fixture() {
        path = dir.filePath("probe_map.yaml");
        editor.setTree(otaTree());
        QString error;
        ok = writeFile(path, kYaml) && editor.load(path, &error);
        if (!ok)
            qWarning("%s", qPrintable(error));
    }
};
} // namespace

class TestProbeMapEditor : public QObject {
    Q_OBJECT
private slots:
    void loadShowsRows() {
        QTemporaryDir dir;
        const QString path = dir.filePath("map.yaml");
        QVERIFY(writeFile(path, kYaml));
        ProbeMapEditor editor;
        QAbstractItemModelTester tester(editor.model(),
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        editor.setTree(otaTree());
        QSignalSpy changed(&editor, &ProbeMapEditor::probeMapChanged);
        QString error;
        QVERIFY2(editor.load(path, &error), qPrintable(error));
        QCOMPARE(changed.size(), 1);
        const auto expected = ProbeMap::loadFile(path.toStdString());
        QVERIFY(expected.ok());
        QVERIFY(editor.probeMap() == expected.value());
        QVERIFY(changed.first().first().value<ProbeMap>() == expected.value());
        QCOMPARE(editor.fileName(), path);

        auto* model = editor.model();
        QCOMPARE(model->rowCount(), 6);
        // Map entries first, then aliases.
        const int gm = rowOf(*model, "top.ota1.m1.op.gm");
        const int vout = rowOf(*model, "top.vout");
        QVERIFY(gm >= 0 && gm < 3 && vout >= 3);
        QCOMPARE(model->index(gm, ProbeMapModel::VectorColumn).data().toString(),
                 QString("@m.xota1.m1[gm]"));
        QCOMPARE(model->index(gm, ProbeMapModel::UnitColumn).data().toString(), QString("S"));
        QCOMPARE(model->index(gm, ProbeMapModel::KindColumn).data().toString(),
                 QString("device parameter"));
        QVERIFY(!model->index(gm, 0).data(ProbeMapModel::IsAliasRole).toBool());
        // An alias: no vector of its own, unit and kind of what it ends at.
        QVERIFY(model->index(vout, 0).data(ProbeMapModel::IsAliasRole).toBool());
        QCOMPARE(model->index(vout, ProbeMapModel::VectorColumn).data().toString(), QString());
        QCOMPARE(model->index(vout, ProbeMapModel::AliasOfColumn).data().toString(),
                 QString("top.ota1.nodes.out.v"));
        QCOMPARE(model->index(vout, ProbeMapModel::UnitColumn).data().toString(), QString("V"));
        QCOMPARE(model->index(vout, ProbeMapModel::KindColumn).data().toString(), QString("net"));
        // A vector the design does not know: the unit comes from its form.
        const int ghost = rowOf(*model, "top.ghost.v");
        QCOMPARE(model->index(ghost, ProbeMapModel::UnitColumn).data().toString(), QString("V"));
        QCOMPARE(model->index(ghost, ProbeMapModel::KindColumn).data().toString(), QString("net"));
    }

    void badRowsAreMarked_data() {
        QTest::addColumn<QString>("cref");
        QTest::addColumn<QString>("reason");
        QTest::newRow("vector not produced") << "top.ghost.v"
                                             << "is not produced by the design";
        QTest::newRow("cycle a") << "top.loop.a"
                                 << "alias cycle";
        QTest::newRow("cycle b") << "top.loop.b"
                                 << "alias cycle";
    }
    void badRowsAreMarked() {
        QFETCH(QString, cref);
        QFETCH(QString, reason);
        Fixture f;
        QVERIFY(f.ok);
        auto* model = f.editor.model();
        const int row = rowOf(*model, cref);
        QVERIFY(row >= 0);
        const QString problem = model->index(row, 0).data(ProbeMapModel::ProblemRole).toString();
        QVERIFY2(problem.contains('"' + cref + '"'), qPrintable(problem)); // names the cref
        QVERIFY2(problem.contains(reason), qPrintable(problem));
        for (int column = 0; column < ProbeMapModel::ColumnCount; ++column) {
            const auto index = model->index(row, column);
            QCOMPARE(index.data(Qt::ToolTipRole).toString(), problem);
            QVERIFY(index.data(Qt::BackgroundRole).value<QColor>().isValid());
            QVERIFY(index.data(Qt::ForegroundRole).value<QColor>().isValid());
        }
        QVERIFY(!model->index(row, ProbeMapModel::CrefColumn)
                     .data(Qt::DecorationRole)
                     .value<QIcon>()
                     .isNull());
        // The good rows stay plain.
        for (const char* good : {"top.ota1.nodes.out.v", "top.ota1.m1.op.gm", "top.vout"}) {
            const int r = rowOf(*model, good);
            QCOMPARE(model->index(r, 0).data(ProbeMapModel::ProblemRole).toString(), QString());
            QVERIFY(!model->index(r, 0).data(Qt::BackgroundRole).isValid());
            QVERIFY(!model->index(r, 0).data(Qt::DecorationRole).isValid());
        }
        QCOMPARE(model->problemCount(), 3);
    }

    void editsRevalidate() {
        Fixture f;
        QVERIFY(f.ok);
        auto* model = f.editor.model();
        QAbstractItemModelTester tester(model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QSignalSpy dataChanged(model, &QAbstractItemModel::dataChanged);
        QSignalSpy mapChanged(&f.editor, &ProbeMapEditor::probeMapChanged);

        // A vector the design produces fixes the ghost row.
        const int ghost = rowOf(*model, "top.ghost.v");
        QVERIFY(model->setData(model->index(ghost, ProbeMapModel::VectorColumn), "v(xota1.x)"));
        QCOMPARE(problemOf(*model, "top.ghost.v"), QString());
        QVERIFY(dataChanged.size() >= 1);
        QCOMPARE(mapChanged.size(), 1);
        QCOMPARE(mapChanged.first().first().value<ProbeMap>().map.at("top.ghost.v"),
                 std::string("v(xota1.x)"));

        // Pointing b elsewhere ends the cycle: both alias rows are fine again.
        const int b = rowOf(*model, "top.loop.b");
        QVERIFY(model->setData(model->index(b, ProbeMapModel::AliasOfColumn), "top.ota1.m1.op.gm"));
        QCOMPARE(problemOf(*model, "top.loop.a"), QString());
        QCOMPARE(problemOf(*model, "top.loop.b"), QString());
        QCOMPARE(
            model->index(rowOf(*model, "top.loop.a"), ProbeMapModel::UnitColumn).data().toString(),
            QString("S")); // follows the chain to gm
        QCOMPARE(model->problemCount(), 0);

        // A design cref given a vector that is not its own.
        const int out = rowOf(*model, "top.ota1.nodes.out.v");
        QVERIFY(model->setData(model->index(out, ProbeMapModel::VectorColumn), "v(vdd)"));
        QVERIFY2(problemOf(*model, "top.ota1.nodes.out.v").contains("the design maps it to"),
                 qPrintable(problemOf(*model, "top.ota1.nodes.out.v")));
        // ... which also breaks nothing else: top.vout still ends at a mapped cref.
        QCOMPARE(problemOf(*model, "top.vout"), QString());

        // Crefs the store could not hold.
        const int gm = rowOf(*model, "top.ota1.m1.op.gm");
        QVERIFY(model->setData(model->index(gm, ProbeMapModel::CrefColumn), "top/ota1.gm"));
        QVERIFY(problemOf(*model, "top/ota1.gm").contains("'/'"));
        QVERIFY(problemOf(*model, "top/ota1.gm").contains("\"top/ota1.gm\""));
        QVERIFY(model->setData(model->index(gm, ProbeMapModel::CrefColumn), ""));
        QCOMPARE(model->index(gm, 0).data(ProbeMapModel::ProblemRole).toString(),
                 QString("empty cref"));
        // loop.b still ends at a cref, the design's own.
        QCOMPARE(problemOf(*model, "top.loop.b"), QString());
        // An alias to a cref that neither the map nor the design knows dangles.
        QVERIFY(
            model->setData(model->index(rowOf(*model, "top.loop.a"), ProbeMapModel::AliasOfColumn),
                           "top.nowhere"));
        QVERIFY2(problemOf(*model, "top.loop.a").contains("\"top.nowhere\" names no cref"),
                 qPrintable(problemOf(*model, "top.loop.a")));

        // A vector typed into an alias row makes it a map entry.
        const int vout = rowOf(*model, "top.vout");
        QVERIFY(model->setData(model->index(vout, ProbeMapModel::VectorColumn), "v(out)"));
        QVERIFY(!model->index(vout, 0).data(ProbeMapModel::IsAliasRole).toBool());
        QCOMPARE(model->index(vout, ProbeMapModel::AliasOfColumn).data().toString(), QString());
        QCOMPARE(f.editor.probeMap().map.at("top.vout"), std::string("v(out)"));
        QVERIFY(!f.editor.probeMap().aliases.count("top.vout"));
    }

    void undoRedoRestoreExactly() {
        Fixture f;
        QVERIFY(f.ok);
        auto* model = f.editor.model();
        auto* stack = f.editor.undoStack();
        QAbstractItemModelTester tester(model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        QList<ProbeMap> maps{f.editor.probeMap()};
        QList<QVector<ProbeMapModel::Entry>> rows{model->entries()};
        auto record = [&] {
            maps << f.editor.probeMap();
            rows << model->entries();
        };
        const int steps0 = stack->index();
        model->setData(model->index(rowOf(*model, "top.ghost.v"), ProbeMapModel::CrefColumn),
                       "top.renamed.v");
        record();
        model->setData(model->index(rowOf(*model, "top.vout"), ProbeMapModel::VectorColumn), "out");
        record();
        f.editor.addRow();
        record();
        model->setData(model->index(model->rowCount() - 1, 0), "top.new.v");
        record();
        model->removeEntries({0, 2, rowOf(*model, "top.loop.a")});
        record();
        QCOMPARE(stack->index() - steps0, 5);
        for (int i = 1; i < maps.size(); ++i)
            QVERIFY2(!(maps[i] == maps[i - 1]) || rows[i] != rows[i - 1],
                     qPrintable(QString::number(i)));

        // Back step by step: each map and each row list exactly as it was.
        QSignalSpy changed(&f.editor, &ProbeMapEditor::probeMapChanged);
        for (int i = maps.size() - 2; i >= 0; --i) {
            QVERIFY(button(f.editor, "Undo")->isEnabled());
            QTest::mouseClick(button(f.editor, "Undo"), Qt::LeftButton);
            QVERIFY2(f.editor.probeMap() == maps[i], qPrintable(QString::number(i)));
            QVERIFY(model->entries() == rows[i]);
        }
        QCOMPARE(changed.size(), maps.size() - 1); // one signal per step
        QCOMPARE(stack->index(), steps0);
        QCOMPARE(problemOf(*model, "top.ghost.v").isEmpty(), false); // validation followed
        // And forward again.
        for (int i = 1; i < maps.size(); ++i) {
            QTest::mouseClick(button(f.editor, "Redo"), Qt::LeftButton);
            QVERIFY2(f.editor.probeMap() == maps[i], qPrintable(QString::number(i)));
            QVERIFY(model->entries() == rows[i]);
        }
        QVERIFY(!button(f.editor, "Redo")->isEnabled());

        // A load is one step too.
        while (stack->canUndo())
            stack->undo();
        QCOMPARE(model->rowCount(), 0); // before the fixture's load
    }

    void addAndRemoveRows() {
        Fixture f;
        QVERIFY(f.ok);
        auto* model = f.editor.model();
        auto* table = f.editor.tableView();
        QAbstractItemModelTester tester(model,
                                        QAbstractItemModelTester::FailureReportingMode::Fatal);
        const auto before = f.editor.probeMap();
        table->setCurrentIndex(model->index(1, 0));
        QTest::mouseClick(button(f.editor, "Add"), Qt::LeftButton);
        QCOMPARE(model->rowCount(), 7);
        QCOMPARE(table->currentIndex().row(), 2); // after the current row
        QCOMPARE(model->index(2, 0).data(ProbeMapModel::ProblemRole).toString(),
                 QString("empty cref"));
        QVERIFY(f.editor.probeMap() == before); // an empty row names nothing yet
        model->setData(model->index(2, ProbeMapModel::CrefColumn), "top.st.v");
        QVERIFY(problemOf(*model, "top.st.v").contains("no vector"));
        model->setData(model->index(2, ProbeMapModel::VectorColumn), "v(vbn)");
        QCOMPARE(problemOf(*model, "top.st.v"), QString());
        QCOMPARE(f.editor.probeMap().map.at("top.st.v"), std::string("v(vbn)"));

        // A second row with the same cref is flagged on both.
        QCOMPARE(model->addEntry({"top.st.v", "v(vdd)", {}, false}), 7);
        QVERIFY(problemOf(*model, "top.st.v").contains("several rows (3, 8)"));
        QVERIFY(model->index(7, 0).data(ProbeMapModel::ProblemRole).toString().contains("3, 8"));

        // Remove two selected rows in one step.
        table->clearSelection();
        table->selectionModel()->select(model->index(7, 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        table->selectionModel()->select(model->index(2, 0),
                                        QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QVERIFY(button(f.editor, "Remove")->isEnabled());
        QTest::mouseClick(button(f.editor, "Remove"), Qt::LeftButton);
        QCOMPARE(model->rowCount(), 6);
        QVERIFY(f.editor.probeMap() == before);
        f.editor.undoStack()->undo();
        QCOMPARE(model->rowCount(), 8);
        QCOMPARE(model->entry(2).cref, QString("top.st.v"));
        QCOMPARE(model->entry(7).vector, QString("v(vdd)"));
    }

    void dropFromTheBrowserAddsRows() {
        Fixture f;
        QVERIFY(f.ok);
        HierarchyModel hierarchy;
        hierarchy.setTree(f.editor.model()->tree());
        std::unique_ptr<QMimeData> mime(
            hierarchy.mimeData({hierarchy.indexForCref("top.ota1.m2.op.gm"),
                                hierarchy.indexForCref("top.ota1.m1.op.gm")})); // already there
        auto* model = f.editor.model();
        QVERIFY(model->canDropMimeData(mime.get(), Qt::CopyAction, -1, -1, {}));
        QVERIFY(model->dropMimeData(mime.get(), Qt::CopyAction, -1, -1, {}));
        QCOMPARE(model->rowCount(), 7);
        QCOMPARE(f.editor.probeMap().map.at("top.ota1.m2.op.gm"), std::string("@m.xota1.m2[gm]"));
        QCOMPARE(problemOf(*model, "top.ota1.m2.op.gm"), QString());
        f.editor.undoStack()->undo();
        QCOMPARE(model->rowCount(), 6);
    }

    void saveAndLoadBack_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QString>("marker"); // shows the format follows the extension
        QTest::newRow("json") << "probe_map.json"
                              << "\"map\": {";
        QTest::newRow("yaml") << "map.yaml"
                              << "map:\n";
        QTest::newRow("yml") << "map.yml"
                             << "aliases:\n";
    }
    void saveAndLoadBack() {
        QFETCH(QString, name);
        QFETCH(QString, marker);
        Fixture f;
        QVERIFY(f.ok);
        // An edit first, so that the file is not the one loaded.
        auto* model = f.editor.model();
        model->setData(model->index(rowOf(*model, "top.ghost.v"), ProbeMapModel::VectorColumn),
                       "@m.xota1.m3[id]");
        const QString path = f.dir.filePath(name);
        QString error;
        QVERIFY2(f.editor.save(path, &error), qPrintable(error));
        QVERIFY(f.editor.undoStack()->isClean());
        QCOMPARE(f.editor.fileName(), path);
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(file.readAll()).contains(marker));

        ProbeMapEditor other;
        other.setTree(model->tree());
        QVERIFY2(other.load(path, &error), qPrintable(error));
        QVERIFY(other.probeMap() == f.editor.probeMap());
        QVERIFY(other.model()->entries() == model->entries());
        QCOMPARE(other.model()->problemCount(), model->problemCount());

        // A place that cannot be written: an error naming it, the editor as it was.
        const QString nowhere = f.dir.filePath("no/such/dir/" + name);
        QVERIFY(!f.editor.save(nowhere, &error));
        QVERIFY2(error.contains(nowhere), qPrintable(error));
        QCOMPARE(f.editor.fileName(), path);
    }

    void malformedFileChangesNothing_data() {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<int>("line");
        QTest::newRow("yaml, bad indentation")
            << "bad.yaml" << QByteArray("map:\n  top.a.v: \"v(a)\"\n top.b.v: \"v(b)\"\n") << 3;
        QTest::newRow("yaml, list as a value")
            << "bad.yml" << QByteArray("map:\n  top.a.v: \"v(a)\"\n\n  top.b.v: [1, 2]\n") << 4;
        QTest::newRow("yaml, a key twice")
            << "twice.yaml"
            << QByteArray("aliases:\n  top.x: top.a.v\n  top.y: top.a.v\n  top.x: top.b.v\n") << 4;
        QTest::newRow("json, trailing comma")
            << "bad.json" << QByteArray("{\"map\": {\n  \"top.a.v\": \"v(a)\",\n}\n}\n") << 3;
    }
    void malformedFileChangesNothing() {
        QFETCH(QString, name);
        QFETCH(QByteArray, text);
        QFETCH(int, line);
        Fixture f;
        QVERIFY(f.ok);
        auto* model = f.editor.model();
        const auto rows = model->entries();
        const auto map = f.editor.probeMap();
        const int steps = f.editor.undoStack()->count();
        QSignalSpy changed(&f.editor, &ProbeMapEditor::probeMapChanged);
        QSignalSpy reset(model, &QAbstractItemModel::modelReset);
        QSignalSpy removed(model, &QAbstractItemModel::rowsRemoved);

        const QString path = f.dir.filePath(name);
        QVERIFY(writeFile(path, text));
        QString error;
        QVERIFY(!f.editor.load(path, &error));
        QVERIFY2(error.startsWith(path + ":" + QString::number(line) + ":"), qPrintable(error));
        QVERIFY(f.editor.probeMap() == map);
        QVERIFY(model->entries() == rows);
        QCOMPARE(f.editor.undoStack()->count(), steps);
        QCOMPARE(f.editor.fileName(), f.path);
        QCOMPARE(changed.size(), 0);
        QCOMPARE(reset.size(), 0);
        QCOMPARE(removed.size(), 0);

        // A file that is not there names itself too.
        QVERIFY(!f.editor.load(f.dir.filePath("missing.yaml"), &error));
        QVERIFY2(error.contains(f.dir.filePath("missing.yaml")), qPrintable(error));
    }

    void noDesignChecksTheMapAlone() {
        ProbeMapEditor editor;
        editor.setProbeMap(ProbeMap::fromYaml(kYaml, "inline").value());
        QCOMPARE(editor.undoStack()->count(), 0); // a new document
        auto* model = editor.model();
        QCOMPARE(problemOf(*model, "top.ghost.v"), QString()); // nothing to check it against
        QVERIFY(problemOf(*model, "top.loop.a").contains("alias cycle"));
        QCOMPARE(model->index(rowOf(*model, "top.ota1.m1.op.gm"), ProbeMapModel::UnitColumn)
                     .data()
                     .toString(),
                 QString("S"));
        // A design arriving later checks every row.
        editor.setTree(otaTree());
        QVERIFY(problemOf(*model, "top.ghost.v").contains("not produced"));
    }

    void screenshot() {
        if (qEnvironmentVariableIsEmpty("WAVEBENCH_SCREENSHOT_DIR"))
            QSKIP("WAVEBENCH_SCREENSHOT_DIR is not set");
        Fixture f;
        QVERIFY(f.ok);
        f.editor.resize(760, 300);
        auto* model = f.editor.model();
        model->setData(model->index(rowOf(*model, "top.ota1.m1.op.gm"), ProbeMapModel::CrefColumn),
                       "top/ota1.m1.gm");
        f.editor.show();
        QVERIFY(QTest::qWaitForWindowExposed(&f.editor));
        f.editor.tableView()->selectRow(rowOf(*model, "top.ghost.v"));
        auto* problem = f.editor.findChild<QLabel*>("probeMapProblem");
        QVERIFY(problem && problem->isVisible());
        QVERIFY2(problem->text().contains("\"top.ghost.v\""), qPrintable(problem->text()));
        const QString dir = qEnvironmentVariable("WAVEBENCH_SCREENSHOT_DIR");
        QDir().mkpath(dir);
        QVERIFY(f.editor.grab().save(dir + "/probe_map_editor.png"));
    }
};

QTEST_MAIN(TestProbeMapEditor)
#include "tst_probe_map_editor.moc"
