// An API client that keeps one connection object for several requests (Python's http.client, as scripts use it)
// works against the real binary: the server answers each request and announces "Connection: close", so the client
// opens its next connection itself instead of writing into a closed socket (a broken pipe).
#include <gtest/gtest.h>

#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

class ApiClientReuse : public CentralSystemBinary {};

TEST_F(ApiClientReuse, PythonHttpClientSendsSeveralRequestsThroughOneConnectionObject) {
    const std::string script = R"(
import http.client, json, sys
port, token = int(sys.argv[1]), sys.argv[2]
conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
auth = {"Authorization": "Bearer " + token}
out = []
for i in range(3):
    conn.request("POST", "/api/v1/idtags", body=json.dumps({"idTag": "PY-%d" % i}),
                 headers=dict(auth, **{"Content-Type": "application/json"}))
    r = conn.getresponse()
    out.append("%d %s" % (r.status, r.getheader("Connection")))
    r.read()
conn.request("GET", "/api/v1/idtags?q=py-", headers=auth)
r = conn.getresponse()
out.append("%d %d" % (r.status, json.loads(r.read())["total"]))
print(";".join(out))
)";
    const std::string file = base_ + ".client.py";
    std::ofstream(file) << script;
    const std::string log = base_ + ".client.log";
    ChildProcess client("/usr/bin/env", {"python3", file, std::to_string(port_), kToken}, log);
    ASSERT_EQ(client.wait_exit(30s), 0) << file_text(log);
    EXPECT_NE(file_text(log).find("201 close;201 close;201 close;200 3"), std::string::npos) << file_text(log);
    std::remove(file.c_str());
    std::remove(log.c_str());
}

} // namespace
