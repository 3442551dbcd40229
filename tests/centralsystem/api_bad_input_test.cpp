// Every bad REST input, handler by handler, against the real binary: malformed JSON, bodies that are no object,
// wrong types, unknown fields, out-of-range numbers, bad query parameters and unknown IDs. Each gets its 4xx with a
// JSON error naming the field at fault, and afterwards everything stored reads back exactly as before.
#include <gtest/gtest.h>

#include "tests/centralsystem/cs_binary.hpp"

namespace {

using namespace cs::test;

struct Bad {
    std::string method, target, body;
    int status;
    std::string field; // the "field" the answer names
    std::string words; // part of its "error"
};

const std::string kChargersUrl = "/api/v1/chargers";
const std::string kCp = R"({"connectorId":1,"evseId":"DE*BIX*E9*1"})";
const std::string kAddress = R"("address":{"street":"Main 1","postalCode":"10115","city":"Berlin","country":"DE"})";
const std::string kLocation = R"("location":{"latitude":52.5,"longitude":13.4})";
const std::string kPrice = R"("currency":"EUR","validFrom":"2030-01-01T00:00:00Z")";

std::string new_charger(const std::string& members) {
    return R"({"chargeBoxId":"BI-2","password":"long-enough-1")" + (members.empty() ? "" : "," + members) + "}";
}
std::string with_cp(const std::string& cp) {
    return new_charger(R"("chargePoints":[)" + cp + "]");
}
std::string commission(const std::string& members) {
    return R"({"hotline":"+49 30 1",)" + kAddress + "," + kLocation + (members.empty() ? "" : "," + members) + "}";
}
std::string price(const std::string& members) {
    return "{" + kPrice + "," + members + "}";
}
std::string many_cps(int n) {
    std::string out;
    for (int i = 1; i <= n; ++i) {
        out += (i > 1 ? "," : "") + std::string(R"({"connectorId":)") + std::to_string(i) + R"(,"evseId":"DE*BIX*E)" +
               std::to_string(i) + R"(*1"})";
    }
    return out;
}

std::vector<Bad> charger_cases() {
    const std::string x65(65, 'x');
    return {
        {"POST", kChargersUrl, R"({"chargeBoxId":)", 400, "body", "not valid JSON"},
        {"POST", kChargersUrl, "[]", 400, "body", "must be a JSON object"},
        {"POST", kChargersUrl, R"("BI-2")", 400, "body", "must be a JSON object"},
        {"POST", kChargersUrl, "{\"chargeBoxId\":\"BI-\xff\"}", 400, "body", "not valid JSON"},
        {"POST", kChargersUrl, R"({"chargeBoxId":5})", 422, "chargeBoxId", "must be a string"},
        {"POST", kChargersUrl, R"({"chargeBoxId":"BI 2"})", 422, "chargeBoxId", "may hold only"},
        {"POST", kChargersUrl, R"({"chargeBoxId":")" + std::string(49, 'B') + R"("})", 422, "chargeBoxId",
         "at most 48"},
        {"POST", kChargersUrl, R"({"password":"long-enough-1"})", 422, "chargeBoxId", "is required"},
        {"POST", kChargersUrl, R"({"chargeBoxId":"BI-2","password":12345678})", 422, "password", "must be a string"},
        {"POST", kChargersUrl, R"({"chargeBoxId":"BI-2","password":"short"})", 422, "password", "at least 8"},
        {"POST", kChargersUrl, new_charger(R"("acceptAnyPassword":"yes")"), 422, "acceptAnyPassword", "true or false"},
        {"POST", kChargersUrl, new_charger(R"("provider":")" + x65 + "\""), 422, "provider", "at most 64"},
        {"POST", kChargersUrl, new_charger(R"("vendor":"a\u0001b")"), 422, "vendor", "control character"},
        {"POST", kChargersUrl, new_charger(R"("colour":"red")"), 422, "colour", "unknown field"},
        {"POST", kChargersUrl, R"({"claimCode":"7KQF-3M9X-TR","password":"long-enough-1"})", 422, "password",
         "leave them out"},
        {"POST", kChargersUrl, new_charger(R"("chargePoints":{})"), 422, "chargePoints", "must be an array"},
        {"POST", kChargersUrl, with_cp("1"), 422, "chargePoints/0", "must be an object"},
        {"POST", kChargersUrl, with_cp(R"({"evseId":"DE*BIX*E9*1"})"), 422, "chargePoints/0/connectorId",
         "is required"},
        {"POST", kChargersUrl, with_cp(R"({"connectorId":0,"evseId":"DE*BIX*E9*1"})"), 422,
         "chargePoints/0/connectorId", "from 1 to 100"},
        {"POST", kChargersUrl, with_cp(R"({"connectorId":"1","evseId":"DE*BIX*E9*1"})"), 422,
         "chargePoints/0/connectorId", "whole number"},
        {"POST", kChargersUrl, with_cp(R"({"connectorId":1.5,"evseId":"DE*BIX*E9*1"})"), 422,
         "chargePoints/0/connectorId", "whole number"},
        {"POST", kChargersUrl, with_cp(R"({"connectorId":1})"), 422, "chargePoints/0/evseId", "is required"},
        {"POST", kChargersUrl, with_cp(R"({"connectorId":1,"evseId":"DE-1"})"), 422, "chargePoints/0/evseId",
         "is not an EVSE ID"},
        {"POST", kChargersUrl, with_cp(R"({"connectorId":1,"evseId":"DE*BIX*E9*1","standard":"T2"})"), 422,
         "chargePoints/0/standard", "is not one of"},
        {"POST", kChargersUrl, with_cp(R"({"connectorId":1,"evseId":"DE*BIX*E9*1","format":"PLUG"})"), 422,
         "chargePoints/0/format", "is not one of"},
        {"POST", kChargersUrl, with_cp(R"({"connectorId":1,"evseId":"DE*BIX*E9*1","powerType":"AC"})"), 422,
         "chargePoints/0/powerType", "is not one of"},
        {"POST", kChargersUrl, with_cp(R"({"connectorId":1,"evseId":"DE*BIX*E9*1","maxPowerKw":0})"), 422,
         "chargePoints/0/maxPowerKw", "from 0.1 to 2000"},
        {"POST", kChargersUrl, with_cp(R"({"connectorId":1,"evseId":"DE*BIX*E9*1","maxPowerKw":1e9})"), 422,
         "chargePoints/0/maxPowerKw", "from 0.1 to 2000"},
        {"POST", kChargersUrl, with_cp(R"({"connectorId":1,"evseId":"DE*BIX*E9*1","maxPowerKw":"22"})"), 422,
         "chargePoints/0/maxPowerKw", "must be a number"},
        {"POST", kChargersUrl, with_cp(R"({"connectorId":1,"evseId":"DE*BIX*E9*1","colour":1})"), 422,
         "chargePoints/0/colour", "unknown field"},
        {"POST", kChargersUrl, with_cp(kCp + R"(,{"connectorId":1,"evseId":"DE*BIX*E8*1"})"), 422,
         "chargePoints/1/connectorId", "is twice"},
        {"POST", kChargersUrl, with_cp(kCp + R"(,{"connectorId":2,"evseId":"de*bix*e9*1"})"), 422,
         "chargePoints/1/evseId", "is twice"},
        {"POST", kChargersUrl, with_cp(many_cps(65)), 422, "chargePoints", "at most 64"},
        {"POST", kChargersUrl, R"({"chargeBoxId":"BI-1","password":"long-enough-1"})", 409, "chargeBoxId",
         "exists already"},
        {"POST", kChargersUrl, with_cp(R"({"connectorId":1,"evseId":"DE*BIX*E1*1"})"), 409, "chargePoints/0/evseId",
         "belongs to another"},
        {"POST", kChargersUrl, R"({"claimCode":"0000-0000-00"})", 404, "claimCode", ""},
        {"POST", kChargersUrl, "{\"vendor\":\"" + std::string(70 * 1024, 'v') + "\"}", 413, "body", "exceeds"},
        {"GET", kChargersUrl + "?q=" + x65, "", 400, "q", "64 characters"},
        {"GET", kChargersUrl + "?provider=" + x65, "", 400, "provider", "64 characters"},
        {"GET", kChargersUrl + "/NOBODY", "", 404, "id", "no charger"},
        {"PATCH", kChargersUrl + "/BI-1", "{", 400, "body", "not valid JSON"},
        {"PATCH", kChargersUrl + "/BI-1", "[1]", 400, "body", "must be a JSON object"},
        {"PATCH", kChargersUrl + "/BI-1", R"({"chargeBoxId":"BI-9"})", 422, "chargeBoxId", "cannot be changed"},
        {"PATCH", kChargersUrl + "/BI-1", R"({"chargePoints":{}})", 422, "chargePoints", "must be an array"},
        {"PATCH", kChargersUrl + "/BI-1", R"({"chargePoints":[{"connectorId":1,"evseId":"DE-1"}]})", 422,
         "chargePoints/0/evseId", "is not an EVSE ID"},
        {"PATCH", kChargersUrl + "/BI-1", R"({"chargePoints":[{"connectorId":0,"evseId":"DE*BIX*E9*1"}]})", 422,
         "chargePoints/0/connectorId", "from 1 to 100"},
        {"PATCH", kChargersUrl + "/NOBODY", R"({"chargePoints":[]})", 404, "id", "no charger"},
        {"DELETE", kChargersUrl + "/NOBODY", "", 404, "id", "no charger"},
        {"POST", kChargersUrl + "/NOBODY/decommission", "", 404, "id", "no charger"},
        {"GET", kChargersUrl + "/BI-1/audit?limit=0", "", 400, "limit", "1 to 1000"},
        {"GET", kChargersUrl + "/BI-1/audit?limit=x", "", 400, "limit", "1 to 1000"},
        {"PATCH", kChargersUrl + "/BI-1", R"({"evseId":"DE*BIX*E7*1"})", 422, "evseId", "cannot be changed"},
        {"PATCH", kChargersUrl + "/BI-1", R"({"claimCode":"7KQF-3M9X-TR"})", 422, "claimCode", "cannot be changed"},
        {"PATCH", kChargersUrl + "/BI-1", R"({"vendor":1})", 422, "vendor", "must be a string"},
        {"PATCH", kChargersUrl + "/BI-1", R"({"password":"short"})", 422, "password", "at least 8"},
        {"PATCH", kChargersUrl + "/BI-1", R"({"acceptAnyPassword":1})", 422, "acceptAnyPassword", "true or false"},
        {"PATCH", kChargersUrl + "/BI-1", R"({"status":"operational"})", 422, "status", "unknown field"},
        {"PATCH", kChargersUrl + "/NOBODY", R"({"vendor":"V"})", 404, "id", "no charger"},
        {"PUT", kChargersUrl + "/BI-1", "{}", 405, "", "use GET, PATCH, DELETE"},
    };
}

std::vector<Bad> commission_cases() {
    const std::string path = kChargersUrl + "/BI-1/commission";
    const std::string hotline_and_location = R"({"hotline":"+49",)" + kLocation + ",";
    return {
        {"POST", path, "nope", 400, "body", "not valid JSON"},
        {"POST", path, "{}", 422, "hotline", "is required"},
        {"POST", path, R"({"hotline":"+49",)" + kLocation + "}", 422, "address", "is required"},
        {"POST", path, hotline_and_location + R"("address":"Main 1"})", 422, "address", "is required"},
        {"POST", path, hotline_and_location + R"("address":{"street":"M 1","postalCode":"1","country":"DE"}})", 422,
         "address/city", "is required"},
        {"POST", path, hotline_and_location + R"("address":{"street":"M","postalCode":"1","city":"B","country":"de"}})",
         422, "address/country", "ISO 3166"},
        {"POST", path,
         hotline_and_location + R"("address":{"street":"M","postalCode":"1","city":"B","country":"DEU"}})", 422,
         "address/country", "at most 2"},
        {"POST", path,
         hotline_and_location + R"("address":{"street":"M","postalCode":"1","city":"B","country":"DE","floor":2}})",
         422, "address/floor", "unknown field"},
        {"POST", path, R"({"hotline":"+49",)" + kAddress + "}", 422, "location", "is required"},
        {"POST", path, R"({"hotline":"+49",)" + kAddress + R"(,"location":{"latitude":"52","longitude":13}})", 422,
         "location/latitude", "must be a number"},
        {"POST", path, R"({"hotline":"+49",)" + kAddress + R"(,"location":{"latitude":52,"longitude":181}})", 422,
         "location/longitude", "from -180 to 180"},
        {"POST", path, commission(R"("chargePoints":{})"), 422, "chargePoints", "must be an array"},
        {"POST", path, commission(R"("chargePoints":[{"maxCurrentA":32}])"), 422, "chargePoints/0/connectorId",
         "is required"},
        {"POST", path, commission(R"("chargePoints":[{"connectorId":1,"phases":4}])"), 422, "chargePoints/0/phases",
         "from 1 to 3"},
        {"POST", path, commission(R"("chargePoints":[{"connectorId":1,"maxCurrentA":0}])"), 422,
         "chargePoints/0/maxCurrentA", "from 1 to 1000"},
        {"POST", path, commission(R"("chargePoints":[{"connectorId":1,"maxCurrentA":16,"phases":1,"maxPowerKw":22}])"),
         422, "chargePoints/0/maxPowerKw", "maxCurrentA x phases"},
        {"POST", path, commission(R"("chargePoints":[{"connectorId":2}])"), 422, "chargePoints/0/connectorId", ""},
        {"POST", path, R"({"hotline":")" + std::string(33, '1') + "\"," + kAddress + "," + kLocation + "}", 422,
         "hotline", "at most 32"},
        {"POST", path, commission(R"("status":"operational")"), 422, "status", "unknown field"},
        {"POST", kChargersUrl + "/NOBODY/commission", commission(""), 404, "id", "no charger"},
        {"GET", kChargersUrl + "/BI-1/transactions?meterValues=1", "", 400, "meterValues", "true or false"},
        {"GET", kChargersUrl + "/NOBODY/transactions", "", 404, "id", "no charger"},
    };
}

std::vector<Bad> price_cases() {
    const std::string path = kChargersUrl + "/BI-1/prices";
    return {
        {"POST", path, "{", 400, "body", "not valid JSON"},
        {"POST", path, R"({"currency":"EUR"})", 422, "validFrom", "is required"},
        {"POST", path, R"({"currency":"eur","validFrom":"2030-01-01T00:00:00Z"})", 422, "currency", "ISO 4217"},
        {"POST", path, price(R"("perKwh":-0.1)"), 422, "perKwh", "from 0"},
        {"POST", path, price(R"("perSession":"1")"), 422, "perSession", "must be a number"},
        {"POST", path, price(R"("perMinute":2e6)"), 422, "perMinute", "from 0"},
        {"POST", path, price(R"("connectorId":0)"), 422, "connectorId", "from 1"},
        {"POST", path, price(R"("connectorId":2)"), 422, "connectorId", ""},
        {"POST", path, price(R"("validTo":"2029-01-01T00:00:00Z")"), 422, "validTo", "after validFrom"},
        {"POST", path, price(R"("validTo":"soon")"), 422, "validTo", "RFC 3339"},
        {"POST", path, price(R"("perkwh":1)"), 422, "perkwh", "unknown field"},
        {"POST", kChargersUrl + "/NOBODY/prices", "{" + kPrice + "}", 404, "id", "no charger"},
        {"GET", kChargersUrl + "/NOBODY/prices", "", 404, "id", "no charger"},
        {"PUT", path + "/abc", "{" + kPrice + "}", 404, "priceSetId", "whole numbers"},
        {"PUT", path + "/999999", "{" + kPrice + "}", 404, "priceSetId", ""},
        {"PUT", path + "/PRICE", "[]", 400, "body", "must be a JSON object"},
        {"PUT", path + "/PRICE", R"({"currency":"EURO","validFrom":"2030-01-01T00:00:00Z"})", 422, "currency", ""},
        {"DELETE", path + "/-1", "", 404, "priceSetId", "whole numbers"},
        {"DELETE", kChargersUrl + "/NOBODY/prices/PRICE", "", 404, "id", "no charger"},
    };
}

std::vector<Bad> other_cases() {
    const std::string tags = "/api/v1/idtags", read = "/api/v1/notifications/read";
    const std::string cmd = kChargersUrl + "/BI-1/commands/";
    return {
        {"POST", tags, "1", 400, "body", "must be a JSON object"},
        {"POST", tags, "{}", 422, "idTag", "is required"},
        {"POST", tags, R"({"idTag":""})", 422, "idTag", "must not be empty"},
        {"POST", tags, R"({"idTag":7})", 422, "idTag", "must be a string"},
        {"POST", tags, R"({"idTag":")" + std::string(21, 'T') + "\"}", 422, "idTag", "at most 20"},
        {"POST", tags, R"({"idTag":"BI-TAG","status":"Maybe"})", 422, "status", "is not one of"},
        {"POST", tags, R"({"idTag":"BI-TAG","expiryDate":"tomorrow"})", 422, "expiryDate", "RFC 3339"},
        {"POST", tags, R"({"idTag":"BI-TAG","parentIdTag":")" + std::string(21, 'P') + "\"}", 422, "parentIdTag",
         "at most 20"},
        {"POST", tags, R"({"idTag":"BI-TAG","colour":1})", 422, "colour", "unknown field"},
        {"GET", tags + "/NOPE", "", 404, "idTag", "no such id tag"},
        {"GET", "/api/v1/sessions?from=yesterday", "", 400, "from", "RFC 3339"},
        {"GET", "/api/v1/sessions?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z", "", 400, "to", "after from"},
        {"GET", "/api/v1/sessions?state=paused", "", 400, "state", "running or finished"},
        {"GET", "/api/v1/sessions?limit=1001", "", 400, "limit", "1 to 1000"},
        {"GET", "/api/v1/sessions?before=x", "", 400, "before", "whole number"},
        {"GET", "/api/v1/sessions?idTag=" + std::string(21, 'i'), "", 400, "idTag", "20 characters"},
        {"GET", "/api/v1/sessions?chargeBoxId=" + std::string(49, 'c'), "", 400, "chargeBoxId", "48 characters"},
        {"GET", "/api/v1/sessions/export?format=xml", "", 400, "format", "csv or ocpi"},
        {"GET", "/api/v1/sessions/export?format=csv", "", 400, "from", "needs from and to"},
        {"GET", "/api/v1/sessions/export?format=csv&from=2020-01-01T00:00:00Z&to=2022-01-01T00:00:00Z", "", 400, "to",
         "366 days"},
        {"GET", "/api/v1/sessions/export?format=csv&from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z&limit=10001", "",
         400, "limit", "1 to 10000"},
        {"GET", "/api/v1/sessions/export?format=ocpi&from=2020-01-01T00:00:00Z&to=2020-02-01T00:00:00Z&state=running",
         "", 400, "state", "finished sessions only"},
        {"GET", tags + "?q=" + std::string(21, 'q'), "", 400, "q", "20 characters"},
        {"GET", tags + "?status=Maybe", "", 400, "status", "Accepted, Blocked"},
        {"GET", tags + "?offset=-1", "", 400, "offset", "whole number"},
        {"GET", tags + "?limit=0", "", 400, "limit", "1 to 10000"},
        {"GET", tags + "?limit=10001", "", 400, "limit", "1 to 10000"},
        {"GET", "/api/v1/notifications?limit=0", "", 400, "limit", "1 to 1000"},
        {"GET", "/api/v1/notifications?limit=1001", "", 400, "limit", "1 to 1000"},
        {"GET", "/api/v1/notifications?limit=ten", "", 400, "limit", "1 to 1000"},
        {"GET", "/api/v1/notifications?limit=%ZZ", "", 400, "limit", "1 to 1000"},
        {"GET", "/api/v1/notifications?unread=tru%e", "", 400, "unread", "true or false"},
        {"GET", "/api/v1/notifications?before=0", "", 400, "before", "whole number"},
        {"GET", "/api/v1/notifications?since=yesterday", "", 400, "since", "RFC 3339"},
        {"GET", "/api/v1/notifications?unread=yes", "", 400, "unread", "true or false"},
        {"POST", read, "x", 400, "body", "not valid JSON"},
        {"POST", read, "{}", 422, "ids", "give ids"},
        {"POST", read, R"({"ids":"1"})", 422, "ids", "must be an array"},
        {"POST", read, R"({"ids":[1,0]})", 422, "ids/1", "whole number from 1"},
        {"POST", read, R"({"upTo":"5"})", 422, "upTo", "whole number from 1"},
        {"POST", read, R"({"all":true})", 422, "all", "unknown field"},
        {"GET", "/api/v1/dashboard?provider=" + std::string(65, 'p'), "", 400, "provider", "64 characters"},
        {"POST", kChargersUrl + "/import?dryRun=maybe", "chargeBoxId\nBI-3\n", 400, "dryRun", "true or false"},
        {"POST", kChargersUrl + "/import", "chargeBoxId,colour\nBI-3,red\n", 400, "body", "nothing was imported"},
        {"POST", kChargersUrl + "/import", "chargeBoxId,connectorId,evseId\nBI-3,0,DE*BIX*E3*1\n", 422, "body",
         "nothing was imported"},
        {"POST", kChargersUrl + "/import", "chargeBoxId\nBI-1\n", 409, "body", "nothing was imported"},
        {"POST", cmd + "Dance", "{}", 404, "action", "not a central-system action"},
        {"POST", cmd + "Reset?timeout=0", R"({"type":"Soft"})", 400, "timeout", "1 to 300"},
        {"POST", cmd + "Reset?timeout=301", R"({"type":"Soft"})", 400, "timeout", "1 to 300"},
        {"POST", cmd + "Reset?timeout=1.5", R"({"type":"Soft"})", 400, "timeout", "1 to 300"},
        {"POST", cmd + "Reset?timeout=%3", R"({"type":"Soft"})", 400, "timeout", "1 to 300"},
        {"POST", cmd + "Reset", "[1]", 400, "body", "must be a JSON object"},
        {"POST", cmd + "Reset", "{", 400, "body", "not valid JSON"},
        {"POST", cmd + "Reset", R"({"type":"Sometimes"})", 422, "type", "not a valid Reset request"},
        {"POST", cmd + "Reset", "{}", 422, "type", "required property \"type\" is missing"},
        {"POST", cmd + "Reset", R"({"type":"Soft","when":"now"})", 422, "when", "not allowed"},
        {"POST", cmd + "ChangeAvailability", R"({"connectorId":"1","type":"Inoperative"})", 422, "connectorId", ""},
        {"POST", cmd + "RemoteStartTransaction", R"({"idTag":")" + std::string(21, 'T') + "\"}", 422, "idTag", ""},
        {"POST", cmd + "Reset", R"({"type":"Soft"})", 409, "id", "not connected"},
        {"POST", kChargersUrl + "/NOBODY/commands/Reset", R"({"type":"Soft"})", 404, "id", "no charger"},
    };
}

std::vector<Bad> list_group_cases() {
    const std::string L = "/api/v1/local-lists", D = L + "/default";
    std::string many;
    for (int i = 0; i <= 1000; ++i) {
        many += (i > 0 ? ",\"BI-1\"" : "\"BI-1\"");
    }
    return {
        {"POST", L, "{", 400, "body", "not valid JSON"},
        {"POST", L, "{}", 422, "name", "is required"},
        {"POST", L, R"({"name":""})", 422, "name", "must not be empty"},
        {"POST", L, R"({"name":5})", 422, "name", "must be a string"},
        {"POST", L, R"({"name":")" + std::string(33, 'g') + "\"}", 422, "name", "at most 32"},
        {"POST", L, R"({"name":"a b"})", 422, "name", "may hold only"},
        {"POST", L, R"({"name":"g","idTags":"some"})", 422, "idTags", "\"all\""},
        {"POST", L, R"({"name":"g","description":")" + std::string(201, 'd') + "\"}", 422, "description",
         "at most 200"},
        {"POST", L, R"({"name":"g","colour":1})", 422, "colour", "unknown field"},
        {"POST", L, R"({"name":"default"})", 409, "name", "exists"},
        {"GET", L + "/nosuch", "", 404, "group", "no local-list group"},
        {"PATCH", D, R"({"name":"other"})", 409, "name", "keeps its name"},
        {"PATCH", L + "/nosuch", "{}", 404, "group", "no local-list group"},
        {"PATCH", D, R"({"idTags":1})", 422, "idTags", "must be a string"},
        {"PATCH", D, R"({"name":"x y"})", 422, "name", "may hold only"},
        {"DELETE", D, "", 409, "group", "every other charger"},
        {"DELETE", L + "/nosuch", "", 404, "group", "no local-list group"},
        {"POST", D + "/chargers", "{}", 422, "chargeBoxIds", "is required"},
        {"POST", D + "/chargers", R"({"chargeBoxIds":"BI-1"})", 422, "chargeBoxIds", "must be an array"},
        {"POST", D + "/chargers", R"({"chargeBoxIds":[5]})", 422, "chargeBoxIds/0", "must be a string"},
        {"POST", D + "/chargers", R"({"chargeBoxIds":["BI-1","bad id!"]})", 422, "chargeBoxIds/1", ""},
        {"POST", D + "/chargers", R"({"chargeBoxIds":["NOSUCH"]})", 422, "chargeBoxIds/0", "no charger"},
        {"POST", D + "/chargers", "{\"chargeBoxIds\":[" + many + "]}", 422, "chargeBoxIds", "at most 1000"},
        {"POST", L + "/nosuch/chargers", R"({"chargeBoxIds":["BI-1"]})", 404, "group", "no local-list group"},
        {"POST", D + "/idtags", "{}", 422, "add", "give the id tags"},
        {"POST", D + "/idtags", R"({"add":["BI-TAG","NOPE"]})", 422, "add/1", "no id tag"},
        {"POST", D + "/idtags", R"({"add":[""]})", 422, "add/0", "1 to 20"},
        {"POST", D + "/idtags", R"({"remove":[1]})", 422, "remove/0", "must be a string"},
        {"POST", D + "/idtags", R"({"add":["BI-TAG"],"x":1})", 422, "x", "unknown field"},
        {"POST", D + "/sync", R"({"chargeBoxId":"BI-1","full":1})", 422, "full", ""},
    };
}

class BadInput : public CentralSystemBinary {
protected:
    // What the API shows of everything stored, read back in one string.
    std::string snapshot() {
        std::string out;
        for (const std::string& path :
             {kChargersUrl, kChargersUrl + "/BI-1", kChargersUrl + "/BI-1/prices",
              kChargersUrl + "/BI-1/transactions?meterValues=true", std::string("/api/v1/idtags"),
              std::string("/api/v1/notifications"), std::string("/api/v1/local-lists")}) {
            const auto r = api("GET", path);
            EXPECT_EQ(r.status, 200) << path << ": " << r.body;
            out += path + " " + r.body + "\n";
        }
        return out;
    }
};

TEST_F(BadInput, EveryHandlerAnswers4xxNamingTheFieldAndNothingChanges) {
    ASSERT_EQ(api("POST", kChargersUrl,
                  R"({"chargeBoxId":"BI-1","password":"long-enough-1","provider":"acme","chargePoints":[)"
                  R"({"connectorId":1,"evseId":"DE*BIX*E1*1","powerType":"AC_3_PHASE"}]})")
                  .status,
              201);
    const auto added = api("POST", kChargersUrl + "/BI-1/prices", "{" + kPrice + R"(,"perKwh":0.3})");
    ASSERT_EQ(added.status, 201) << added.body;
    const std::string price_id = std::to_string(parse_json(added.body)["priceSet"]["id"].GetInt64());
    ASSERT_EQ(api("POST", "/api/v1/idtags", R"({"idTag":"BI-TAG","status":"Accepted"})").status, 201);
    const std::string before = snapshot();

    std::vector<Bad> cases;
    for (auto part : {charger_cases(), commission_cases(), price_cases(), other_cases(), list_group_cases()}) {
        cases.insert(cases.end(), part.begin(), part.end());
    }
    for (auto& c : cases) {
        if (const auto at = c.target.find("PRICE"); at != std::string::npos) {
            c.target.replace(at, 5, price_id);
        }
        const bool is_csv = c.target.find("/import") != std::string::npos;
        const auto r = api(c.method, c.target, c.body,
                           is_csv ? std::vector<std::string>{"Content-Type: text/csv"} : std::vector<std::string>{});
        const std::string what = c.method + " " + c.target.substr(0, 80) + " " + c.body.substr(0, 120);
        EXPECT_EQ(r.status, c.status) << what << "\n" << r.body;
        const auto body = parse_json(r.body);
        ASSERT_TRUE(body.IsObject() && body.HasMember("error") && body["error"].IsString()) << what << "\n" << r.body;
        if (c.field.empty()) {
            EXPECT_FALSE(body.HasMember("field")) << what << "\n" << r.body;
        } else {
            EXPECT_TRUE(body.HasMember("field") && body["field"] == c.field.c_str()) << what << "\n" << r.body;
        }
        EXPECT_NE(std::string(body["error"].GetString()).find(c.words), std::string::npos) << what << "\n" << r.body;
    }
    EXPECT_EQ(snapshot(), before);
    // Without the token, nothing is read or written either.
    const auto no_token = raw("POST", "/api/v1/idtags", R"({"idTag":"BI-NEW"})");
    EXPECT_EQ(no_token.status, 401);
    EXPECT_STREQ(parse_json(no_token.body)["field"].GetString(), "Authorization");
    EXPECT_EQ(snapshot(), before);
}

// Users, sign-in, the hardware catalogue and claim checks: each bad input named, nothing stored changes.
TEST_F(BadInput, UsersSignInCatalogueAndClaimsAnswer4xxNamingTheField) {
    const std::string U = "/api/v1/users";
    const std::string M = "/api/v1/hardware-models";
    const std::string user = R"({"name":"bi-user","password":"bi-password-long","role":"operator"})";
    ASSERT_EQ(api("POST", U, user).status, 201);
    const std::string cp = R"({"standard":"IEC_62196_T2","format":"SOCKET","powerType":"AC_3_PHASE","maxPowerKw":11})";
    auto stored = [&] { return api("GET", U).body + api("GET", M).body + api("GET", "/api/v1/idtags").body; };
    const std::string before = stored();
    const std::vector<Bad> cases = {
        {"POST", U, "[]", 400, "body", "must be a JSON object"},
        {"POST", U, R"({"password":"bi-password-long","role":"admin"})", 422, "name", "is required"},
        {"POST", U, R"({"name":"a b","password":"bi-password-long","role":"admin"})", 422, "name", "letters, digits"},
        {"POST", U, R"({"name":")" + std::string(65, 'n') + R"(","password":"bi-password-long","role":"admin"})", 422,
         "name", "at most 64"},
        {"POST", U, R"({"name":"bi-2","password":"short","role":"admin"})", 422, "password", "at least 12"},
        {"POST", U, R"({"name":"bi-2","password":"bi-password-long","role":"root"})", 422, "role", "one of"},
        {"POST", U, R"({"name":"bi-2","password":"bi-password-long","role":"admin","x":1})", 422, "x", "unknown"},
        {"POST", U, R"({"name":"bi-2","password":"bi-password-long","role":"admin","provider":5})", 422, "provider",
         "must be a string"},
        {"POST", U, user, 409, "name", "exists"},
        {"DELETE", U + "/nobody", "", 404, "userName", "no user"},
        {"POST", U + "/nobody/tokens", "", 404, "userName", "no user"},
        {"POST", U + "/bi-user/tokens", R"({"label":7})", 422, "label", "must be a string"},
        {"POST", "/api/v1/session", "{", 400, "body", "not valid JSON"},
        {"POST", "/api/v1/session", R"({"name":"bi-user"})", 422, "password", "is required"},
        {"POST", "/api/v1/session", R"({"name":"bi-user","password":"wrong-password"})", 401, "password", "wrong"},
        {"POST", M, "{", 400, "body", "not valid JSON"},
        {"POST", M, R"({"model":"X","connectors":[)" + cp + "]}", 422, "vendor", "is required"},
        {"POST", M, R"({"vendor":"V","model":"X"})", 422, "connectors", "1 to 16"},
        {"POST", M, R"({"vendor":"V","model":"X","connectors":[1]})", 422, "connectors/0", "object"},
        {"POST", M,
         R"({"vendor":"V","model":"X","connectors":[{"standard":"PLUG","format":"SOCKET",)"
         R"("powerType":"DC","maxPowerKw":50}]})",
         422, "connectors/0/standard", "not one of"},
        {"POST", M,
         R"({"vendor":"V","model":"X","connectors":[{"standard":"CHADEMO","format":"SOCKET",)"
         R"("powerType":"DC","maxPowerKw":0}]})",
         422, "connectors/0/maxPowerKw", ""},
        {"POST", M, R"({"vendor":"ABB","model":"Terra 184","connectors":[)" + cp + "]}", 409, "model", "ships"},
        {"POST", M, R"({"vendor":"V","model":"X","connectors":[)" + cp + R"(],"colour":"red"})", 422, "colour",
         "unknown"},
        {"GET", "/api/v1/claims/NOT-A-CODE", "", 400, "claimCode", "not a claiming code"},
    };
    for (const auto& c : cases) {
        const auto r = api(c.method, c.target, c.body);
        const std::string what = c.method + " " + c.target + " " + c.body.substr(0, 120);
        EXPECT_EQ(r.status, c.status) << what << "\n" << r.body;
        const auto body = parse_json(r.body);
        ASSERT_TRUE(body.IsObject() && body.HasMember("error") && body["error"].IsString()) << what << "\n" << r.body;
        EXPECT_TRUE(body.HasMember("field") && body["field"] == c.field.c_str()) << what << "\n" << r.body;
        EXPECT_NE(std::string(body["error"].GetString()).find(c.words), std::string::npos) << what << "\n" << r.body;
    }
    EXPECT_EQ(stored(), before);
}

} // namespace
