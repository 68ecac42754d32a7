#include "ui/design/hierarchy_model.h"

#include <QFont>
#include <QMimeData>
#include <QPainter>
#include <QPainterPath>
#include <QPixmap>

const QString HierarchyModel::CrefMimeType = QStringLiteral("application/x-wavebench-cref");

namespace {
constexpr NodeKind kKinds[] = {NodeKind::Instance, NodeKind::Net, NodeKind::Device,
                               NodeKind::DeviceParameter, NodeKind::BranchCurrent};

QString qs(const std::string& text) {
    return QString::fromStdString(text);
}

// Draws one kind's glyph in a 16x16 coordinate system. Shape and colour both differ per kind,
// so that the kinds stay apart for colour-blind users and in monochrome styles.
void paintKind(QPainter& p, NodeKind kind) {
    p.setRenderHint(QPainter::Antialiasing);
    switch (kind) {
    case NodeKind::Instance: { // a chip: a block with pins
        const QColor blue(0x2f, 0x6f, 0xd0);
        p.setPen(QPen(blue, 1.2));
        for (double y : {5.0, 8.0, 11.0}) {
            p.drawLine(QPointF(1, y), QPointF(3.5, y));
            p.drawLine(QPointF(12.5, y), QPointF(15, y));
        }
        p.setPen(QPen(blue.darker(130), 1));
        p.setBrush(blue);
        p.drawRoundedRect(QRectF(3.5, 2.5, 9, 11), 1.5, 1.5);
        break;
    }
    case NodeKind::Net: { // a wire with a node dot
        const QColor green(0x1e, 0x9e, 0x4a);
        p.setPen(QPen(green, 2, Qt::SolidLine, Qt::RoundCap));
        p.drawLine(QPointF(1.5, 8), QPointF(14.5, 8));
        p.setPen(Qt::NoPen);
        p.setBrush(green);
        p.drawEllipse(QPointF(8, 8), 3.5, 3.5);
        break;
    }
    case NodeKind::Device: { // a diode-like triangle against a bar
        const QColor orange(0xe0, 0x7b, 0x00);
        p.setPen(QPen(orange.darker(130), 1));
        p.setBrush(orange);
        p.drawPolygon(QPolygonF({QPointF(2.5, 2.5), QPointF(2.5, 13.5), QPointF(12, 8)}));
        p.setPen(QPen(orange.darker(130), 2, Qt::SolidLine, Qt::FlatCap));
        p.drawLine(QPointF(13, 2.5), QPointF(13, 13.5));
        break;
    }
    case NodeKind::DeviceParameter: { // a small diamond: a value read off a device
        const QColor purple(0x8a, 0x3a, 0xb9);
        p.setPen(QPen(purple.darker(130), 1));
        p.setBrush(purple);
        p.drawPolygon(
            QPolygonF({QPointF(8, 2.5), QPointF(13.5, 8), QPointF(8, 13.5), QPointF(2.5, 8)}));
        break;
    }
    case NodeKind::BranchCurrent: { // an arrow: current through a branch
        const QColor red(0xd0, 0x30, 0x30);
        p.setPen(QPen(red, 2, Qt::SolidLine, Qt::FlatCap));
        p.drawLine(QPointF(1.5, 8), QPointF(10, 8));
        p.setPen(Qt::NoPen);
        p.setBrush(red);
        p.drawPolygon(QPolygonF({QPointF(9, 3.5), QPointF(15, 8), QPointF(9, 12.5)}));
        break;
    }
    default: // stored-vector kinds: no tree node has them
        break;
    }
}

// The probed mark: a green dot with a white tick in the lower right corner, over the glyph.
void paintProbedMark(QPainter& p) {
    p.setRenderHint(QPainter::Antialiasing);
    p.setPen(QPen(Qt::white, 1));
    p.setBrush(QColor(0x10, 0xa0, 0x30));
    p.drawEllipse(QPointF(11.5, 11.5), 4.2, 4.2);
    p.setPen(QPen(Qt::white, 1.4, Qt::SolidLine, Qt::RoundCap, Qt::RoundJoin));
    p.setBrush(Qt::NoBrush);
    p.drawPolyline(QPolygonF({QPointF(9.4, 11.6), QPointF(11, 13.2), QPointF(13.8, 9.8)}));
}

QIcon makeIcon(NodeKind kind, bool probed) {
    QIcon icon;
    for (int size : {16, 32}) { // 32 for high-dpi screens
        QPixmap pixmap(size, size);
        pixmap.fill(Qt::transparent);
        QPainter painter(&pixmap);
        painter.scale(size / 16.0, size / 16.0);
        paintKind(painter, kind);
        if (probed)
            paintProbedMark(painter);
        painter.end();
        icon.addPixmap(pixmap);
    }
    return icon;
}
} // namespace

HierarchyModel::HierarchyModel(QObject* parent) : QAbstractItemModel(parent) {
    for (auto kind : kKinds) {
        m_icons[static_cast<size_t>(kind)] = makeIcon(kind, false);
        m_probedIcons[static_cast<size_t>(kind)] = makeIcon(kind, true);
    }
}

HierarchyModel::~HierarchyModel() = default;

void HierarchyModel::setTree(std::shared_ptr<const HierarchyTree> tree) {
    beginResetModel();
    m_tree = std::move(tree);
    endResetModel();
}

void HierarchyModel::setProbed(const QSet<QString>& crefs) {
    QSet<QString> changed = crefs;
    changed.unite(m_probed);
    changed.subtract(QSet<QString>(crefs).intersect(m_probed));
    m_probed = crefs;
    for (const auto& cref : changed) {
        const auto first = indexForCref(cref, NameColumn);
        if (first.isValid())
            emit dataChanged(first, first.siblingAtColumn(ColumnCount - 1),
                             {ProbedRole, Qt::FontRole, Qt::DecorationRole});
    }
}

QModelIndex HierarchyModel::indexForCref(const QString& cref, int column) const {
    return m_tree ? indexForId(m_tree->idOf(cref.toStdString()), column) : QModelIndex();
}

QModelIndex HierarchyModel::indexForId(int id, int column) const {
    if (!m_tree || id < 0 || id >= static_cast<int>(m_tree->size()) || column < 0 ||
        column >= ColumnCount)
        return {};
    return createIndex(m_tree->rowOf(id), column, quintptr(id));
}

int HierarchyModel::nodeIdAt(const QModelIndex& index) const {
    if (!m_tree || !index.isValid() || index.model() != this)
        return -1;
    const auto id = index.internalId();
    return id < m_tree->size() ? static_cast<int>(id) : -1;
}

const HierarchyNode* HierarchyModel::nodeAt(const QModelIndex& index) const {
    const int id = nodeIdAt(index);
    return id < 0 ? nullptr : &m_tree->node(id);
}

QModelIndex HierarchyModel::index(int row, int column, const QModelIndex& parent) const {
    if (!hasIndex(row, column, parent))
        return {};
    if (!parent.isValid())
        return createIndex(row, column, quintptr(0)); // `top`
    const auto& children = m_tree->childIds(nodeIdAt(parent));
    return createIndex(row, column, quintptr(children[static_cast<size_t>(row)]));
}

QModelIndex HierarchyModel::parent(const QModelIndex& child) const {
    const int id = nodeIdAt(child);
    if (id < 0)
        return {};
    const int parentId = m_tree->parentId(id);
    if (parentId < 0)
        return {};
    return createIndex(m_tree->rowOf(parentId), 0, quintptr(parentId));
}

int HierarchyModel::rowCount(const QModelIndex& parent) const {
    if (!parent.isValid())
        return m_tree ? 1 : 0;
    if (parent.column() != 0) // only the first column has children (Qt's tree convention)
        return 0;
    const int id = nodeIdAt(parent);
    return id < 0 ? 0 : static_cast<int>(m_tree->childIds(id).size());
}

int HierarchyModel::columnCount(const QModelIndex&) const {
    return ColumnCount;
}

QString HierarchyModel::kindName(NodeKind kind) {
    switch (kind) {
    case NodeKind::Instance:
        return QStringLiteral("instance");
    case NodeKind::Net:
        return QStringLiteral("net");
    case NodeKind::Device:
        return QStringLiteral("device");
    case NodeKind::DeviceParameter:
        return QStringLiteral("device parameter");
    case NodeKind::BranchCurrent:
        return QStringLiteral("branch current");
    // A stored vector's kind, for a vector the tree does not know: the probe map editor
    // names it as the browser names the tree node it would be.
    case NodeKind::NodeVoltage:
    case NodeKind::InternalNode:
        return QStringLiteral("net");
    case NodeKind::Noise:
        return QStringLiteral("noise");
    case NodeKind::Scale:
        return QStringLiteral("scale");
    }
    return {};
}

QString HierarchyModel::toolTipFor(const HierarchyNode& node) {
    QStringList lines;
    lines << qs(node.cref);
    QString kind = kindName(node.kind);
    if (!node.detail.empty())
        kind += " (" + qs(node.detail) + ")";
    lines << "kind: " + kind;
    lines << (node.vector.empty() ? QStringLiteral("no vector") : "vector: " + qs(node.vector));
    if (!node.unit.empty())
        lines << "unit: " + qs(node.unit);
    if (!node.source.file.empty())
        lines << "source: " + qs(node.source.file) +
                     (node.source.line > 0 ? ":" + QString::number(node.source.line) : QString());
    if (!node.vector.empty())
        lines << (node.streamedByDefault ? QStringLiteral("streamed")
                                         : QStringLiteral("needs a save line"));
    return lines.join('\n');
}

const QIcon& HierarchyModel::iconFor(NodeKind kind, bool probed) const {
    // Tree nodes have tree kinds only (HierarchyTree::add checks), the ones icons exist for.
    const auto index = isTreeKind(kind) ? static_cast<size_t>(kind) : size_t(0);
    return probed ? m_probedIcons[index] : m_icons[index];
}

QVariant HierarchyModel::data(const QModelIndex& index, int role) const {
    const HierarchyNode* node = nodeAt(index);
    if (!node)
        return {};
    const auto probed = [&] { return m_probed.contains(qs(node->cref)); };
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case NameColumn:
            return qs(node->name);
        case KindColumn:
            return kindName(node->kind);
        case VectorColumn:
            return qs(node->vector);
        case UnitColumn:
            return qs(node->unit);
        }
        return {};
    case Qt::DecorationRole:
        if (index.column() == NameColumn)
            return iconFor(node->kind, !m_probed.isEmpty() && probed());
        return {};
    case Qt::FontRole:
        if (!m_probed.isEmpty() && probed()) {
            QFont font;
            font.setBold(true);
            return font;
        }
        return {};
    case Qt::ToolTipRole:
        return toolTipFor(*node);
    case CrefRole:
        return qs(node->cref);
    case KindRole:
        return static_cast<int>(node->kind);
    case VectorRole:
        return qs(node->vector);
    case UnitRole:
        return qs(node->unit);
    case ProbedRole:
        return probed();
    case StreamedRole:
        return node->streamedByDefault;
    }
    return {};
}

QVariant HierarchyModel::headerData(int section, Qt::Orientation orientation, int role) const {
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return QStringLiteral("Name");
    case KindColumn:
        return QStringLiteral("Kind");
    case VectorColumn:
        return QStringLiteral("Vector");
    case UnitColumn:
        return QStringLiteral("Unit");
    }
    return {};
}

Qt::ItemFlags HierarchyModel::flags(const QModelIndex& index) const {
    const HierarchyNode* node = nodeAt(index);
    if (!node)
        return Qt::NoItemFlags;
    Qt::ItemFlags flags = Qt::ItemIsEnabled | Qt::ItemIsSelectable;
    if (!node->vector.empty()) // only what a plot can show is worth dragging
        flags |= Qt::ItemIsDragEnabled;
    if (m_tree->childIds(nodeIdAt(index)).empty())
        flags |= Qt::ItemNeverHasChildren;
    return flags;
}

QStringList HierarchyModel::mimeTypes() const {
    return {CrefMimeType, QStringLiteral("text/plain")};
}

QMimeData* HierarchyModel::mimeData(const QModelIndexList& indexes) const {
    // A view passes one index per selected cell; each node goes in once, in selection order.
    QStringList crefs;
    QSet<int> seen;
    for (const auto& index : indexes) {
        const int id = nodeIdAt(index);
        if (id < 0 || seen.contains(id))
            continue;
        seen.insert(id);
        const auto* node = &m_tree->node(id);
        if (!node->vector.empty())
            crefs << qs(node->cref);
    }
    if (crefs.isEmpty())
        return nullptr;
    auto* mime = new QMimeData;
    const QString text = crefs.join('\n');
    mime->setData(CrefMimeType, text.toUtf8());
    mime->setText(text);
    return mime;
}

Qt::DropActions HierarchyModel::supportedDragActions() const {
    return Qt::CopyAction;
}
