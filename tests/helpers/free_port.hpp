// A loopback TCP port for a server a test starts.
#pragma once

namespace mfa::test {

// A port on 127.0.0.1 that nothing listens on now (a short race remains:
// another process may take it before the test's server does).
int free_port();

}  // namespace mfa::test
