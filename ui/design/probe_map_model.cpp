#include "ui/design/probe_map_model.h"

#include "core/crefs/probe_resolver.h"
#include "core/design/vector_units.h"
#include "ui/design/hierarchy_model.h"

#include <QColor>
#include <QHash>
#include <QMimeData>
#include <QPainter>
#include <QPixmap>
#include <QUndoCommand>
#include <QUndoStack>
#include <algorithm>
#include <set>

// One undo step of a ProbeMapModel: rows [row, row + n) are replaced by `inserted`. The rows
// it replaces are copied when it is made, so undo puts back exactly what was there.
class ProbeMapRowsCommand : public QUndoCommand {
public:
    ProbeMapRowsCommand(ProbeMapModel* model, int row, int removeCount,
                        QVector<ProbeMapModel::Entry> inserted, const QString& text)
        : QUndoCommand(text), m_model(model), m_row(row), m_inserted(std::move(inserted)),
          m_removed(model->m_entries.mid(row, removeCount)) {}

    void redo() override { m_model->replaceRows(m_row, m_removed.size(), m_inserted); }
    void undo() override { m_model->replaceRows(m_row, m_inserted.size(), m_removed); }

private:
    ProbeMapModel* m_model;
    int m_row;
    QVector<ProbeMapModel::Entry> m_inserted;
    QVector<ProbeMapModel::Entry> m_removed;
};

namespace {
const QColor kBadBackground(255, 226, 226);
const QColor kBadForeground(150, 0, 0);

QString qs(const std::string& text) {
    return QString::fromStdString(text);
}
QString quoted(const QString& cref) {
    return '"' + cref + '"';
}

// A warning triangle drawn here rather than taken from the style, so that the model does not
// depend on a QApplication's style and looks the same on every platform.
QIcon warningIcon() {
    QIcon icon;
    for (int size : {16, 32}) {
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter p(&pixmap);
        p.setRenderHint(QPainter::Antialiasing);
        p.scale(size / 16.0, size / 16.0);
        p.setPen(QPen(QColor(0x9a, 0x5b, 0x00), 1, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
        p.setBrush(QColor(0xf5, 0xb3, 0x00));
        p.drawPolygon(QPolygonF({QPointF(8, 1.5), QPointF(15, 14.5), QPointF(1, 14.5)}));
        p.setPen(QPen(Qt::black, 1.8, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(8, 6), QPointF(8, 10));
        p.drawPoint(QPointF(8, 12.6));
        p.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}

// What a cref alone can be blamed for, before any run: the same rule ProbeResolver applies.
QString crefProblem(const QString& cref) {
    return QString::fromStdString(ProbeResolver::crefProblem(cref.toStdString()));
}

// The kind a vector's form implies, in the hierarchy browser's words ("net", "device
// parameter"), so that both widgets name a kind the same way.
QString kindOfVector(const std::string& vector) {
    return HierarchyModel::kindName(ProbeResolver::nodeKindOf(vector));
}

// Messages that ProbeResolver::validate gives about one cref start with the quoted cref.
QString messagesAbout(const QString& cref, const QStringList& messages) {
    const QString prefix = quoted(cref) + ':';
    QStringList mine;
    for (const auto& message : messages)
        if (message.startsWith(prefix))
            mine << message;
    return mine.join('\n');
}

QStringList toQStringList(const std::vector<std::string>& list) {
    QStringList result;
    for (const auto& item : list)
        result << qs(item);
    return result;
}
} // namespace

ProbeMapModel::ProbeMapModel(QObject* parent)
    : QAbstractTableModel(parent), m_warningIcon(warningIcon()) {}

ProbeMapModel::~ProbeMapModel() = default;

QVector<ProbeMapModel::Entry> ProbeMapModel::entriesOf(const ProbeMap& map) {
    QVector<Entry> entries;
    for (const auto& [cref, vector] : map.map)
        entries.push_back(Entry{qs(cref), qs(vector), {}, false});
    for (const auto& [alias, target] : map.aliases)
        entries.push_back(Entry{qs(alias), {}, qs(target), true});
    return entries;
}

void ProbeMapModel::setProbeMap(const ProbeMap& map) {
    beginResetModel();
    m_entries = entriesOf(map);
    m_derived = derive();
    endResetModel();
    emit probeMapChanged();
}

ProbeMap ProbeMapModel::probeMap() const {
    ProbeMap map;
    for (const auto& entry : m_entries) {
        if (entry.cref.isEmpty())
            continue;
        if (entry.isAlias)
            map.aliases[entry.cref.toStdString()] = entry.aliasOf.toStdString();
        else
            map.map[entry.cref.toStdString()] = entry.vector.toStdString();
    }
    return map;
}

void ProbeMapModel::setTree(std::shared_ptr<const HierarchyTree> tree) {
    m_tree = std::move(tree);
    revalidate(true);
}

void ProbeMapModel::setUndoStack(QUndoStack* stack) {
    m_undoStack = stack;
}

QString ProbeMapModel::problem(int row) const {
    return m_derived.value(row).problem;
}

int ProbeMapModel::problemCount() const {
    return static_cast<int>(std::count_if(m_derived.begin(), m_derived.end(),
                                          [](const Derived& d) { return !d.problem.isEmpty(); }));
}

int ProbeMapModel::addEntry(const Entry& entry, int row) {
    if (row < 0 || row > m_entries.size())
        row = m_entries.size();
    change(row, 0, {entry}, QStringLiteral("Add row"));
    return row;
}

void ProbeMapModel::removeEntries(QList<int> rows) {
    rows.erase(std::remove_if(rows.begin(), rows.end(),
                              [this](int r) { return r < 0 || r >= m_entries.size(); }),
               rows.end());
    if (rows.isEmpty())
        return;
    std::sort(rows.begin(), rows.end());
    rows.erase(std::unique(rows.begin(), rows.end()), rows.end());
    // One step for any selection: the span from the first to the last removed row becomes
    // the rows of it that stay.
    const int first = rows.front();
    const int last = rows.back();
    QVector<Entry> kept;
    for (int row = first; row <= last; ++row)
        if (!std::binary_search(rows.begin(), rows.end(), row))
            kept.push_back(m_entries[row]);
    change(first, last - first + 1, kept,
           rows.size() == 1 ? QStringLiteral("Remove %1").arg(m_entries[first].cref)
                            : QStringLiteral("Remove %1 rows").arg(rows.size()));
}

void ProbeMapModel::replaceProbeMap(const ProbeMap& map, const QString& what) {
    change(0, m_entries.size(), entriesOf(map), what);
}

void ProbeMapModel::change(int row, int removeCount, const QVector<Entry>& inserted,
                           const QString& what) {
    if (m_undoStack)
        m_undoStack->push(new ProbeMapRowsCommand(this, row, removeCount, inserted, what));
    else
        replaceRows(row, removeCount, inserted);
}

void ProbeMapModel::replaceRows(int row, int removeCount, const QVector<Entry>& inserted) {
    if (removeCount == inserted.size()) {
        // An edit: same rows, new content; views keep selection and scroll position.
        for (int i = 0; i < removeCount; ++i)
            m_entries[row + i] = inserted[i];
        if (removeCount > 0)
            emit dataChanged(index(row, 0), index(row + removeCount - 1, ColumnCount - 1));
    } else {
        // Derived data is kept in step with the rows, so data() never reads past it.
        if (removeCount > 0) {
            beginRemoveRows({}, row, row + removeCount - 1);
            m_entries.remove(row, removeCount);
            m_derived.remove(row, removeCount);
            endRemoveRows();
        }
        if (!inserted.isEmpty()) {
            beginInsertRows({}, row, row + static_cast<int>(inserted.size()) - 1);
            for (int i = 0; i < inserted.size(); ++i) {
                m_entries.insert(row + i, inserted[i]);
                m_derived.insert(row + i, Derived{});
            }
            endInsertRows();
        }
    }
    revalidate(true);
    emit probeMapChanged();
}

void ProbeMapModel::revalidate(bool announce) {
    auto derived = derive();
    std::swap(m_derived, derived);
    if (!announce)
        return;
    // A change to one row can fix or break others (an alias and its target), so every row
    // whose verdict, unit or kind moved is announced.
    for (int row = 0; row < m_derived.size(); ++row)
        if (row >= derived.size() || !(derived[row] == m_derived[row]))
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

QVector<ProbeMapModel::Derived> ProbeMapModel::derive() const {
    const ProbeMap map = probeMap();
    const ProbeResolver resolver(map);
    QVector<Derived> derived(m_entries.size());

    // Problems of the row itself.
    QHash<QString, QList<int>> rowsOfCref;
    for (int row = 0; row < m_entries.size(); ++row)
        rowsOfCref[m_entries[row].cref].push_back(row);
    for (int row = 0; row < m_entries.size(); ++row) {
        const auto& entry = m_entries[row];
        QString problem = crefProblem(entry.cref);
        if (problem.isEmpty() && rowsOfCref[entry.cref].size() > 1) {
            QStringList numbers;
            for (int other : rowsOfCref[entry.cref])
                numbers << QString::number(other + 1);
            problem = quoted(entry.cref) + ": given in several rows (" + numbers.join(", ") + ")";
        }
        if (problem.isEmpty() && !entry.isAlias && entry.vector.trimmed().isEmpty())
            problem = quoted(entry.cref) + ": no vector";
        if (problem.isEmpty() && entry.isAlias && entry.aliasOf.trimmed().isEmpty())
            problem = quoted(entry.cref) + ": an alias of nothing";
        derived[row].problem = problem;
    }

    // Problems against the design. validate() checks map entries and aliases in one list of
    // messages that each start with the cref; the map entries' share is what the map without
    // its aliases gives, so what is left belongs to the aliases (a cref can be both).
    QStringList mapMessages;
    QStringList aliasMessages;
    if (m_tree) {
        ProbeMap mapOnly = map;
        mapOnly.aliases.clear();
        mapMessages = toQStringList(m_tree->validate(ProbeResolver(mapOnly)));
        aliasMessages = toQStringList(m_tree->validate(resolver));
        for (const auto& message : mapMessages)
            aliasMessages.removeOne(message);
    } else {
        for (const auto& [alias, target] : map.aliases)
            if (auto end = resolver.resolveAlias(alias); !end)
                aliasMessages << quoted(qs(alias)) + ": " + qs(end.error());
    }
    for (int row = 0; row < m_entries.size(); ++row) {
        auto& problem = derived[row].problem;
        if (problem.isEmpty())
            problem = messagesAbout(m_entries[row].cref,
                                    m_entries[row].isAlias ? aliasMessages : mapMessages);
    }

    // Unit and kind: the design's node when it knows the cref or the vector, else what the
    // vector's form says.
    auto describeVector = [&](const std::string& cref, const std::string& vector, Derived& d) {
        if (m_tree) {
            const auto* node = m_tree->find(cref);
            if (!(node && !node->vector.empty() &&
                  ProbeResolver::normalizeVector(node->vector) ==
                      ProbeResolver::normalizeVector(vector))) {
                const auto producers = m_tree->findByVector(vector);
                node = producers.empty() ? nullptr : producers.front();
            }
            if (node) {
                d.unit = qs(node->unit);
                d.kind = HierarchyModel::kindName(node->kind);
                return;
            }
        }
        if (!vector.empty()) {
            d.unit = qs(VectorUnits::withoutDesign(vector));
            d.kind = kindOfVector(vector);
        }
    };
    for (int row = 0; row < m_entries.size(); ++row) {
        const auto& entry = m_entries[row];
        if (!entry.isAlias) {
            describeVector(entry.cref.toStdString(), entry.vector.trimmed().toStdString(),
                           derived[row]);
            continue;
        }
        const auto end = resolver.resolveAlias(entry.cref.toStdString());
        if (!end)
            continue;
        if (auto it = map.map.find(end.value()); it != map.map.end())
            describeVector(it->first, it->second, derived[row]);
        else if (const auto* node = m_tree ? m_tree->find(end.value()) : nullptr)
            describeVector(node->cref, node->vector, derived[row]);
    }
    return derived;
}

int ProbeMapModel::rowCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : static_cast<int>(m_entries.size());
}

int ProbeMapModel::columnCount(const QModelIndex& parent) const {
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant ProbeMapModel::data(const QModelIndex& index, int role) const {
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const auto& entry = m_entries[index.row()];
    const auto& derived = m_derived[index.row()];
    const bool bad = !derived.problem.isEmpty();
    switch (role) {
    case Qt::DisplayRole:
    case Qt::EditRole:
        switch (index.column()) {
        case CrefColumn:
            return entry.cref;
        case VectorColumn:
            return entry.isAlias ? QString() : entry.vector;
        case AliasOfColumn:
            return entry.isAlias ? entry.aliasOf : QString();
        case UnitColumn:
            return derived.unit;
        case KindColumn:
            return derived.kind;
        }
        return {};
    case Qt::ToolTipRole:
        if (bad)
            return derived.problem;
        return entry.isAlias ? entry.cref + " is an alias of " + entry.aliasOf
                             : entry.cref + " is stored from vector " + entry.vector;
    case Qt::DecorationRole:
        if (bad && index.column() == CrefColumn)
            return m_warningIcon;
        return {};
    case Qt::BackgroundRole:
        if (bad)
            return kBadBackground;
        return {};
    case Qt::ForegroundRole:
        if (bad)
            return kBadForeground;
        return {};
    case ProblemRole:
        return derived.problem;
    case IsAliasRole:
        return entry.isAlias;
    }
    return {};
}

QVariant ProbeMapModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (role != Qt::DisplayRole)
        return {};
    if (orientation == Qt::Vertical)
        return section + 1;
    switch (section) {
    case CrefColumn:
        return QStringLiteral("Cref");
    case VectorColumn:
        return QStringLiteral("Vector");
    case AliasOfColumn:
        return QStringLiteral("Alias of");
    case UnitColumn:
        return QStringLiteral("Unit");
    case KindColumn:
        return QStringLiteral("Kind");
    }
    return {};
}

Qt::ItemFlags ProbeMapModel::flags(const QModelIndex& index) const {
    if (!index.isValid())
        return Qt::ItemIsDropEnabled; // drops between rows
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (index.column() == CrefColumn || index.column() == VectorColumn ||
        index.column() == AliasOfColumn)
        flags |= Qt::ItemIsEditable;
    return flags;
}

bool ProbeMapModel::setData(const QModelIndex& index, const QVariant& value, int role) {
    if (role != Qt::EditRole ||
        !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return false;
    const QString text = value.toString().trimmed();
    Entry entry = m_entries[index.row()];
    QString what;
    switch (index.column()) {
    case CrefColumn:
        entry.cref = text;
        what = QStringLiteral("Rename %1").arg(m_entries[index.row()].cref);
        break;
    case VectorColumn:
        entry.vector = text;
        if (!text.isEmpty() && entry.isAlias) { // a vector makes the row a map entry
            entry.isAlias = false;
            entry.aliasOf.clear();
        }
        what = QStringLiteral("Set vector of %1").arg(entry.cref);
        break;
    case AliasOfColumn:
        entry.aliasOf = text;
        if (!text.isEmpty() && !entry.isAlias) { // a target makes the row an alias
            entry.isAlias = true;
            entry.vector.clear();
        }
        what = QStringLiteral("Set alias of %1").arg(entry.cref);
        break;
    default:
        return false;
    }
    if (entry != m_entries[index.row()])
        change(index.row(), 1, {entry}, what);
    return true;
}

QStringList ProbeMapModel::mimeTypes() const {
    return {HierarchyModel::CrefMimeType};
}

bool ProbeMapModel::canDropMimeData(const QMimeData* data, Qt::DropAction, int, int,
                                    const QModelIndex&) const {
    return data && data->hasFormat(HierarchyModel::CrefMimeType);
}

bool ProbeMapModel::dropMimeData(const QMimeData* data, Qt::DropAction action, int row, int column,
                                 const QModelIndex& parent) {
    if (action == Qt::IgnoreAction)
        return true;
    if (!canDropMimeData(data, action, row, column, parent))
        return false;
    if (row < 0)
        row = parent.isValid() ? parent.row() : static_cast<int>(m_entries.size());
    QSet<QString> present;
    for (const auto& entry : m_entries)
        present.insert(entry.cref);
    QVector<Entry> added;
    const auto lines = QString::fromUtf8(data->data(HierarchyModel::CrefMimeType)).split('\n');
    for (const auto& line : lines) {
        const QString cref = line.trimmed();
        if (cref.isEmpty() || present.contains(cref))
            continue; // already mapped: a second row would only be flagged as a duplicate
        present.insert(cref);
        const auto* node = m_tree ? m_tree->find(cref.toStdString()) : nullptr;
        added.push_back(Entry{cref, node ? qs(node->vector) : QString(), {}, false});
    }
    if (added.isEmpty())
        return false;
    change(row, 0, added,
           added.size() == 1 ? QStringLiteral("Add %1").arg(added.front().cref)
                             : QStringLiteral("Add %1 rows").arg(added.size()));
    return true;
}

Qt::DropActions ProbeMapModel::supportedDropActions() const {
    return Qt::CopyAction;
}
