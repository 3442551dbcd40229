// ocpp-centralsystem: a minimal OCPP 1.6-J backend (SPEC §3). Everything is in centralsystem_lib.
#include "centralsystem/run.hpp"
#include "ocpp/system/file_limit.hpp"

int main(int argc, char** argv) {
    ocpp::raise_file_limit(); // every connection is a descriptor: take all the process may have
    return cs::run(argc, argv);
}
