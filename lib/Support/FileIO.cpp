//===- FileIO.cpp - Reading inputs and writing outputs safely -------------===//
#include "d1/Support/FileIO.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace d1;

static std::string quoted(const std::string &Path) { return "'" + Path + "'"; }

static const char *kindOf(mode_t M) {
  if (S_ISDIR(M))
    return "a directory";
  if (S_ISFIFO(M))
    return "a FIFO";
  if (S_ISSOCK(M))
    return "a socket";
  if (S_ISCHR(M))
    return "a character device";
  if (S_ISBLK(M))
    return "a block device";
  return "a special file";
}

static FileId idOf(const struct stat &St) { return {uint64_t(St.st_dev), uint64_t(St.st_ino)}; }

int d1::openInputFile(const std::string &Path, std::string &Err, uint64_t *Size, FileId *Id) {
  // O_NONBLOCK: opening a FIFO with no writer would wait forever; it is
  // refused below like every other file that is not a regular one.
  int FD = ::open(Path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
  if (FD < 0) {
    Err = "cannot open " + quoted(Path) + ": " + std::strerror(errno);
    return -1;
  }
  struct stat St;
  if (fstat(FD, &St) != 0) {
    Err = "cannot open " + quoted(Path) + ": " + std::strerror(errno);
    ::close(FD);
    return -1;
  }
  if (!S_ISREG(St.st_mode)) {
    Err = quoted(Path) + " is " + kindOf(St.st_mode) + ", not a regular file";
    ::close(FD);
    return -1;
  }
  int Flags = fcntl(FD, F_GETFL);
  if (Flags >= 0)
    fcntl(FD, F_SETFL, Flags & ~O_NONBLOCK);
  if (Size)
    *Size = uint64_t(St.st_size);
  if (Id)
    *Id = idOf(St);
  return FD;
}

static bool readFully(int FD, std::string &Out, uint64_t Size) {
  Out.resize(size_t(Size));
  size_t Done = 0;
  while (Done < Size) {
    ssize_t N = ::read(FD, Out.data() + Done, Size - Done);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0)
      break;
    Done += size_t(N);
  }
  // A file that shrank while it was read is read as far as it goes.
  Out.resize(Done);
  return true;
}

bool d1::readInputFile(const std::string &Path, std::string &Out, std::string &Err,
                       uint64_t MaxBytes, const char *What) {
  uint64_t Size = 0;
  int FD = openInputFile(Path, Err, &Size);
  if (FD < 0)
    return false;
  if (Size > MaxBytes) {
    Err = quoted(Path) + " holds " + std::to_string(Size) + " bytes, more than any " + What +
          " file can (" + std::to_string(MaxBytes) + ")";
    ::close(FD);
    return false;
  }
  errno = 0;
  readFully(FD, Out, Size);
  int E = errno;
  ::close(FD);
  if (Out.size() != Size && E) {
    Err = "cannot read " + quoted(Path) + ": " + std::strerror(E);
    return false;
  }
  return true;
}

bool d1::readStandardInput(std::string &Out, std::string &Err, uint64_t MaxBytes) {
  Out.clear();
  char Buf[65536];
  for (;;) {
    ssize_t N = ::read(0, Buf, sizeof Buf);
    if (N < 0 && errno == EINTR)
      continue;
    if (N < 0) {
      Err = std::string("cannot read standard input: ") + std::strerror(errno);
      return false;
    }
    if (N == 0)
      return true;
    if (Out.size() + size_t(N) > MaxBytes) {
      Err = "standard input holds more than " + std::to_string(MaxBytes) + " bytes";
      return false;
    }
    Out.append(Buf, size_t(N));
  }
}

bool d1::writeAll(int FD, const char *Data, size_t Size) {
  while (Size) {
    ssize_t N = ::write(FD, Data, Size);
    if (N < 0 && errno == EINTR)
      continue;
    if (N <= 0) {
      if (N == 0)
        errno = EIO;
      return false;
    }
    Data += N;
    Size -= size_t(N);
  }
  return true;
}

bool d1::writeStandardOutput(const std::string &Bytes, std::string &Err) {
  if (writeAll(1, Bytes.data(), Bytes.size()))
    return true;
  Err = std::string("cannot write standard output: ") + std::strerror(errno);
  return false;
}

//===----------------------------------------------------------------------===//
// OutputFiles
//===----------------------------------------------------------------------===//

OutputFiles::~OutputFiles() {
  if (!Committed)
    rollBack();
  for (Staged &S : Files)
    if (S.StreamFD > 2)
      ::close(S.StreamFD);
}

void OutputFiles::rollBack() {
  for (Staged &S : Files)
    if (!S.TempPath.empty())
      ::unlink(S.TempPath.c_str());
  // Innermost first; a directory that is not empty stays.
  for (auto It = CreatedDirs.rbegin(); It != CreatedDirs.rend(); ++It)
    ::rmdir(It->c_str());
  CreatedDirs.clear();
}

void OutputFiles::protect(const std::string &Path) {
  struct stat St;
  if (::stat(Path.c_str(), &St) == 0)
    Protected.push_back({idOf(St), Path});
}

bool OutputFiles::createDirectories(const std::string &Dir, std::string &Err) {
  std::string Prefix;
  size_t Pos = 0;
  while (Pos <= Dir.size()) {
    size_t Slash = Dir.find('/', Pos);
    if (Slash == std::string::npos)
      Slash = Dir.size();
    Prefix = Dir.substr(0, Slash);
    Pos = Slash + 1;
    if (Prefix.empty() || Prefix == "." || Prefix == "..")
      continue;
    struct stat St;
    if (::stat(Prefix.c_str(), &St) == 0) {
      if (!S_ISDIR(St.st_mode)) {
        Err = "cannot create " + quoted(Dir) + ": " + quoted(Prefix) + " is not a directory";
        return false;
      }
      continue;
    }
    if (::mkdir(Prefix.c_str(), 0777) != 0 && errno != EEXIST) {
      Err = "cannot create " + quoted(Dir) + ": " + std::strerror(errno);
      return false;
    }
    CreatedDirs.push_back(Prefix);
  }
  return true;
}

bool OutputFiles::add(const std::string &Path, std::string Bytes, std::string &Err) {
  auto Fail = [&](const std::string &Why) {
    Err = "cannot write " + quoted(Path) + ": " + Why;
    return false;
  };
  Staged S;
  S.Path = Path;
  if (Path == "-") {
    S.StreamFD = 1;
    S.Bytes = std::move(Bytes);
    Files.push_back(std::move(S));
    return true;
  }
  if (Path.empty())
    return Fail("empty file name");
  struct stat St;
  bool Exists = ::stat(Path.c_str(), &St) == 0;
  if (!Exists && errno != ENOENT)
    return Fail(std::strerror(errno));
  if (!Exists) {
    struct stat LSt;
    if (::lstat(Path.c_str(), &LSt) == 0 && S_ISLNK(LSt.st_mode))
      return Fail("it is a symbolic link to a missing file");
  }
  if (Exists) {
    for (const auto &[Id, Input] : Protected)
      if (Id == idOf(St)) {
        Err = "output " + quoted(Path) + " would overwrite input file " + quoted(Input);
        return false;
      }
    if (S_ISCHR(St.st_mode) || S_ISFIFO(St.st_mode)) {
      // A device such as /dev/null, or a pipe with a reader: written in
      // place at commit. A FIFO with no reader is refused, not waited for.
      int FD = ::open(Path.c_str(), O_WRONLY | O_NONBLOCK | O_CLOEXEC);
      if (FD < 0)
        return Fail(errno == ENXIO ? "it is a FIFO with no reader" : std::strerror(errno));
      int Flags = fcntl(FD, F_GETFL);
      if (Flags >= 0)
        fcntl(FD, F_SETFL, Flags & ~O_NONBLOCK);
      S.StreamFD = FD;
      S.Bytes = std::move(Bytes);
      Files.push_back(std::move(S));
      return true;
    }
    if (!S_ISREG(St.st_mode))
      return Fail(std::string("it is ") + kindOf(St.st_mode));
  }
  // A regular file, or none yet: a temporary file beside the one it will
  // replace (a symbolic link is followed, so the link itself stays).
  S.Target = Path;
  if (Exists) {
    char *Real = ::realpath(Path.c_str(), nullptr);
    if (!Real)
      return Fail(std::strerror(errno));
    S.Target = Real;
    std::free(Real);
  }
  for (const Staged &O : Files)
    if (O.Target == S.Target)
      return Fail("it is written twice");
  size_t Slash = S.Target.find_last_of('/');
  std::string Dir = Slash == std::string::npos ? "" : S.Target.substr(0, Slash + 1);
  std::string Base = Slash == std::string::npos ? S.Target : S.Target.substr(Slash + 1);
  std::string Temp = Dir + "." + Base + ".tmp.XXXXXX";
  int FD = ::mkstemp(Temp.data());
  if (FD < 0)
    return Fail(std::strerror(errno));
  S.TempPath = Temp;
  // The mode a new file would get (or the replaced file's), not mkstemp's 0600.
  mode_t Mode;
  if (Exists) {
    Mode = St.st_mode & 07777;
  } else {
    mode_t Mask = ::umask(0);
    ::umask(Mask);
    Mode = 0666 & ~Mask;
  }
  bool Ok = ::fchmod(FD, Mode) == 0 && writeAll(FD, Bytes.data(), Bytes.size());
  int E = errno;
  Ok = (::close(FD) == 0) && Ok;
  if (!Ok) {
    ::unlink(Temp.c_str());
    return Fail(std::strerror(E ? E : errno));
  }
  Files.push_back(std::move(S));
  return true;
}

bool OutputFiles::commit(std::string &Err) {
  for (Staged &S : Files) {
    if (S.StreamFD < 0)
      continue;
    if (!writeAll(S.StreamFD, S.Bytes.data(), S.Bytes.size())) {
      Err = S.StreamFD == 1 ? std::string("cannot write standard output: ") + std::strerror(errno)
                            : "cannot write " + quoted(S.Path) + ": " + std::strerror(errno);
      rollBack();
      return false;
    }
  }
  for (Staged &S : Files) {
    if (S.TempPath.empty())
      continue;
    if (::rename(S.TempPath.c_str(), S.Target.c_str()) != 0) {
      Err = "cannot write " + quoted(S.Path) + ": " + std::strerror(errno);
      rollBack();
      return false;
    }
    S.TempPath.clear();
  }
  Committed = true;
  return true;
}
