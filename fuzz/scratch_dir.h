#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

// A directory of its own for one fuzz process, where a target writes the files of one input
// (the readers under test take paths, and their include/import resolution is part of what is
// fuzzed). Files are removed after every input (clear()) and the directory when the process
// exits, so a fuzzing session leaves nothing behind; one that crashes leaves one directory
// under $TMPDIR (`make fuzz` points it into build-fuzz/).
// Thread: the fuzzing thread only.
class ScratchDir {
public:
    // The process's directory, created on first use.
    static ScratchDir& instance();
    ~ScratchDir();

    // Writes `bytes` to `name` (a plain file name) and returns the file's path.
    std::string write(const std::string& name, const std::string& bytes);
    std::string path(const std::string& name) const;
    const std::string& root() const { return m_root; }
    // Removes everything in the directory (what the reader under test may have left too).
    void clear();

private:
    ScratchDir();
    std::string m_root;
};

// An input that holds several files: the parts between NUL bytes, at most `maxParts` (the
// last part keeps any further NULs). A seed `a\0b` is the files a and b.
std::vector<std::string> splitParts(const uint8_t* data, size_t size, size_t maxParts);
