#pragma once
// Wires ocpp-centralsystem together and runs it until SIGINT/SIGTERM.

namespace cs {

// Returns the exit code: 0 after a stop signal, 1 when it cannot start (port, database, TLS), 2 on bad usage.
int run(int argc, char** argv);

} // namespace cs
