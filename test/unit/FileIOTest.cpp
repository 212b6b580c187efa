//===- FileIOTest.cpp - Safe inputs and all-or-nothing outputs ------------===//
#include "d1/Support/FileIO.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

using namespace d1;

namespace {

class FileIOTest : public ::testing::Test {
protected:
  std::string Dir;
  void SetUp() override {
    char Template[] = "/tmp/d1-fileio-XXXXXX";
    ASSERT_NE(::mkdtemp(Template), nullptr);
    Dir = Template;
  }
  void TearDown() override { std::system(("rm -rf '" + Dir + "'").c_str()); }
  std::string path(const std::string &Name) const { return Dir + "/" + Name; }
  void put(const std::string &Name, const std::string &Bytes) {
    std::ofstream(path(Name), std::ios::binary) << Bytes;
  }
  std::string get(const std::string &Name) {
    std::ifstream In(path(Name), std::ios::binary);
    std::stringstream SS;
    SS << In.rdbuf();
    return SS.str();
  }
  bool exists(const std::string &Name) {
    struct stat St;
    return ::lstat(path(Name).c_str(), &St) == 0;
  }
  /// The directory's entries, sorted ("." and ".." left out).
  std::string listing() {
    std::string Out;
    FILE *P = ::popen(("ls -A '" + Dir + "'").c_str(), "r");
    char Buf[256];
    while (std::fgets(Buf, sizeof Buf, P))
      Out += Buf;
    ::pclose(P);
    return Out;
  }
};

TEST_F(FileIOTest, ReadsRegularFilesOnly) {
  put("a.txt", "hello");
  std::string Out, Err;
  ASSERT_TRUE(readInputFile(path("a.txt"), Out, Err));
  EXPECT_EQ(Out, "hello");
  EXPECT_FALSE(readInputFile(Dir, Out, Err));
  EXPECT_EQ(Err, "'" + Dir + "' is a directory, not a regular file");
  ASSERT_EQ(::mkfifo(path("p").c_str(), 0600), 0);
  // Would block forever if the open waited for a writer.
  EXPECT_FALSE(readInputFile(path("p"), Out, Err));
  EXPECT_EQ(Err, "'" + path("p") + "' is a FIFO, not a regular file");
  EXPECT_FALSE(readInputFile("/dev/zero", Out, Err));
  EXPECT_EQ(Err, "'/dev/zero' is a character device, not a regular file");
  EXPECT_FALSE(readInputFile(path("missing"), Out, Err));
  EXPECT_EQ(Err, "cannot open '" + path("missing") + "': No such file or directory");
}

TEST_F(FileIOTest, RefusesFilesAboveTheBound) {
  put("big", std::string(100, 'x'));
  std::string Out, Err;
  EXPECT_TRUE(readInputFile(path("big"), Out, Err, 100));
  EXPECT_FALSE(readInputFile(path("big"), Out, Err, 99, "tensor"));
  EXPECT_EQ(Err, "'" + path("big") + "' holds 100 bytes, more than any tensor file can (99)");
}

TEST_F(FileIOTest, NothingAppearsWithoutCommit) {
  put("old", "old");
  std::string Err;
  {
    OutputFiles Outs;
    ASSERT_TRUE(Outs.createDirectories(path("new/deeper"), Err)) << Err;
    ASSERT_TRUE(Outs.add(path("new/deeper/x"), "x", Err)) << Err;
    ASSERT_TRUE(Outs.add(path("old"), "new", Err)) << Err;
    // Not committed: a later output failed, say.
  }
  EXPECT_EQ(get("old"), "old");
  EXPECT_EQ(listing(), "old\n"); // no temporary file, no created directory
}

TEST_F(FileIOTest, CommitReplacesAndKeepsTheMode) {
  put("old", "old");
  ::chmod(path("old").c_str(), 0640);
  std::string Err;
  OutputFiles Outs;
  ASSERT_TRUE(Outs.add(path("old"), "new", Err)) << Err;
  ASSERT_TRUE(Outs.add(path("fresh"), "fresh", Err)) << Err;
  EXPECT_EQ(get("old"), "old"); // staged only
  ASSERT_TRUE(Outs.commit(Err)) << Err;
  EXPECT_EQ(get("old"), "new");
  EXPECT_EQ(get("fresh"), "fresh");
  struct stat St;
  ASSERT_EQ(::stat(path("old").c_str(), &St), 0);
  EXPECT_EQ(St.st_mode & 0777, 0640u);
  EXPECT_EQ(listing(), "fresh\nold\n");
}

TEST_F(FileIOTest, NeverReplacesAnInput) {
  put("in", "input");
  ASSERT_EQ(::link(path("in").c_str(), path("hardlink").c_str()), 0);
  ASSERT_EQ(::symlink("in", path("symlink").c_str()), 0);
  std::string Err;
  OutputFiles Outs;
  Outs.protect(path("in"));
  for (const char *Name : {"in", "hardlink", "symlink"}) {
    EXPECT_FALSE(Outs.add(path(Name), "x", Err)) << Name;
    EXPECT_EQ(Err, "output '" + path(Name) + "' would overwrite input file '" + path("in") + "'");
  }
  EXPECT_EQ(get("in"), "input");
}

TEST_F(FileIOTest, WritesThroughSymbolicLinks) {
  put("target", "old");
  ASSERT_EQ(::symlink("target", path("link").c_str()), 0);
  std::string Err;
  OutputFiles Outs;
  ASSERT_TRUE(Outs.add(path("link"), "new", Err)) << Err;
  ASSERT_TRUE(Outs.commit(Err)) << Err;
  struct stat St;
  ASSERT_EQ(::lstat(path("link").c_str(), &St), 0);
  EXPECT_TRUE(S_ISLNK(St.st_mode));
  EXPECT_EQ(get("target"), "new");
}

TEST_F(FileIOTest, DevicesAndSpecialFiles) {
  std::string Err;
  OutputFiles Outs;
  EXPECT_FALSE(Outs.add(Dir, "x", Err));
  EXPECT_EQ(Err, "cannot write '" + Dir + "': it is a directory");
  ASSERT_EQ(::mkfifo(path("p").c_str(), 0600), 0);
  EXPECT_FALSE(Outs.add(path("p"), "x", Err));
  EXPECT_EQ(Err, "cannot write '" + path("p") + "': it is a FIFO with no reader");
  ASSERT_TRUE(Outs.add("/dev/null", "x", Err)) << Err;
  ASSERT_TRUE(Outs.commit(Err)) << Err;
  struct stat St;
  ASSERT_EQ(::stat("/dev/null", &St), 0);
  EXPECT_TRUE(S_ISCHR(St.st_mode));

  // A full device fails at commit, before any regular file is renamed.
  OutputFiles Full;
  ASSERT_TRUE(Full.add(path("ok"), "ok", Err)) << Err;
  ASSERT_TRUE(Full.add("/dev/full", "x", Err)) << Err;
  EXPECT_FALSE(Full.commit(Err));
  EXPECT_EQ(Err, "cannot write '/dev/full': No space left on device");
  EXPECT_FALSE(exists("ok"));
}

TEST_F(FileIOTest, OneDestinationOnce) {
  std::string Err;
  OutputFiles Outs;
  put("x", "");
  ASSERT_TRUE(Outs.add(path("x"), "1", Err)) << Err;
  EXPECT_FALSE(Outs.add(path("x"), "2", Err));
  EXPECT_EQ(Err, "cannot write '" + path("x") + "': it is written twice");
}

} // namespace
