#include <gtest/gtest.h>

#include "ocpp/transfer/transfer.hpp"
#include "ocpp/transfer/transfer_url.hpp"

using namespace ocpp::transfer;

TEST(TransferUrl, PasswordsAreRedactedAndEverythingElseIsKept) {
    EXPECT_EQ(redact_url("ftp://user:pw@host:21/dir/fw.bin"), "ftp://user:***@host:21/dir/fw.bin");
    EXPECT_EQ(redact_url("ftp://user:p@ss@host/x"), "ftp://user:***@host/x");
    EXPECT_EQ(redact_url("ftp://user@host/x"), "ftp://user@host/x");
    EXPECT_EQ(redact_url("http://host/a@b"), "http://host/a@b");
    EXPECT_EQ(redact_url("http://host:8080/x?u=a:b@c"), "http://host:8080/x?u=a:b@c");
    EXPECT_EQ(redact_url("not a url"), "not a url");
}

TEST(TransferUrl, SchemeAndFileName) {
    EXPECT_EQ(url_scheme("HTTPS://h/x"), "https");
    EXPECT_EQ(url_scheme("/just/a/path"), "");
    EXPECT_EQ(url_file_name("http://h/fw/v2.bin?sig=1"), "v2.bin");
    EXPECT_EQ(url_file_name("ftp://u:p@h/diag/"), "");
    EXPECT_EQ(url_file_name("http://h"), "");
}

TEST(TransferUrl, OnlyTheSchemesTheServiceSpeaksAreTransferUrls) {
    for (const char* yes : {"http://h/fw.bin", "HTTPS://h/x", "ftp://u:p@h/diag/"}) {
        EXPECT_TRUE(ocpp::transfer::is_transfer_url(yes)) << yes;
    }
    for (const char* no : {"file:///etc/passwd", "sftp://h/x", "/just/a/path", "://h", "gopher://h/"}) {
        EXPECT_FALSE(ocpp::transfer::is_transfer_url(no)) << no;
    }
}
