#include "members/member_store_scripts.h"

#include <string>

#include "members/member_remove.lua.h"
#include "members/member_upsert.lua.h"
#include "redis/script.h"

namespace tocsin::members {

const redis::Script& upsert_members_script() {
  static const redis::Script script(std::string(lua::member_upsert));
  return script;
}

const redis::Script& remove_members_script() {
  static const redis::Script script(std::string(lua::member_remove));
  return script;
}

}  // namespace tocsin::members
