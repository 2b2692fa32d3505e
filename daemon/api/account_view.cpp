#include "api/account_view.h"

#include "auth/role_proto.h"

namespace tocsin::api {

AccountView account_view(const AccountRecord& record) {
  AccountView view;
  view.set_id(record.id());
  view.set_name(record.name());
  const auto role = auth::role_from_proto(record.role());
  view.set_role(role ? std::string(auth::role_name(*role)) : "unknown");
  *view.mutable_regions() = record.regions();
  view.set_mobile(record.mobile());
  view.set_email(record.email());
  view.set_created_at_unix(record.created_at_unix());
  view.set_created_by(record.created_by());
  view.set_disabled(record.disabled());
  return view;
}

}  // namespace tocsin::api
