// The spool on a real disk, in a temporary directory: appends come back in order until
// released; a reopened spool replays what was not released; replayed segments are removed;
// a full spool writes nothing; a torn record left by a crash is cut off at start; a second
// daemon cannot share the directory; the files are private.

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_awaitable.hpp>

#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include "spool/spool.h"
#include "spool/spool_record.h"
#include "tests/support/temp_dir.h"

namespace tocsin::spool {
namespace {

namespace asio = boost::asio;
namespace fs = std::filesystem;

class SpoolTest : public ::testing::Test {
 protected:
  std::unique_ptr<Spool> open(uint64_t max_bytes = 1 << 20, uint64_t segment_bytes = 1 << 20) {
    SpoolOptions options;
    options.directory = directory();
    options.max_bytes = max_bytes;
    options.segment_bytes = segment_bytes;
    return std::make_unique<Spool>(io_.get_executor(), options);
  }

  fs::path directory() const { return dir_.path() / "spool"; }

  // Runs one append to completion on the test's loop.
  Result<Appended> append(Spool& spool, const std::string& payload) {
    std::optional<Result<Appended>> result;
    asio::co_spawn(
        io_, [&]() -> asio::awaitable<void> { result = co_await spool.append(payload); },
        [](std::exception_ptr e) {
          if (e) std::rethrow_exception(e);
        });
    io_.restart();
    io_.run();
    return result.value();
  }

  void append_all(Spool& spool, const std::vector<std::string>& payloads) {
    for (const auto& payload : payloads) {
      auto appended = append(spool, payload);
      ASSERT_TRUE(appended) << appended.error().message();
      ASSERT_EQ(*appended, Appended::kept);
    }
  }

  static std::vector<std::string> payloads(const std::vector<SpoolEntry>& entries) {
    std::vector<std::string> out;
    for (const auto& entry : entries) out.push_back(entry.payload);
    return out;
  }

  std::vector<fs::path> segments() const {
    std::vector<fs::path> files;
    for (const auto& entry : fs::directory_iterator(directory())) {
      const std::string name = entry.path().filename().string();
      if (name.ends_with(".spool") && name != "set-aside.spool") files.push_back(entry.path());
    }
    std::sort(files.begin(), files.end());
    return files;
  }

  testing::TempDir dir_{"tocsin-spool"};
  asio::io_context io_;
};

using Payloads = std::vector<std::string>;

TEST_F(SpoolTest, AppendedRecordsComeBackInOrderUntilReleased) {
  auto spool = open();
  EXPECT_FALSE(spool->holding());
  append_all(*spool, {"OUI", "NON", "OUI BUS"});
  EXPECT_TRUE(spool->holding());
  EXPECT_EQ(spool->pending_records(), 3u);

  auto entries = spool->next(10);
  EXPECT_EQ(payloads(entries), (Payloads{"OUI", "NON", "OUI BUS"}));
  EXPECT_EQ(payloads(spool->next(10)), (Payloads{"OUI", "NON", "OUI BUS"})) << "not released yet";
  EXPECT_EQ(payloads(spool->next(2)), (Payloads{"OUI", "NON"}));

  spool->release(entries[0].after);
  EXPECT_EQ(spool->pending_records(), 2u);
  EXPECT_EQ(payloads(spool->next(10)), (Payloads{"NON", "OUI BUS"}));
  spool->release(entries[1].after);
  spool->release(entries[2].after);
  EXPECT_FALSE(spool->holding());
  EXPECT_TRUE(spool->next(10).empty());
}

TEST_F(SpoolTest, AReopenedSpoolReplaysWhatWasNotReleased) {
  {
    auto spool = open();
    append_all(*spool, {"1", "2", "3", "4", "5"});
    const auto entries = spool->next(2);
    spool->release(entries[0].after);
    spool->release(entries[1].after);
    spool->checkpoint();
  }  // the writer thread saves the cursor before it stops
  auto spool = open();
  EXPECT_EQ(spool->pending_records(), 3u);
  EXPECT_EQ(payloads(spool->next(10)), (Payloads{"3", "4", "5"}));
  // New appends go after them.
  append_all(*spool, {"6"});
  EXPECT_EQ(payloads(spool->next(10)), (Payloads{"3", "4", "5", "6"}));
}

TEST_F(SpoolTest, WithoutACheckpointEverythingIsReplayedAgainNotLost) {
  {
    auto spool = open();
    append_all(*spool, {"1", "2"});
    spool->release(spool->next(1)[0].after);
  }
  auto spool = open();
  EXPECT_EQ(payloads(spool->next(10)), (Payloads{"1", "2"}));
}

TEST_F(SpoolTest, SegmentsAreRemovedOnceReplayedAndTheSpoolStartsAfresh) {
  // A record of 8 + 10 bytes fills a segment of 18.
  auto spool = open(1 << 20, 18);
  append_all(*spool, {"0123456789", "abcdefghij", "ABCDEFGHIJ"});
  EXPECT_EQ(segments().size(), 3u);
  EXPECT_EQ(spool->bytes(), 54u);

  auto entries = spool->next(10);
  ASSERT_EQ(payloads(entries), (Payloads{"0123456789", "abcdefghij", "ABCDEFGHIJ"}));
  spool->release(entries[0].after);
  spool->release(entries[1].after);
  spool->checkpoint();
  // The first goes; the second stays until replay has moved past its end into the third.
  EXPECT_EQ(spool->bytes(), 36u);
  EXPECT_EQ(payloads(spool->next(10)), (Payloads{"ABCDEFGHIJ"}));

  spool->release(entries[2].after);
  spool->checkpoint();
  EXPECT_EQ(spool->bytes(), 0u);
  append_all(*spool, {"again"});
  EXPECT_EQ(segments().size(), 1u) << "every replayed segment removed, one new";
  EXPECT_EQ(payloads(spool->next(10)), (Payloads{"again"}));
  spool.reset();
  EXPECT_EQ(payloads(open()->next(10)), (Payloads{"again"}));
}

TEST_F(SpoolTest, AFullSpoolAnswersFullAndWritesNothing) {
  auto spool = open(40);  // two records of 8 + 10 bytes, not three
  append_all(*spool, {"0123456789", "abcdefghij"});
  auto third = append(*spool, "ABCDEFGHIJ");
  ASSERT_TRUE(third);
  EXPECT_EQ(*third, Appended::full);
  EXPECT_EQ(spool->pending_records(), 2u);
  EXPECT_EQ(fs::file_size(segments().at(0)), 36u);
  // Once replayed, there is room again.
  for (const auto& entry : spool->next(10)) spool->release(entry.after);
  spool->checkpoint();
  auto later = append(*spool, "ABCDEFGHIJ");
  ASSERT_TRUE(later);
  EXPECT_EQ(*later, Appended::kept);
}

TEST_F(SpoolTest, ATornRecordACrashLeftIsCutOffAtStart) {
  {
    auto spool = open();
    append_all(*spool, {"OUI", "NON"});
  }
  const fs::path last = segments().back();
  const auto whole = fs::file_size(last);
  std::ofstream(last, std::ios::app | std::ios::binary) << frame_record("OUI BUS").substr(0, 10);

  auto spool = open();
  ASSERT_EQ(spool->recovery_problems().size(), 1u);
  EXPECT_NE(spool->recovery_problems()[0].find("never acknowledged"), std::string::npos)
      << spool->recovery_problems()[0];
  EXPECT_EQ(fs::file_size(last), whole);
  EXPECT_EQ(spool->pending_records(), 2u);
  append_all(*spool, {"ARRET"});
  EXPECT_EQ(payloads(spool->next(10)), (Payloads{"OUI", "NON", "ARRET"}));
}

TEST_F(SpoolTest, ASecondDaemonCannotShareTheDirectory) {
  auto spool = open();
  try {
    open();
    FAIL() << "a second spool opened the same directory";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("in use by another tocsind"), std::string::npos)
        << e.what();
  }
  spool.reset();
  EXPECT_NO_THROW(open()) << "the lock goes with the first";
}

TEST_F(SpoolTest, ADirectoryThatCannotBeMadeIsAClearError) {
  std::ofstream(dir_.path() / "file") << "x";
  SpoolOptions options;
  options.directory = dir_.path() / "file" / "spool";
  try {
    Spool spool(io_.get_executor(), options);
    FAIL() << "opened a spool under a file";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("cannot create the spool directory"), std::string::npos)
        << e.what();
    EXPECT_NE(std::string(e.what()).find("file/spool"), std::string::npos) << e.what();
  }
}

TEST_F(SpoolTest, TheFilesArePrivate) {
  auto spool = open();
  append_all(*spool, {"+15145551234 OUI"});
  struct stat info {};
  ASSERT_EQ(::stat(directory().c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  ASSERT_EQ(::stat(segments().at(0).c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(SpoolTest, ARecordSetAsideIsKeptAndReleased) {
  auto spool = open();
  append_all(*spool, {"bad", "good"});
  const auto entries = spool->next(10);
  std::optional<bool> kept;
  asio::co_spawn(
      io_, [&]() -> asio::awaitable<void> { kept = co_await spool->set_aside(entries[0]); },
      [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
      });
  io_.restart();
  io_.run();
  ASSERT_EQ(kept, true);
  EXPECT_EQ(payloads(spool->next(10)), (Payloads{"good"}));
  std::ifstream in(directory() / "set-aside.spool", std::ios::binary);
  const std::string set_aside((std::istreambuf_iterator<char>(in)), {});
  EXPECT_EQ(set_aside, frame_record("bad"));
}

}  // namespace
}  // namespace tocsin::spool
