#pragma once
// The installer page of `ocpp-tester serve`: HTML, CSS and JavaScript modules embedded at build time
// (tester/web/assets/), served at / on the same port as the REST API and the chargers' WebSockets. Everything else goes
// to the API.
#include <vector>

#include "ocpp/net/http.hpp"
#include "ocpp/util/embedded.hpp"

namespace tester {

// The page's files, generated from tester/web/assets/ by cmake/EmbedFiles.cmake.
const std::vector<ocpp::EmbeddedFile>& installer_page_files();

// Serves GET / (index.html) and GET /<file> for the page's files, with a strict Content-Security-Policy (nothing
// from elsewhere, no inline script) and ETag revalidation; passes every other request to `api`.
ocpp::net::HttpHandler make_web_handler(ocpp::net::HttpHandler api);

} // namespace tester
