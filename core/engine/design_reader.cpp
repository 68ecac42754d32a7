#include "core/engine/design_reader.h"

#include "core/design/asdl/asdl_reader.h"
#include "core/design/spice_reader.h"

#include <QFileInfo>

bool DesignReader::isAsdl(const std::string& path) {
    return QFileInfo(QString::fromStdString(path)).suffix().toLower() == "asdl";
}

Result<HierarchyTree> DesignReader::read(const std::string& path,
                                         const std::string& emittedNetlist) {
    if (!QFileInfo(QString::fromStdString(path)).isFile())
        return Result<HierarchyTree>::failure(path + ": no such file");
    if (isAsdl(path))
        return AsdlReader::readFile(path, emittedNetlist);
    return SpiceReader::readFile(path);
}
