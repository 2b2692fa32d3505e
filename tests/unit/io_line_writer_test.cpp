// LineWriter on real files in a temporary directory: appends, whole lines under concurrent
// writers, failures as errno, standard output, reopening after rotation, and speed.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "io/line_writer.h"
#include "tests/support/temp_dir.h"

namespace tocsin::io {
namespace {

using adapters::LocalWrite;

std::string read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

TEST(LineWriter, AppendsLinesAfterWhatIsThere) {
  testing::TempDir dir;
  const auto path = dir.path() / "console.log";
  std::ofstream(path) << "already here\n";
  LineWriter writer;
  for (const char* line : {"first", "", "troisième ligne, accentuée"}) {
    auto response = writer.write(LocalWrite{path.string(), line});
    EXPECT_EQ(response.transport_error, 0) << response.transport_message;
    EXPECT_EQ(response.http_status, 0);
  }
  EXPECT_EQ(read_file(path), "already here\nfirst\n\ntroisième ligne, accentuée\n");
}

TEST(LineWriter, CreatesTheFileNoMoreThanOwnerWriteGroupRead) {
  testing::TempDir dir;
  const auto path = dir.path() / "new.log";
  LineWriter writer;
  ASSERT_EQ(writer.write(LocalWrite{path.string(), "x"}).transport_error, 0);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777 & ~0640, 0u) << std::oct << (info.st_mode & 0777);
}

TEST(LineWriter, ConcurrentWritersNeverInterleaveLines) {
  testing::TempDir dir;
  const auto path = dir.path() / "shared.log";
  constexpr int kThreads = 8;
  constexpr int kLines = 3000;
  // Long lines, some past PIPE_BUF and the page size, so a torn write would show.
  auto line_for = [](int thread, int n) {
    const size_t filler = n % 100 == 0 ? 9000 : 40 + (n * 7) % 300;
    return std::to_string(thread) + ":" + std::to_string(n) + ":" +
           std::string(filler, static_cast<char>('a' + thread)) + ":end";
  };
  std::vector<std::thread> threads;
  std::vector<int> failures(kThreads, 0);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      LineWriter writer;  // one per thread, each with its own open file
      for (int n = 0; n < kLines; ++n) {
        if (writer.write(LocalWrite{path.string(), line_for(t, n)}).transport_error != 0) {
          ++failures[t];
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int t = 0; t < kThreads; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;

  const auto lines = lines_of(read_file(path));
  ASSERT_EQ(lines.size(), static_cast<size_t>(kThreads * kLines));
  std::map<int, int> next;  // each thread's lines arrive whole and in its own order
  for (const auto& line : lines) {
    const auto colon = line.find(':');
    const auto second = line.find(':', colon + 1);
    ASSERT_NE(second, std::string::npos) << line.substr(0, 80);
    const int thread = std::stoi(line.substr(0, colon));
    const int n = std::stoi(line.substr(colon + 1, second - colon - 1));
    ASSERT_EQ(line, line_for(thread, n)) << "a torn line";
    ASSERT_EQ(n, next[thread]++) << "thread " << thread;
  }
}

TEST(LineWriter, UnwritablePathReportsErrno) {
  testing::TempDir dir;
  LineWriter writer;
  const auto missing = (dir.path() / "no-such-dir" / "out.log").string();
  auto response = writer.write(LocalWrite{missing, "x"});
  EXPECT_EQ(response.transport_error, ENOENT);
  EXPECT_NE(response.transport_message.find(missing), std::string::npos)
      << response.transport_message;

  response = writer.write(LocalWrite{dir.path().string(), "x"});  // a directory
  EXPECT_EQ(response.transport_error, EISDIR);

  // A failure is not remembered: once the directory exists, the same path works.
  std::filesystem::create_directory(dir.path() / "no-such-dir");
  EXPECT_EQ(writer.write(LocalWrite{missing, "late"}).transport_error, 0);
  EXPECT_EQ(read_file(missing), "late\n");
}

TEST(LineWriter, FullDeviceReportsErrno) {
  LineWriter writer;
  auto response = writer.write(LocalWrite{"/dev/full", "x"});
  EXPECT_EQ(response.transport_error, ENOSPC);
  EXPECT_FALSE(response.transport_message.empty());
}

TEST(LineWriter, RefusesALineHoldingANewline) {
  testing::TempDir dir;
  const auto path = dir.path() / "out.log";
  LineWriter writer;
  auto response = writer.write(LocalWrite{path.string(), "two\nlines"});
  EXPECT_EQ(response.transport_error, EINVAL);
  EXPECT_FALSE(std::filesystem::exists(path));
}

TEST(LineWriter, DashIsStandardOutput) {
  testing::TempDir dir;
  const auto path = dir.path() / "stdout.txt";
  std::fflush(stdout);
  const int saved = ::dup(1);
  const int file = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  ASSERT_GE(file, 0);
  ::dup2(file, 1);
  ::close(file);
  {
    LineWriter writer;
    EXPECT_EQ(writer.write(LocalWrite{"-", "to standard output"}).transport_error, 0);
  }  // the writer leaves fd 1 open
  const bool still_open = ::fcntl(1, F_GETFD) != -1;
  ::dup2(saved, 1);
  ::close(saved);
  EXPECT_TRUE(still_open);
  EXPECT_EQ(read_file(path), "to standard output\n");
}

TEST(LineWriter, ReopenFollowsARotatedFile) {
  testing::TempDir dir;
  const auto path = dir.path() / "console.log";
  LineWriter writer;
  ASSERT_EQ(writer.write(LocalWrite{path.string(), "before"}).transport_error, 0);
  std::filesystem::rename(path, dir.path() / "console.log.1");
  ASSERT_EQ(writer.write(LocalWrite{path.string(), "still the old file"}).transport_error, 0);
  writer.reopen();
  ASSERT_EQ(writer.write(LocalWrite{path.string(), "after"}).transport_error, 0);
  EXPECT_EQ(read_file(dir.path() / "console.log.1"), "before\nstill the old file\n");
  EXPECT_EQ(read_file(path), "after\n");
}

TEST(LineWriter, KeepsUpWithTheDispatcher) {
  // The console gateway must take 20,000 lines a second; here they take a few tens of ms.
  testing::TempDir dir;
  const auto path = (dir.path() / "fast.log").string();
  LineWriter writer;
  const std::string line(120, 'x');
  const auto started = std::chrono::steady_clock::now();
  for (int i = 0; i < 20'000; ++i) {
    ASSERT_EQ(writer.write(LocalWrite{path, line}).transport_error, 0);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(1));
  EXPECT_EQ(std::filesystem::file_size(path), 20'000u * 121);
}

}  // namespace
}  // namespace tocsin::io
