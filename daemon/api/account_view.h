#pragma once
// An account as the API shows it (AccountView): its role by name, never the code or the
// sessions.

#include "proto/tocsin.pb.h"

namespace tocsin::api {

AccountView account_view(const AccountRecord& record);

}  // namespace tocsin::api
