//===- FileIO.h - Reading inputs and writing outputs safely -----*- C++ -*-===//
//
// Every tool reads its inputs and writes its outputs through these, so that
// hostile paths get the same answer everywhere:
//
//  - an input must be a regular file: a directory, FIFO, socket or device is
//    refused before it is read (opening never blocks), and a size bound keeps
//    a huge file from being read into memory;
//  - outputs are written all or nothing: a regular-file destination is
//    written to a temporary file beside it and renamed over it only when the
//    whole run has succeeded; a character device (/dev/null) or a pipe is
//    written directly, and anything else (a directory, a block device, a
//    socket) is refused; no output may replace one of the run's inputs.
//
// Plain C++ and POSIX, no LLVM: the runtime and the binary format use it.
//
//===----------------------------------------------------------------------===//
#ifndef D1_SUPPORT_FILEIO_H
#define D1_SUPPORT_FILEIO_H

#include <cstdint>
#include <string>
#include <vector>

namespace d1 {

/// A file's identity: the same file under any name or link.
struct FileId {
  uint64_t Dev = 0, Ino = 0;
  bool operator==(const FileId &O) const { return Dev == O.Dev && Ino == O.Ino; }
};

/// Opens Path for reading if it is a regular file, without blocking on a
/// FIFO. Returns the descriptor (close it), or -1 with Err set to a message
/// naming Path. Size and Id are set when given.
int openInputFile(const std::string &Path, std::string &Err, uint64_t *Size = nullptr,
                  FileId *Id = nullptr);

/// Reads the whole regular file Path into Out; a file larger than MaxBytes
/// is refused (What names the kind of file in that message, e.g. "tensor").
bool readInputFile(const std::string &Path, std::string &Out, std::string &Err,
                   uint64_t MaxBytes = UINT64_MAX, const char *What = "input");

/// Reads all of standard input (at most MaxBytes; it may be a pipe).
bool readStandardInput(std::string &Out, std::string &Err, uint64_t MaxBytes);

/// Writes Bytes to descriptor FD, retrying short writes; false with errno set
/// on failure.
bool writeAll(int FD, const char *Data, size_t Size);

/// Writes Bytes to standard output; Err names standard output on failure
/// (a full disk, a closed pipe).
bool writeStandardOutput(const std::string &Bytes, std::string &Err);

/// The files one run of a tool writes, made to appear together or not at
/// all. Destructing it without commit() removes every temporary file and
/// every directory it created.
class OutputFiles {
public:
  OutputFiles() = default;
  OutputFiles(const OutputFiles &) = delete;
  OutputFiles &operator=(const OutputFiles &) = delete;
  ~OutputFiles();

  /// Path is one of the run's inputs: no output may replace it.
  void protect(const std::string &Path);
  /// Creates Dir and its missing parents for outputs.
  bool createDirectories(const std::string &Dir, std::string &Err);
  /// Stages Bytes for Path ("-" is standard output). The destination is
  /// checked now, and a regular file's bytes go to its temporary file now,
  /// so that a full disk shows before anything appears.
  bool add(const std::string &Path, std::string Bytes, std::string &Err);
  /// Writes the staged streams (standard output, devices, pipes) first, as
  /// they are the ones that can still fail, then renames the temporary
  /// files over their destinations.
  bool commit(std::string &Err);

private:
  struct Staged {
    std::string Path;     // as given, for messages
    std::string Target;   // the file renamed over (symbolic links resolved)
    std::string TempPath; // empty for streams
    int StreamFD = -1;    // open descriptor of a device or pipe; 1 for "-"
    std::string Bytes;    // a stream's bytes, written at commit
  };
  std::vector<std::pair<FileId, std::string>> Protected;
  std::vector<Staged> Files;
  std::vector<std::string> CreatedDirs;
  bool Committed = false;
  void rollBack();
};

} // namespace d1

#endif // D1_SUPPORT_FILEIO_H
