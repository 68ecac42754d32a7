#pragma once

#include "core/base/result.h"
#include "core/store/h5_handle.h"

#include <string>

// What one open file of JournalDriver does, and how it went. The caller owns it and keeps
// it alive until the file is closed.
struct JournalControl {
    enum class Mode {
        // A run's part file: written straight through. The driver holds an exclusive
        // flock on it while it is open for writing, so that another process (or another
        // open in this one) sees a live writer and never recovers a part still being
        // written, whatever HDF5_USE_FILE_LOCKING says.
        Part,
        // The store during a commit: writes past the file's size at open go straight to
        // the file, where no reader looks (HDF5 reads only up to the end of allocation
        // the superblock records). Writes into the old bytes are held in memory and,
        // when the file is closed, put in place behind an undo journal in a few
        // microseconds. Until that moment the file on disk is the store as it was, open
        // for any reader; if the process dies during it, rollBack() restores the store
        // byte for byte.
        Store,
    };
    Mode mode = Mode::Part;
    std::string journalPath; // Store mode
    // Set before the file is closed: everything this open wrote is dropped (Store mode:
    // the file is truncated back to its size at open).
    bool abort = false;
    // Why the last open failed (an open can fail and be retried by HDF5), naming the file.
    std::string openError;
    // The first I/O error of the open file, naming it and the errno text; "" while none.
    std::string failure;
};

// An HDF5 virtual file driver (POSIX, like HDF5's sec2) that never leaves the store torn.
// Files it writes carry no driver information: any HDF5 reader (h5py, h5netcdf) reads them
// with its default driver. It takes no HDF5 file lock on the store: readers are never
// turned away, and a reader holding the store open never blocks a commit; a shared flock
// keeps out a writer that is not Wavebench (h5py in "a" mode takes an exclusive one).
//
// Thread: any, with h5Mutex() held (HDF5 calls it from inside the library).
class JournalDriver {
public:
    // A file-access list using this driver for `control`, with the store's format and
    // cache settings (h5::storeFileAccess) and allowing a file a dead writer left flagged
    // "open for write" (h5::allowUncleanClose): every part and store is opened so.
    static H5Handle fileAccess(JournalControl* control);
    // fsyncs the folder holding `path`, so that a file created, renamed or removed there
    // stays so after a power cut.
    static bool syncFolderOf(const std::string& path);
    // Undoes a commit that did not finish: `journalPath` says how long the store was and
    // what its changed bytes were. Missing journal: nothing to do.
    static Result<bool> rollBack(const std::string& storePath, const std::string& journalPath);
    // Another open (in any process) holds the part file for writing.
    static bool partHasWriter(const std::string& partPath);
    // Tests make a store operation die at a chosen point, as kill -9 would:
    // WAVEBENCH_FAULT_INJECTION=commit-before-apply | commit-mid-apply |
    // merge-after-first-run (StoreMerge, once its first run is committed and verified).
    static void faultPoint(const char* name);
    // This process writes the part (an open of it is shared with the writer). A part another
    // live process writes is not read: HDF5 could meet half-written metadata there.
    static bool partWrittenHere(const std::string& partPath);
};
