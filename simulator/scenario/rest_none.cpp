// No REST client in this build: rest steps fail with a clear message.
#include "simulator/scenario/command.hpp"

namespace scen {

std::unique_ptr<RestClient> make_rest_client() {
    return nullptr;
}

} // namespace scen
