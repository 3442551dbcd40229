# Every third-party dependency is found here once and exposed as a target.
find_package(Threads REQUIRED)
find_package(OpenSSL REQUIRED)
find_package(Python3 REQUIRED COMPONENTS Interpreter)
find_package(yaml-cpp REQUIRED) # target yaml-cpp (no namespace in 0.7)
find_package(SQLite3 REQUIRED) # SQLite::SQLite3, the embedded store
find_package(PostgreSQL REQUIRED) # PostgreSQL::PostgreSQL (libpq), the server store and its throwaway test server
find_package(CURL REQUIRED) # CURL::libcurl, the simulator's REST client

# Asio ships no CMake package: header-only, standalone (without it websocketpp falls back to Boost.Asio).
find_path(ASIO_INCLUDE_DIR asio.hpp REQUIRED)
add_library(ocppkit_asio INTERFACE)
target_include_directories(ocppkit_asio SYSTEM INTERFACE ${ASIO_INCLUDE_DIR})
target_compile_definitions(ocppkit_asio INTERFACE ASIO_STANDALONE)
target_link_libraries(ocppkit_asio INTERFACE Threads::Threads)
add_library(asio::asio ALIAS ocppkit_asio)

# RapidJSON's package only sets RAPIDJSON_INCLUDE_DIRS.
find_path(RAPIDJSON_INCLUDE_DIR rapidjson/document.h REQUIRED)
add_library(ocppkit_rapidjson INTERFACE)
target_include_directories(ocppkit_rapidjson SYSTEM INTERFACE ${RAPIDJSON_INCLUDE_DIR})
target_compile_definitions(ocppkit_rapidjson INTERFACE RAPIDJSON_HAS_STDSTRING=1)
add_library(rapidjson::rapidjson ALIAS ocppkit_rapidjson)

# websocketpp gives only an include directory; used by ocpp/net sources alone.
find_package(websocketpp CONFIG REQUIRED)
# ocpp/net's transport subclasses websocketpp's Asio connection and relies on its internals (the assumptions are
# listed beside DirectConnection in ocpp/net/detail/ws_transport.hpp): check the headers we compile against are the
# release it was written for, not only what the package config says.
set(OCPPKIT_WEBSOCKETPP_EXPECTED "0.8.2")
set(_ocppkit_wspp_version_hpp "${WEBSOCKETPP_INCLUDE_DIR}/websocketpp/version.hpp")
if(NOT EXISTS "${_ocppkit_wspp_version_hpp}")
    message(FATAL_ERROR "websocketpp: ${_ocppkit_wspp_version_hpp} not found; ocppkit needs websocketpp "
                        "${OCPPKIT_WEBSOCKETPP_EXPECTED} (Debian 12: libwebsocketpp-dev)")
endif()
file(STRINGS "${_ocppkit_wspp_version_hpp}" _ocppkit_wspp_lines
     REGEX "^static int const (major|minor|patch)_version = [0-9]+;")
set(_ocppkit_wspp_version "")
foreach(_part major minor patch)
    set(_value "")
    foreach(_line IN LISTS _ocppkit_wspp_lines)
        if(_line MATCHES "^static int const ${_part}_version = ([0-9]+);")
            set(_value "${CMAKE_MATCH_1}")
        endif()
    endforeach()
    if(_value STREQUAL "")
        message(FATAL_ERROR "websocketpp: cannot read the ${_part} version from ${_ocppkit_wspp_version_hpp}")
    endif()
    list(APPEND _ocppkit_wspp_version "${_value}")
endforeach()
list(JOIN _ocppkit_wspp_version "." _ocppkit_wspp_version)
if(NOT _ocppkit_wspp_version VERSION_EQUAL OCPPKIT_WEBSOCKETPP_EXPECTED)
    message(FATAL_ERROR "websocketpp ${_ocppkit_wspp_version} found in ${WEBSOCKETPP_INCLUDE_DIR}, but ocppkit's "
                        "transport (ocpp/net/detail/ws_transport.hpp) is written against the internals of websocketpp "
                        "${OCPPKIT_WEBSOCKETPP_EXPECTED}. Install ${OCPPKIT_WEBSOCKETPP_EXPECTED}, or check each "
                        "assumption listed beside DirectConnection against the new release and update "
                        "OCPPKIT_WEBSOCKETPP_EXPECTED in cmake/Dependencies.cmake.")
endif()
message(STATUS "websocketpp ${_ocppkit_wspp_version} (the release ocpp/net's transport is written for)")
unset(_ocppkit_wspp_lines)
unset(_ocppkit_wspp_version)
unset(_ocppkit_wspp_version_hpp)
add_library(ocppkit_websocketpp INTERFACE)
target_link_libraries(ocppkit_websocketpp INTERFACE websocketpp::websocketpp asio::asio OpenSSL::SSL OpenSSL::Crypto)
target_compile_definitions(ocppkit_websocketpp INTERFACE _WEBSOCKETPP_CPP11_STL_)

if(OCPPKIT_TESTS)
    find_package(GTest REQUIRED)
    include(GoogleTest)
endif()
if(OCPPKIT_BENCH)
    find_package(benchmark REQUIRED)
endif()
