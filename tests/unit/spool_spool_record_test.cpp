// The spool's record framing: what frame_record() writes, scan_records() reads back whole,
// and every kind of damage a crash or a bad disk leaves (a cut header, a cut payload, zeros,
// a wrong checksum) stops the scan before it, with the offsets of the file.

#include <gtest/gtest.h>

#include <string>

#include "spool/spool_record.h"

namespace tocsin::spool {
namespace {

TEST(SpoolRecord, FramedRecordsScanBackWholeWithTheirOffsets) {
  const std::string data = frame_record("OUI") + frame_record(std::string(300, 'x'));
  const ScanResult scan = scan_records(data, 1000);
  ASSERT_EQ(scan.records.size(), 2u);
  EXPECT_TRUE(scan.problem.empty()) << scan.problem;
  EXPECT_EQ(scan.records[0].payload_offset, 1000 + kFrameHeaderBytes);
  EXPECT_EQ(scan.records[0].size, 3u);
  EXPECT_EQ(scan.records[0].end, 1000 + kFrameHeaderBytes + 3);
  EXPECT_EQ(scan.records[1].payload_offset, scan.records[0].end + kFrameHeaderBytes);
  EXPECT_EQ(scan.records[1].size, 300u);
  EXPECT_EQ(scan.valid_end, 1000 + data.size());
  EXPECT_EQ(data.substr(scan.records[0].payload_offset - 1000, 3), "OUI");
}

TEST(SpoolRecord, ARecordCutShortInItsHeaderEndsTheScan) {
  const std::string whole = frame_record("OUI");
  const std::string data = whole + frame_record("NON").substr(0, 5);
  const ScanResult scan = scan_records(data);
  ASSERT_EQ(scan.records.size(), 1u);
  EXPECT_EQ(scan.valid_end, whole.size());
  EXPECT_NE(scan.problem.find("cut short in its header"), std::string::npos) << scan.problem;
  EXPECT_NE(scan.problem.find("byte 11"), std::string::npos) << scan.problem;
}

TEST(SpoolRecord, ARecordCutShortInItsPayloadEndsTheScan) {
  const std::string whole = frame_record("OUI");
  const std::string data = whole + frame_record("OUI BUS").substr(0, kFrameHeaderBytes + 2);
  const ScanResult scan = scan_records(data);
  ASSERT_EQ(scan.records.size(), 1u);
  EXPECT_EQ(scan.valid_end, whole.size());
  EXPECT_NE(scan.problem.find("7 bytes announced, 2 there"), std::string::npos) << scan.problem;
}

TEST(SpoolRecord, ZerosWhereARecordShouldBeAreNoRecord) {
  const std::string whole = frame_record("OUI");
  const ScanResult scan = scan_records(whole + std::string(64, '\0'));
  ASSERT_EQ(scan.records.size(), 1u);
  EXPECT_EQ(scan.valid_end, whole.size());
  EXPECT_NE(scan.problem.find("size 0"), std::string::npos) << scan.problem;
}

TEST(SpoolRecord, AChangedByteFailsTheChecksum) {
  std::string data = frame_record("OUI") + frame_record("NON");
  data.back() = 'X';
  const ScanResult scan = scan_records(data);
  ASSERT_EQ(scan.records.size(), 1u);
  EXPECT_NE(scan.problem.find("checksum"), std::string::npos) << scan.problem;
}

TEST(SpoolRecord, AnAbsurdSizeIsDamageNotARecordToWaitFor) {
  std::string data = frame_record("OUI");
  data[3] = '\x7f';  // announces ~2 GiB
  const ScanResult scan = scan_records(data);
  EXPECT_TRUE(scan.records.empty());
  EXPECT_EQ(scan.valid_end, 0u);
  EXPECT_NE(scan.problem.find("over the 1 MiB limit"), std::string::npos) << scan.problem;
}

TEST(SpoolRecord, EmptyAndOversizedPayloadsAreRefused) {
  EXPECT_THROW(frame_record(""), std::invalid_argument);
  EXPECT_THROW(frame_record(std::string(kMaxPayloadBytes + 1, 'x')), std::invalid_argument);
  EXPECT_NO_THROW(frame_record(std::string(kMaxPayloadBytes, 'x')));
}

}  // namespace
}  // namespace tocsin::spool
