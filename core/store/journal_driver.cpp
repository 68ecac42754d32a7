#include "core/store/journal_driver.h"

#include <H5FDpublic.h>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace {

constexpr haddr_t kMaxAddress = (static_cast<haddr_t>(1) << (8 * sizeof(off_t) - 1)) - 1;
constexpr uint64_t kPage = 4096;
constexpr char kHeaderMagic[8] = {'W', 'B', 'J', 'R', 'N', 'L', '0', '1'};
constexpr char kFooterMagic[8] = {'W', 'B', 'J', 'R', 'N', 'E', 'N', 'D'};

// The parts this process has open for writing, as (device, inode); with h5Mutex() held.
std::set<std::pair<dev_t, ino_t>>& writtenHere() {
    static std::set<std::pair<dev_t, ino_t>> parts;
    return parts;
}

struct DriverInfo {
    JournalControl* control;
};

struct JournalFile {
    H5FD_t pub; // first: HDF5 sees a JournalFile as an H5FD_t
    int fd = -1;
    std::string path;
    dev_t device = 0;
    ino_t inode = 0;
    haddr_t eoa = 0;
    haddr_t eof = 0;
    bool writable = false;
    JournalControl* control = nullptr;
    // Store mode.
    haddr_t sizeAtOpen = 0;
    int journalFd = -1;
    std::map<uint64_t, std::vector<unsigned char>> heldPages; // page index -> new bytes
    // After a write failed (a full disk): every later write, in order, kept in memory only.
    // HDF5 reads them back as written, so that it goes on and closes the file cleanly
    // (its error paths crash: H5Ocopy in H5T_close_real, H5Fclose in H5_term_library);
    // none of it is ever put in the file.
    std::vector<std::pair<uint64_t, std::vector<unsigned char>>> unwritten;
};

std::string errnoText(const std::string& what, const std::string& path, int error) {
    return path + ": " + what + ": " + std::strerror(error);
}

void fail(JournalFile* file, const std::string& what, int error) {
    if (file->control && file->control->failure.empty())
        file->control->failure = errnoText(what, file->path, error);
}

bool writeAll(int fd, const void* data, size_t size, off_t at) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    while (size > 0) {
        const ssize_t n = pwrite(fd, bytes, size, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            if (n == 0)
                errno = EIO;
            return false;
        }
        bytes += n;
        size -= static_cast<size_t>(n);
        at += n;
    }
    return true;
}

// Reads what the file holds; bytes past its end read as zeros, as with HDF5's sec2.
bool readAll(int fd, void* data, size_t size, off_t at) {
    auto* bytes = static_cast<unsigned char*>(data);
    while (size > 0) {
        const ssize_t n = pread(fd, bytes, size, at);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return false;
        if (n == 0) {
            std::memset(bytes, 0, size);
            return true;
        }
        bytes += n;
        size -= static_cast<size_t>(n);
        at += n;
    }
    return true;
}

bool syncDirectoryOf(const std::string& path) {
    const auto slash = path.rfind('/');
    const std::string dir = slash == std::string::npos ? "." : path.substr(0, slash + 1);
    const int fd = open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool ok = fsync(fd) == 0;
    close(fd);
    return ok;
}

uint64_t fnv1a(uint64_t hash, const void* data, size_t size) {
    const auto* bytes = static_cast<const unsigned char*>(data);
    for (size_t i = 0; i < size; ++i) {
        hash ^= bytes[i];
        hash *= 1099511628211ull;
    }
    return hash;
}
constexpr uint64_t kFnvSeed = 14695981039346656037ull;

uint64_t pageLength(const JournalFile* file, uint64_t page) {
    return std::min<uint64_t>(kPage, file->sizeAtOpen - page * kPage);
}

// The journal: header (magic, size at open, pid) written and synced when the store is
// opened; then, at close, one record (offset, length, old bytes) per changed page and a
// footer (magic, record count, checksum). Only a journal with its footer is replayed.
bool writeJournalHeader(JournalFile* file) {
    file->journalFd =
        open(file->control->journalPath.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (file->journalFd < 0) {
        file->control->openError =
            errnoText("cannot create the commit journal", file->control->journalPath, errno);
        return false;
    }
    unsigned char header[24];
    std::memcpy(header, kHeaderMagic, 8);
    const uint64_t size = file->sizeAtOpen, pid = static_cast<uint64_t>(getpid());
    std::memcpy(header + 8, &size, 8);
    std::memcpy(header + 16, &pid, 8);
    if (!writeAll(file->journalFd, header, sizeof header, 0) || fsync(file->journalFd) != 0 ||
        !syncDirectoryOf(file->control->journalPath)) {
        file->control->openError =
            errnoText("cannot write the commit journal", file->control->journalPath, errno);
        close(file->journalFd);
        file->journalFd = -1;
        unlink(file->control->journalPath.c_str());
        return false;
    }
    return true;
}

void removeJournal(JournalFile* file) {
    if (file->journalFd >= 0)
        close(file->journalFd);
    file->journalFd = -1;
    unlink(file->control->journalPath.c_str());
    syncDirectoryOf(file->control->journalPath);
}

// Puts the held pages in place: old bytes to the journal and synced first, then the new
// ones, then the journal goes. A death in between leaves a journal rollBack() replays.
bool applyHeldPages(JournalFile* file, haddr_t finalSize) {
    off_t at = 24;
    uint64_t checksum = kFnvSeed, records = 0;
    std::vector<unsigned char> old(kPage);
    for (const auto& [page, bytes] : file->heldPages) {
        const uint64_t offset = page * kPage, length = bytes.size();
        if (!readAll(file->fd, old.data(), length, static_cast<off_t>(offset))) {
            fail(file, "cannot read", errno);
            return false;
        }
        unsigned char head[16];
        std::memcpy(head, &offset, 8);
        std::memcpy(head + 8, &length, 8);
        if (!writeAll(file->journalFd, head, 16, at) ||
            !writeAll(file->journalFd, old.data(), length, at + 16)) {
            fail(file, "cannot write the commit journal " + file->control->journalPath, errno);
            return false;
        }
        checksum = fnv1a(fnv1a(checksum, head, 16), old.data(), length);
        at += static_cast<off_t>(16 + length);
        ++records;
    }
    unsigned char footer[24];
    std::memcpy(footer, kFooterMagic, 8);
    std::memcpy(footer + 8, &records, 8);
    std::memcpy(footer + 16, &checksum, 8);
    if (!writeAll(file->journalFd, footer, sizeof footer, at) || fsync(file->journalFd) != 0) {
        fail(file, "cannot write the commit journal " + file->control->journalPath, errno);
        return false;
    }
    JournalDriver::faultPoint("commit-before-apply");
    size_t written = 0;
    for (const auto& [page, bytes] : file->heldPages) {
        if (!writeAll(file->fd, bytes.data(), bytes.size(), static_cast<off_t>(page * kPage))) {
            fail(file, "cannot write", errno);
            return false;
        }
        if (++written == (file->heldPages.size() + 1) / 2)
            JournalDriver::faultPoint("commit-mid-apply");
    }
    if (ftruncate(file->fd, static_cast<off_t>(finalSize)) != 0 || fsync(file->fd) != 0) {
        fail(file, "cannot write", errno);
        return false;
    }
    return true;
}

// --- the driver's callbacks -------------------------------------------------------------

H5FD_t* driverOpen(const char* name, unsigned flags, hid_t fapl, haddr_t maxaddr) {
    if (!name || !*name || maxaddr == 0 || maxaddr > kMaxAddress)
        return nullptr;
    const auto* info = static_cast<const DriverInfo*>(H5Pget_driver_info(fapl));
    JournalControl* control = info ? info->control : nullptr;
    if (!control)
        return nullptr;
    int openFlags = O_CLOEXEC | ((flags & H5F_ACC_RDWR) ? O_RDWR : O_RDONLY);
    if (flags & H5F_ACC_TRUNC)
        openFlags |= O_TRUNC;
    if (flags & H5F_ACC_CREAT)
        openFlags |= O_CREAT;
    if (flags & H5F_ACC_EXCL)
        openFlags |= O_EXCL;
    auto file = std::make_unique<JournalFile>();
    std::memset(&file->pub, 0, sizeof file->pub);
    file->path = name;
    file->control = control;
    file->writable = (flags & H5F_ACC_RDWR) != 0;
    file->fd = open(name, openFlags, 0666);
    if (file->fd < 0) {
        control->openError =
            errnoText(file->writable ? "cannot open for writing" : "cannot open", name, errno);
        return nullptr;
    }
    struct stat info2 {};
    if (fstat(file->fd, &info2) != 0) {
        control->openError = errnoText("cannot stat", name, errno);
        close(file->fd);
        return nullptr;
    }
    file->device = info2.st_dev;
    file->inode = info2.st_ino;
    file->eof = static_cast<haddr_t>(info2.st_size);
    file->sizeAtOpen = file->eof;
    if (file->writable) {
        const bool part = control->mode == JournalControl::Mode::Part;
        if (flock(file->fd, (part ? LOCK_EX : LOCK_SH) | LOCK_NB) != 0) {
            control->openError =
                file->path + (part ? ": another process is writing this run's part file"
                                   : ": another program has it open for writing");
            close(file->fd);
            return nullptr;
        }
        if (!part && !writeJournalHeader(file.get())) {
            close(file->fd);
            return nullptr;
        }
        if (part)
            writtenHere().insert({file->device, file->inode});
    }
    return &file.release()->pub;
}

// Always succeeds: the file is closed and its handle freed whatever happened, and what went
// wrong is in the control's failure (an abort is the caller's own). A failed close would
// leave HDF5 holding the file, to close it again at exit through a control long gone.
herr_t driverClose(H5FD_t* handle) {
    std::unique_ptr<JournalFile> file(reinterpret_cast<JournalFile*>(handle));
    if (file->writable && file->control->mode == JournalControl::Mode::Store &&
        file->journalFd >= 0) {
        const bool keep = !file->control->abort && file->control->failure.empty();
        const haddr_t finalSize = std::max(file->eoa, file->sizeAtOpen);
        if (keep && applyHeldPages(file.get(), finalSize)) {
            removeJournal(file.get());
        } else if (file->heldPages.empty() || !keep) {
            // Nothing of the old bytes was touched: dropping what grew restores the store.
            if (ftruncate(file->fd, static_cast<off_t>(file->sizeAtOpen)) != 0)
                fail(file.get(), "cannot truncate", errno);
            fsync(file->fd);
            removeJournal(file.get());
        } else {
            // Applying failed half way: put the old bytes back from the journal.
            close(file->journalFd);
            file->journalFd = -1;
            if (JournalDriver::rollBack(file->path, file->control->journalPath))
                syncDirectoryOf(file->control->journalPath);
            if (file->control->failure.empty())
                file->control->failure = file->path + ": the commit could not be applied; the "
                                                      "store was put back as it was";
        }
    }
    if (file->writable && file->control->mode == JournalControl::Mode::Part)
        writtenHere().erase({file->device, file->inode});
    if (file->fd >= 0 && close(file->fd) != 0 && file->writable)
        fail(file.get(), "cannot close", errno);
    return 0;
}

int driverCompare(const H5FD_t* a, const H5FD_t* b) {
    const auto* fa = reinterpret_cast<const JournalFile*>(a);
    const auto* fb = reinterpret_cast<const JournalFile*>(b);
    if (fa->device != fb->device)
        return fa->device < fb->device ? -1 : 1;
    if (fa->inode != fb->inode)
        return fa->inode < fb->inode ? -1 : 1;
    return 0;
}

herr_t driverQuery(const H5FD_t*, unsigned long* flags) {
    if (flags)
        *flags = H5FD_FEAT_AGGREGATE_METADATA | H5FD_FEAT_ACCUMULATE_METADATA |
                 H5FD_FEAT_DATA_SIEVE | H5FD_FEAT_AGGREGATE_SMALLDATA;
    return 0;
}

haddr_t driverGetEoa(const H5FD_t* handle, H5FD_mem_t) {
    return reinterpret_cast<const JournalFile*>(handle)->eoa;
}

herr_t driverSetEoa(H5FD_t* handle, H5FD_mem_t, haddr_t address) {
    if (address > kMaxAddress)
        return -1;
    reinterpret_cast<JournalFile*>(handle)->eoa = address;
    return 0;
}

haddr_t driverGetEof(const H5FD_t* handle, H5FD_mem_t) {
    return reinterpret_cast<const JournalFile*>(handle)->eof;
}

herr_t driverGetHandle(H5FD_t* handle, hid_t, void** fileHandle) {
    if (!fileHandle)
        return -1;
    *fileHandle = &reinterpret_cast<JournalFile*>(handle)->fd;
    return 0;
}

herr_t driverRead(H5FD_t* handle, H5FD_mem_t, hid_t, haddr_t address, size_t size, void* buffer) {
    auto* file = reinterpret_cast<JournalFile*>(handle);
    if (address > kMaxAddress || size > kMaxAddress - address || address + size > file->eoa)
        return -1;
    if (!readAll(file->fd, buffer, size, static_cast<off_t>(address))) {
        fail(file, "cannot read", errno);
        return -1;
    }
    auto* out = static_cast<unsigned char*>(buffer);
    // What this open wrote over the old bytes is only in memory yet.
    if (!file->heldPages.empty() && address < file->sizeAtOpen) {
        const uint64_t end = std::min<uint64_t>(address + size, file->sizeAtOpen);
        for (auto it = file->heldPages.lower_bound(address / kPage);
             it != file->heldPages.end() && it->first * kPage < end; ++it) {
            const uint64_t pageStart = it->first * kPage;
            const uint64_t from = std::max<uint64_t>(pageStart, address);
            const uint64_t to = std::min<uint64_t>(pageStart + it->second.size(), end);
            if (from < to)
                std::memcpy(out + (from - address), it->second.data() + (from - pageStart),
                            to - from);
        }
    }
    for (const auto& [at, bytes] : file->unwritten) { // later than any held page
        const uint64_t from = std::max<uint64_t>(at, address);
        const uint64_t to = std::min<uint64_t>(at + bytes.size(), address + size);
        if (from < to)
            std::memcpy(out + (from - address), bytes.data() + (from - at), to - from);
    }
    return 0;
}

herr_t driverWrite(H5FD_t* handle, H5FD_mem_t, hid_t, haddr_t address, size_t size,
                   const void* buffer) {
    auto* file = reinterpret_cast<JournalFile*>(handle);
    if (address > kMaxAddress || size > kMaxAddress - address || address + size > file->eoa)
        return -1;
    const auto* in = static_cast<const unsigned char*>(buffer);
    auto keepUnwritten = [&] {
        file->unwritten.emplace_back(address, std::vector<unsigned char>(in, in + size));
        file->eof = std::max<haddr_t>(file->eof, address + size);
        return 0;
    };
    // After the first failure nothing this open writes is kept (a Store-mode close drops
    // it, a failed part is deleted).
    if (!file->control->failure.empty() || file->control->abort)
        return keepUnwritten();
    uint64_t from = address;
    const uint64_t end = address + size;
    if (file->control->mode == JournalControl::Mode::Store) {
        // The old bytes: held, page by page, until close.
        for (; from < std::min<uint64_t>(end, file->sizeAtOpen);) {
            const uint64_t page = from / kPage, pageStart = page * kPage;
            auto [it, added] = file->heldPages.try_emplace(page);
            if (added) {
                it->second.resize(pageLength(file, page));
                if (!readAll(file->fd, it->second.data(), it->second.size(),
                             static_cast<off_t>(pageStart))) {
                    fail(file, "cannot read", errno);
                    return -1;
                }
            }
            const uint64_t to = std::min<uint64_t>(pageStart + it->second.size(), end);
            std::memcpy(it->second.data() + (from - pageStart), in + (from - address), to - from);
            from = to;
        }
    }
    if (from < end &&
        !writeAll(file->fd, in + (from - address), end - from, static_cast<off_t>(from))) {
        fail(file, "cannot write", errno);
        return keepUnwritten();
    }
    file->eof = std::max<haddr_t>(file->eof, end);
    return 0;
}

herr_t driverTruncate(H5FD_t* handle, hid_t, hbool_t) {
    auto* file = reinterpret_cast<JournalFile*>(handle);
    if (file->control->mode == JournalControl::Mode::Store)
        return 0; // at close, after the held pages are in place
    if (file->eoa == file->eof)
        return 0;
    if (ftruncate(file->fd, static_cast<off_t>(file->eoa)) != 0) {
        fail(file, "cannot truncate", errno);
        return -1;
    }
    file->eof = file->eoa;
    return 0;
}

herr_t driverLock(H5FD_t*, hbool_t) {
    return 0; // see JournalDriver: the driver locks for itself, in driverOpen
}

herr_t driverUnlock(H5FD_t*) {
    return 0;
}

void* driverFaplGet(H5FD_t* handle) {
    auto* info = static_cast<DriverInfo*>(std::malloc(sizeof(DriverInfo)));
    if (info)
        info->control = reinterpret_cast<JournalFile*>(handle)->control;
    return info;
}

H5FD_class_t makeDriverClass() {
    H5FD_class_t cls;
    std::memset(&cls, 0, sizeof cls);
    cls.name = "wavebench_journal";
    cls.maxaddr = kMaxAddress;
    cls.fc_degree = H5F_CLOSE_WEAK;
    cls.fapl_size = sizeof(DriverInfo);
    cls.fapl_get = driverFaplGet;
    cls.open = driverOpen;
    cls.close = driverClose;
    cls.cmp = driverCompare;
    cls.query = driverQuery;
    cls.get_eoa = driverGetEoa;
    cls.set_eoa = driverSetEoa;
    cls.get_eof = driverGetEof;
    cls.get_handle = driverGetHandle;
    cls.read = driverRead;
    cls.write = driverWrite;
    cls.truncate = driverTruncate;
    cls.lock = driverLock;
    cls.unlock = driverUnlock;
    const H5FD_mem_t map[H5FD_MEM_NTYPES] = H5FD_FLMAP_DICHOTOMY;
    std::memcpy(cls.fl_map, map, sizeof map);
    return cls;
}

hid_t driverId() {
    static hid_t id = [] {
        static const H5FD_class_t cls = makeDriverClass();
        return H5FDregister(&cls);
    }();
    return id;
}

} // namespace

H5Handle JournalDriver::fileAccess(JournalControl* control) {
    std::lock_guard lock(h5Mutex());
    H5Handle fapl = h5::storeFileAccess();
    h5::allowUncleanClose(fapl.get());
    const DriverInfo info{control};
    H5Pset_driver(fapl.get(), driverId(), &info);
    return fapl;
}

Result<bool> JournalDriver::rollBack(const std::string& storePath, const std::string& journalPath) {
    using R = Result<bool>;
    const int journal = open(journalPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (journal < 0)
        return errno == ENOENT ? R(true) : R::failure(errnoText("cannot read", journalPath, errno));
    std::vector<unsigned char> bytes;
    {
        unsigned char chunk[1 << 16];
        ssize_t n;
        while ((n = read(journal, chunk, sizeof chunk)) > 0)
            bytes.insert(bytes.end(), chunk, chunk + n);
        close(journal);
    }
    auto done = [&]() -> R {
        unlink(journalPath.c_str());
        syncDirectoryOf(journalPath);
        return true;
    };
    if (bytes.size() < 24 || std::memcmp(bytes.data(), kHeaderMagic, 8) != 0)
        return done(); // died while creating it: the store was not yet written to
    uint64_t sizeAtOpen = 0;
    std::memcpy(&sizeAtOpen, bytes.data() + 8, 8);
    const int store = open(storePath.c_str(), O_RDWR | O_CLOEXEC);
    if (store < 0)
        return R::failure(
            errnoText("cannot open for writing to undo an unfinished commit", storePath, errno));
    // Records count only with a whole footer: without one, no old byte was overwritten.
    struct Record {
        uint64_t offset, length;
        size_t at;
    };
    std::vector<Record> records;
    size_t at = 24;
    uint64_t checksum = kFnvSeed;
    bool complete = false;
    while (at + 24 <= bytes.size()) {
        if (std::memcmp(bytes.data() + at, kFooterMagic, 8) == 0) {
            uint64_t count = 0, sum = 0;
            std::memcpy(&count, bytes.data() + at + 8, 8);
            std::memcpy(&sum, bytes.data() + at + 16, 8);
            complete = count == records.size() && sum == checksum;
            break;
        }
        Record record{};
        std::memcpy(&record.offset, bytes.data() + at, 8);
        std::memcpy(&record.length, bytes.data() + at + 8, 8);
        if (record.length > kPage || at + 16 + record.length > bytes.size())
            break;
        record.at = at + 16;
        checksum = fnv1a(checksum, bytes.data() + at, 16 + record.length);
        records.push_back(record);
        at += 16 + record.length;
    }
    bool ok = true;
    if (complete)
        for (const auto& record : records)
            ok = writeAll(store, bytes.data() + record.at, record.length,
                          static_cast<off_t>(record.offset)) &&
                 ok;
    ok = ok && ftruncate(store, static_cast<off_t>(sizeAtOpen)) == 0 && fsync(store) == 0;
    const int error = errno;
    close(store);
    if (!ok)
        return R::failure(errnoText("cannot undo an unfinished commit", storePath, error));
    return done();
}

bool JournalDriver::syncFolderOf(const std::string& path) {
    return syncDirectoryOf(path);
}

bool JournalDriver::partHasWriter(const std::string& partPath) {
    const int fd = open(partPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    const bool held = flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
    close(fd); // drops our shared lock, if we got it
    return held;
}

bool JournalDriver::partWrittenHere(const std::string& partPath) {
    struct stat info {};
    if (stat(partPath.c_str(), &info) != 0)
        return false;
    std::lock_guard lock(h5Mutex());
    return writtenHere().count({info.st_dev, info.st_ino}) > 0;
}

void JournalDriver::faultPoint(const char* name) {
    const char* chosen = std::getenv("WAVEBENCH_FAULT_INJECTION");
    if (chosen && std::strcmp(chosen, name) == 0)
        raise(SIGKILL);
}
