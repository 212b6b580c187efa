//===- FuzzSupport.cpp - Shared pieces of the d1c fuzz targets ------------===//
#include "FuzzSupport.h"

#include <google/protobuf/stubs/logging.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>
#include <vector>

namespace d1fuzz {

static std::string &dirStorage() {
  static std::string Dir;
  return Dir;
}

static void removeScratch() {
  const std::string &Dir = dirStorage();
  if (Dir.empty())
    return;
  nftw(
      Dir.c_str(),
      [](const char *P, const struct stat *, int, struct FTW *) { return ::remove(P); }, 16,
      FTW_DEPTH | FTW_PHYS);
}

const std::string &scratchDir() {
  std::string &Dir = dirStorage();
  if (!Dir.empty())
    return Dir;
  struct stat St;
  std::string Base = (stat("/dev/shm", &St) == 0 && S_ISDIR(St.st_mode)) ? "/dev/shm" : "/tmp";
  if (const char *T = std::getenv("D1_FUZZ_TMPDIR"))
    Base = T;
  std::string Template = Base + "/d1-fuzz-XXXXXX";
  if (!mkdtemp(Template.data())) {
    std::fprintf(stderr, "d1-fuzz: cannot create a directory in %s: %s\n", Base.c_str(),
                 std::strerror(errno));
    std::abort();
  }
  Dir = Template;
  std::atexit(removeScratch);
  return Dir;
}

std::string writeScratch(const char *Name, const uint8_t *Data, size_t Size) {
  std::string Path = scratchDir() + "/" + Name;
  int FD = ::open(Path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  size_t Done = 0;
  while (FD >= 0 && Done < Size) {
    ssize_t N = ::write(FD, Data + Done, Size - Done);
    if (N <= 0)
      break;
    Done += size_t(N);
  }
  if (FD < 0 || Done != Size || ::close(FD) != 0) {
    std::fprintf(stderr, "d1-fuzz: cannot write %s: %s\n", Path.c_str(), std::strerror(errno));
    std::abort();
  }
  return Path;
}

bool verbose() {
  static const bool V = [] {
    const char *E = std::getenv("D1_FUZZ_VERBOSE");
    return E && *E && *E != '0';
  }();
  return V;
}

void quietProtobuf() {
  if (!verbose())
    google::protobuf::SetLogHandler(nullptr);
}

void invariant(const char *Id, const char *What, const std::string &Detail) {
  // D1_FUZZ_SKIP: one entry a line, "ID" or "ID TEXT" (only when the detail
  // holds TEXT).
  static const std::vector<std::pair<std::string, std::string>> Skip = [] {
    std::vector<std::pair<std::string, std::string>> Out;
    const char *E = std::getenv("D1_FUZZ_SKIP");
    std::string S = E ? E : "";
    for (size_t Pos = 0, End; Pos < S.size(); Pos = End + 1) {
      End = std::min(S.find('\n', Pos), S.size());
      std::string Line = S.substr(Pos, End - Pos);
      size_t Space = std::min(Line.find(' '), Line.size());
      if (!Line.empty())
        Out.emplace_back(Line.substr(0, Space), Line.substr(std::min(Space + 1, Line.size())));
    }
    return Out;
  }();
  for (const auto &[SkipId, Text] : Skip)
    if (SkipId == Id && Detail.find(Text) != std::string::npos) {
      if (verbose())
        std::fprintf(stderr, "==d1-fuzz== known invariant %s broken: %s: %s\n", Id, What,
                     Detail.c_str());
      return;
    }
  std::fprintf(stderr, "==d1-fuzz== invariant %s broken: %s: %s\n", Id, What, Detail.c_str());
  std::abort();
}

} // namespace d1fuzz
