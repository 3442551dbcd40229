#pragma once
// The command line (and --config YAML file) of ocpp-centralsystem.
#include <cstdint>
#include <string>
#include <vector>

#include "ocpp/util/log.hpp"
#include "ocpp/util/result.hpp"

namespace cs {

struct Options {
    std::string host = "127.0.0.1";
    std::uint16_t port = 8180;
    std::string db = "sqlite:ocppkit.db";
    std::string api_token;
    bool auto_register = false;
    int heartbeat_interval = 300;
    std::string tls_cert, tls_key, tls_client_ca;
    ocpp::LogLevel log_level = ocpp::LogLevel::Info;
    std::string config_file;
    std::string map_tile_url; // the portal's map tiles; empty: offline background
    bool help = false;
};

// Parses argv (argv[0] is the program). A --config file is read first; the command line wins over it.
ocpp::Result<Options> parse_options(int argc, char** argv);
std::string usage();

} // namespace cs
