# Turns the dashboard's static files into a C++ source, so that tocsind serves them from
# its own binary: no files to install beside it, and the page always matches the daemon.
# Run by the build (see the top-level CMakeLists.txt) as
#   cmake -DSOURCE_DIR=<dir> -DFILES=<name|name|...> -DOUTPUT=<file.cpp> -P embed_assets.cmake
# Each file becomes a byte array and an entry of kEmbeddedFiles with its strong ETag (the
# first 128 bits of its SHA-256, computed here, once, instead of at every start).
# The alert templates' seeds (alerts/template_seeds.h) are embedded the same way, with
# -DHEADER=alerts/template_seeds.h -DNAMESPACE=tocsin::alerts -DTYPE=TemplateSeed
# -DARRAY=kTemplateSeeds -DCOUNT=kTemplateSeedCount. An entry "name=relative/path" of FILES
# embeds that file under that name (jsQR.js from node_modules).

if(NOT HEADER)
  set(HEADER "dashboard/embedded_files.h")
  set(NAMESPACE "tocsin::dashboard")
  set(TYPE "EmbeddedFile")
  set(ARRAY "kEmbeddedFiles")
  set(COUNT "kEmbeddedFileCount")
endif()

string(REPLACE "|" ";" names "${FILES}")
list(SORT names)

set(arrays "")
set(entries "")
set(index 0)
foreach(entry IN LISTS names)
  # "name=relative/path" serves a file under another name (a package's file).
  if(entry MATCHES "^([^=]+)=(.+)$")
    set(name "${CMAKE_MATCH_1}")
    set(path "${SOURCE_DIR}/${CMAKE_MATCH_2}")
  else()
    set(name "${entry}")
    set(path "${SOURCE_DIR}/${entry}")
  endif()
  file(READ "${path}" hex HEX)
  string(LENGTH "${hex}" hex_length)
  if(hex_length EQUAL 0)
    message(FATAL_ERROR "embedded file ${path} is empty")
  endif()
  # Sixteen bytes a line keeps the generated file readable in a debugger.
  string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
  string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n    " bytes "${bytes}")
  file(SHA256 "${path}" digest)
  string(SUBSTRING "${digest}" 0 32 digest)
  string(APPEND arrays "const unsigned char kFile${index}[] = {\n    ${bytes}\n};\n")
  string(APPEND entries
         "    {\"${name}\", bytes_of(kFile${index}, sizeof kFile${index}), \"\\\"${digest}\\\"\"},\n")
  math(EXPR index "${index} + 1")
endforeach()

set(text "// Generated from ${SOURCE_DIR} by daemon/dashboard/embed_assets.cmake: do not edit.
#include \"${HEADER}\"

namespace ${NAMESPACE} {
namespace {

std::string_view bytes_of(const unsigned char* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

${arrays}
}  // namespace

const ${TYPE} ${ARRAY}[] = {
${entries}};
const size_t ${COUNT} = ${index};

}  // namespace ${NAMESPACE}
")

# Rewritten only when it changes, so an unchanged page does not relink the daemon.
set(previous "")
if(EXISTS "${OUTPUT}")
  file(READ "${OUTPUT}" previous)
endif()
if(NOT previous STREQUAL text)
  file(WRITE "${OUTPUT}" "${text}")
endif()
