// ocpp-centralsystem: a minimal OCPP 1.6-J backend (SPEC §3). Everything is in centralsystem_lib.
#include "centralsystem/run.hpp"

int main(int argc, char** argv) {
    return cs::run(argc, argv);
}
