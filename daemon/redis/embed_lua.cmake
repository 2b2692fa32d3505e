# Turns one Lua script of the daemon into a C++ header, so the script lives in its own .lua
# file (readable, diffable, runnable with redis-cli --eval) and still ships inside tocsind.
# Run by the build (see the top-level CMakeLists.txt) as
#   cmake -DSCRIPT=<daemon/folder/name.lua> -DDAEMON_DIR=<daemon> -DOUTPUT=<folder/name.lua.h>
#         -P embed_lua.cmake
# The header defines tocsin::<folder>::lua::<name>, the script's text as a string_view.
#
# A line "--!include folder/file_lib.lua" is replaced by that fragment's text: a few helpers
# (the turnout's reach moves, the seat allocation, the audit entry) are shared by several
# scripts, and Redis runs one self-contained text per script. The script's first line, the
# "#!lua" shebang, stays first.

file(READ "${SCRIPT}" text)
string(REGEX MATCHALL "--!include [^\n]+" directives "${text}")
foreach(directive IN LISTS directives)
  string(REPLACE "--!include " "" fragment "${directive}")
  if(NOT EXISTS "${DAEMON_DIR}/${fragment}")
    message(FATAL_ERROR "${SCRIPT}: ${directive}: no such file under ${DAEMON_DIR}")
  endif()
  file(READ "${DAEMON_DIR}/${fragment}" fragment_text)
  string(REPLACE "${directive}\n" "${fragment_text}" text "${text}")
endforeach()
if(NOT text MATCHES "^#!lua")
  message(FATAL_ERROR "${SCRIPT}: a script's first line is the #!lua shebang (Redis then "
                      "checks that it touches only the keys it declares, in one slot)")
endif()
if(text MATCHES "\\)tocsin_lua\"")
  message(FATAL_ERROR "${SCRIPT} contains the raw string's delimiter )tocsin_lua\"")
endif()

get_filename_component(name "${SCRIPT}" NAME_WE)
get_filename_component(folder_path "${SCRIPT}" DIRECTORY)
get_filename_component(folder "${folder_path}" NAME)

file(WRITE "${OUTPUT}.tmp" "// Generated from ${SCRIPT} by daemon/redis/embed_lua.cmake: do not edit.
#pragma once
#include <string_view>

namespace tocsin::${folder}::lua {
inline constexpr std::string_view ${name} = R\"tocsin_lua(${text})tocsin_lua\";
}  // namespace tocsin::${folder}::lua
")
# Rewritten only when it changed, so editing one fragment recompiles only what uses it.
file(COPY_FILE "${OUTPUT}.tmp" "${OUTPUT}" ONLY_IF_DIFFERENT)
file(REMOVE "${OUTPUT}.tmp")
