#pragma once
// A private Kannel for one test (Debian's `kannel` and `kannel-extras`): a bearerbox with a
// fake SMS centre, an smsbox with a sendsms user and a catch-all sms-service, and fakesmsc
// playing the operator, all on free loopback ports with their config in a temporary
// directory. Started in that order, each waited for (the bearerbox's status page says when
// the smsbox and the fake centre are connected), stopped in the reverse order.
//
// fakesmsc runs in its interactive mode: with no message on its command line it sends a
// mobile-originated (MO) SMS for each line on its standard input and nothing else, and
// stays connected while that input is open. (`-m 0` would also keep it from sending, but
// then it never reads its input either, so send_mo could not work.) Its input is a FIFO
// this harness holds open; it reads it once a second, so delivered messages show up with
// up to a second of delay.
//
// Delivery reports with the fake centre (checked with Kannel 1.4.5): fakesmsc itself never
// sends one. For a message sent with a dlr-mask, the bearerbox reports type 8 ("accepted by
// the SMS centre", %A = "ACK/") once the line is written to fakesmsc, and the fake centre's
// module immediately reports type 1 (delivered, %A empty) when the mask asks for final
// results (1 or 2); the two calls on the dlr-url come in either order, and a concatenated
// message gets one of each for the whole message, not one per part (the bearerbox
// tracks the parts of a split message). Types 2, 4 and 16 never happen here.
//
// Throughput here: 1,000 sendsms requests through io::CurlMulti (16 kept-alive
// connections) take about 2 s, and all reach fakesmsc within the next second.

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "tests/support/fakesmsc_output.h"
#include "tests/support/subprocess.h"
#include "tests/support/temp_dir.h"

namespace tocsin::testing {

class KannelHarness {
 public:
  struct Options {
    // The sms-service's get-url, called for each MO message with Kannel's escapes expanded
    // (%p the sender, %P our number, %a the words of the text, %T the time, %I Kannel's
    // id); put the gateway's webhook secret in it. Empty: a closed port on loopback.
    std::string inbound_url;
    // The sendsms-user's max-messages: the most segments one text may take (past it Kannel
    // cuts the text and still answers "0: Accepted").
    int max_messages = 10;
    // The sender when a request names none (the sendsms-user's default-sender).
    std::string default_sender = "+15145550100";
  };

  // Throws std::runtime_error when Kannel is not installed or a part does not come up
  // within 15 s (the message then holds the part's log).
  explicit KannelHarness(Options options);
  KannelHarness() : KannelHarness(Options{}) {}
  ~KannelHarness();
  KannelHarness(const KannelHarness&) = delete;
  KannelHarness& operator=(const KannelHarness&) = delete;

  // http://127.0.0.1:PORT/cgi-bin/sendsms
  std::string sendsms_url() const;
  const std::string& username() const { return username_; }
  const std::string& password() const { return password_; }
  uint16_t sendsms_port() const { return sendsms_port_; }
  // The bearerbox's status.txt (boxes, SMSC link, counters), for diagnostics.
  std::string status() const;

  // Waits until fakesmsc has received at least `count` whole messages; false on timeout.
  bool wait_for_messages(size_t count, std::chrono::milliseconds timeout);
  // Whole messages fakesmsc has received so far (concatenated parts joined, UCS-2 decoded).
  std::vector<FakesmscMessage> received();
  // "Got message" records so far: segments on the air.
  size_t segments_received();
  // Messages the bearerbox has handed to the fake centre (its status page's "sent", which
  // counts a concatenated message once, not per part); -1 when the page cannot be read.
  // Equal to received().size() once fakesmsc has caught up, so together they show that
  // nothing was sent twice.
  long bearerbox_messages_sent() const;

  // Makes the operator deliver a mobile-originated SMS from `from` to `to`, and waits
  // until fakesmsc has sent it to the bearerbox. text is UTF-8, one line, at most 200
  // bytes (fakesmsc reads its input in 255-byte lines). One at a time: fakesmsc reads its
  // input through stdio but waits on the file descriptor, so a second line already in its
  // buffer would sit there until more input came.
  void send_mo(const std::string& from, const std::string& to, const std::string& text);

  // SIGKILLs the smsbox and waits until the bearerbox has noticed: the sendsms port then
  // refuses connections, as when the gateway host goes down.
  void kill_smsbox();
  // Starts it again and waits until it is connected and answering.
  void start_smsbox();

  // The boxes' and fakesmsc's output, for a failure message.
  std::string logs();

 private:
  void start_bearerbox();
  void start_smsbox_process();
  void start_fakesmsc();
  void write_config();
  void read_fakesmsc_output();  // with mutex_ held

  Options options_;
  TempDir dir_;
  std::filesystem::path config_path_;
  std::filesystem::path mo_fifo_path_;
  int mo_fifo_fd_ = -1;
  std::string username_ = "tocsin";
  std::string password_ = "kannel-test-pw";
  std::string admin_password_ = "kannel-admin-pw";
  uint16_t admin_port_ = 0;
  uint16_t smsbox_port_ = 0;  // bearerbox <-> smsbox
  uint16_t sendsms_port_ = 0;
  uint16_t smsc_port_ = 0;  // bearerbox's fake centre <-> fakesmsc
  std::unique_ptr<Subprocess> bearerbox_;
  std::unique_ptr<Subprocess> smsbox_;
  std::unique_ptr<Subprocess> fakesmsc_;
  std::mutex mutex_;     // guards the parse state below
  size_t consumed_ = 0;  // bytes of fakesmsc's output already fed
  size_t mo_written_ = 0;
  FakesmscOutput output_;
};

}  // namespace tocsin::testing
