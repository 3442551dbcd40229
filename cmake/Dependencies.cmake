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
