#pragma once

#include <QString>

// Files for tests that change a design on disk: a copy of a folder (hidden files too, the
// project's .asdlrc among them) to edit without touching the checkout.
// Thread: the test's.
namespace test_files {
// Copies every file under `from` (subfolders, hidden files) to the same place under `to`.
void copyTree(const QString& from, const QString& to);
} // namespace test_files
