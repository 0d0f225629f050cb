#pragma once
// A SQLite VFS for tests that wraps the default one and fails one chosen write or sync with a
// chosen result code, as a full disk or a failing device would. A database opens through it
// with a URI (relate opens every path with SQLITE_OPEN_URI):
//
//   relate::database db{test_support::faulty_vfs::uri(path)};
//   test_support::faulty_vfs::arm(3, SQLITE_FULL);   // the 3rd write or sync from now fails
//
// Single-threaded use only: the plan is one global.

#include <sqlite3.h>

#include <string>

namespace test_support::faulty_vfs {

inline constexpr const char* name = "relate-faulty";

namespace detail {

struct plan {
    long fail_at = 0;  ///< 1-based index of the write or sync that fails; 0: none
    int code = SQLITE_OK;
    long seen = 0;  ///< writes and syncs since arm()
    bool fired = false;
};
inline plan current;

/// The wrapper's file: SQLite allocates szOsFile bytes, and the real file follows this header.
struct file {
    sqlite3_file base;
    sqlite3_file* real;
};

inline sqlite3_file* real(sqlite3_file* f) { return reinterpret_cast<file*>(f)->real; }

/// Counts one write or sync; the result code it must fail with, or SQLITE_OK.
inline int injected(int io_error) {
    if (current.fail_at == 0 || ++current.seen != current.fail_at) return SQLITE_OK;
    current.fired = true;
    return current.code == SQLITE_IOERR ? io_error : current.code;
}

inline int write(sqlite3_file* f, const void* data, int amount, sqlite3_int64 offset) {
    if (const int rc = injected(SQLITE_IOERR_WRITE)) return rc;
    return real(f)->pMethods->xWrite(real(f), data, amount, offset);
}
inline int sync(sqlite3_file* f, int flags) {
    if (const int rc = injected(SQLITE_IOERR_FSYNC)) return rc;
    return real(f)->pMethods->xSync(real(f), flags);
}

// Everything else goes to the real file unchanged.
inline int close(sqlite3_file* f) { return real(f)->pMethods->xClose(real(f)); }
inline int read(sqlite3_file* f, void* data, int amount, sqlite3_int64 offset) {
    return real(f)->pMethods->xRead(real(f), data, amount, offset);
}
inline int truncate(sqlite3_file* f, sqlite3_int64 size) { return real(f)->pMethods->xTruncate(real(f), size); }
inline int file_size(sqlite3_file* f, sqlite3_int64* size) { return real(f)->pMethods->xFileSize(real(f), size); }
inline int lock(sqlite3_file* f, int level) { return real(f)->pMethods->xLock(real(f), level); }
inline int unlock(sqlite3_file* f, int level) { return real(f)->pMethods->xUnlock(real(f), level); }
inline int check_reserved_lock(sqlite3_file* f, int* out) {
    return real(f)->pMethods->xCheckReservedLock(real(f), out);
}
inline int file_control(sqlite3_file* f, int op, void* arg) {
    return real(f)->pMethods->xFileControl(real(f), op, arg);
}
inline int sector_size(sqlite3_file* f) { return real(f)->pMethods->xSectorSize(real(f)); }
inline int device_characteristics(sqlite3_file* f) { return real(f)->pMethods->xDeviceCharacteristics(real(f)); }
inline int shm_map(sqlite3_file* f, int region, int size, int extend, void volatile** out) {
    return real(f)->pMethods->xShmMap(real(f), region, size, extend, out);
}
inline int shm_lock(sqlite3_file* f, int offset, int n, int flags) {
    return real(f)->pMethods->xShmLock(real(f), offset, n, flags);
}
inline void shm_barrier(sqlite3_file* f) { real(f)->pMethods->xShmBarrier(real(f)); }
inline int shm_unmap(sqlite3_file* f, int remove) { return real(f)->pMethods->xShmUnmap(real(f), remove); }
inline int fetch(sqlite3_file* f, sqlite3_int64 offset, int amount, void** out) {
    return real(f)->pMethods->xFetch(real(f), offset, amount, out);
}
inline int unfetch(sqlite3_file* f, sqlite3_int64 offset, void* page) {
    return real(f)->pMethods->xUnfetch(real(f), offset, page);
}

// Version 3 (memory-mapped pages), as the unix VFS's files are.
inline const sqlite3_io_methods methods{3,
                                        close,
                                        read,
                                        write,
                                        truncate,
                                        sync,
                                        file_size,
                                        lock,
                                        unlock,
                                        check_reserved_lock,
                                        file_control,
                                        sector_size,
                                        device_characteristics,
                                        shm_map,
                                        shm_lock,
                                        shm_barrier,
                                        shm_unmap,
                                        fetch,
                                        unfetch};

inline sqlite3_vfs* root() { return sqlite3_vfs_find(nullptr); }

inline int open(sqlite3_vfs*, const char* path, sqlite3_file* f, int flags, int* out_flags) {
    auto* wrapper = reinterpret_cast<file*>(f);
    wrapper->real = reinterpret_cast<sqlite3_file*>(wrapper + 1);
    const int rc = root()->xOpen(root(), path, wrapper->real, flags, out_flags);
    f->pMethods = wrapper->real->pMethods != nullptr ? &methods : nullptr;  // null: SQLite will not close it
    return rc;
}

inline sqlite3_vfs* registered() {
    static sqlite3_vfs* vfs = [] {
        static sqlite3_vfs wrapper = *root();  // the root's own methods for everything but files
        wrapper.zName = name;
        wrapper.szOsFile = static_cast<int>(sizeof(file)) + root()->szOsFile;
        wrapper.xOpen = open;
        wrapper.pNext = nullptr;
        sqlite3_vfs_register(&wrapper, 0);
        return &wrapper;
    }();
    return vfs;
}

}  // namespace detail

/// The URI that opens `path` through this VFS (registered on first use, not as the default).
inline std::string uri(const std::string& path) {
    detail::registered();
    return "file:" + path + "?vfs=" + name;
}

/// From now on, count writes and syncs; the nth one fails with `code` (SQLITE_FULL, or
/// SQLITE_IOERR, which writes report as SQLITE_IOERR_WRITE and syncs as SQLITE_IOERR_FSYNC).
inline void arm(long nth, int code) { detail::current = {nth, code, 0, false}; }

/// No more failures; returns whether the armed one happened.
inline bool disarm() {
    const bool fired = detail::current.fired;
    detail::current = {};
    return fired;
}

}  // namespace test_support::faulty_vfs
