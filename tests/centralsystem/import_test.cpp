// The CSV reader and the checks of a charger import file, without a server: quoting, CRLF, BOM, separators, and
// every problem named with its row and column.
#include <gtest/gtest.h>

#include "centralsystem/api/csv.hpp"
#include "centralsystem/api/import.hpp"

namespace {

using cs::api::ImportPlan;
using cs::api::parse_import;
using cs::api::RowProblem;

std::vector<cs::csv::Record> records(std::string_view text) {
    auto r = cs::csv::parse(text, 100);
    EXPECT_TRUE(std::holds_alternative<std::vector<cs::csv::Record>>(r));
    return std::get<std::vector<cs::csv::Record>>(r);
}

std::vector<RowProblem> problems(std::string_view text) {
    auto check = parse_import(text);
    EXPECT_TRUE(std::holds_alternative<std::vector<RowProblem>>(check.result)) << text;
    return std::holds_alternative<std::vector<RowProblem>>(check.result)
               ? std::get<std::vector<RowProblem>>(check.result)
               : std::vector<RowProblem>{};
}

const char* kHeader = "chargeBoxId,password,provider,vendor,model,connectorId,evseId,standard,format,powerType,"
                      "maxPowerKw\n";

TEST(Csv, QuotedFieldsHoldSeparatorsQuotesAndLineBreaks) {
    const auto r = records("a,\"b,1\",\"say \"\"hi\"\"\"\r\n\"two\r\nlines\",x,\n");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].fields, (std::vector<std::string>{"a", "b,1", "say \"hi\""}));
    EXPECT_EQ(r[1].fields, (std::vector<std::string>{"two\r\nlines", "x", ""}));
    EXPECT_EQ(r[1].row, 2u); // a line break inside quotes stays in its spreadsheet row
}

TEST(Csv, ByteOrderMarkSemicolonsBlankLinesAndNoFinalNewline) {
    const auto r = records("\xEF\xBB\xBF"
                           "id;name\n\n;;\nCB-1;x");
    ASSERT_EQ(r.size(), 2u);
    EXPECT_EQ(r[0].fields[0], "id");
    EXPECT_EQ(r[1].fields, (std::vector<std::string>{"CB-1", "x"}));
    EXPECT_EQ(r[1].row, 4u); // rows 2 (blank) and 3 (empty fields) are skipped but counted
}

TEST(Csv, BrokenQuotingNamesTheRow) {
    auto r = cs::csv::parse("a,b\nc,\"open\nd,e\n", 10);
    ASSERT_TRUE(std::holds_alternative<cs::csv::Error>(r));
    EXPECT_EQ(std::get<cs::csv::Error>(r).row, 2u);
    r = cs::csv::parse("a,b\nc,d\"e\n", 10);
    ASSERT_TRUE(std::holds_alternative<cs::csv::Error>(r));
    EXPECT_EQ(std::get<cs::csv::Error>(r).row, 2u);
    r = cs::csv::parse("a,\"b\"c\n", 10);
    ASSERT_TRUE(std::holds_alternative<cs::csv::Error>(r));
}

TEST(ImportFile, RowsOfOneChargerBecomeItsChargePoints) {
    const std::string text = std::string(kHeader) +
                             "CB-1,secret-pw-1,acme,KEBA,P30,1,DE*ABC*E0001*1,IEC_62196_T2,SOCKET,AC_3_PHASE,22\n"
                             "CB-1,,,,,2,de*abc*e0001*2,IEC_62196_T2,CABLE,AC_3_PHASE,\"11,5\"\n"
                             "CB-2,secret-pw-2,acme,ABB,Terra,,,,,,\n";
    auto check = parse_import(text);
    ASSERT_TRUE(std::holds_alternative<ImportPlan>(check.result));
    const auto& plan = std::get<ImportPlan>(check.result);
    ASSERT_EQ(plan.chargers.size(), 2u);
    EXPECT_EQ(plan.charge_points, 2u);
    const auto& c1 = plan.chargers[0];
    EXPECT_EQ(c1.charger.chargebox_id, "CB-1");
    EXPECT_EQ(c1.password.value_or(""), "secret-pw-1");
    EXPECT_EQ(c1.charger.vendor, "KEBA");
    ASSERT_EQ(c1.charger.charge_points.size(), 2u);
    EXPECT_EQ(*c1.charger.charge_points[1].evse_id, "DE*ABC*E0001*2"); // upper-cased as for single creation
    EXPECT_DOUBLE_EQ(*c1.charger.charge_points[1].max_power_kw, 11.5);
    EXPECT_EQ(plan.rows[0], (std::vector<std::size_t>{2, 3}));
    EXPECT_TRUE(plan.chargers[1].charger.charge_points.empty());
}

TEST(ImportFile, ColumnsInAnyOrderAndCase) {
    auto check = parse_import("EVSEID; ChargeBoxId ;connectorid\r\nDE*ABC*E1*1;CB-9;1\r\n");
    ASSERT_TRUE(std::holds_alternative<ImportPlan>(check.result));
    EXPECT_EQ(std::get<ImportPlan>(check.result).chargers[0].charger.chargebox_id, "CB-9");
}

TEST(ImportFile, EveryCellProblemIsNamedWithRowAndColumn) {
    const std::string text = std::string(kHeader) +
                             "CB 1,secret-pw-1,,,,1,DE*ABC*E1*1,,,,\n"        // row 2: bad id
                             "CB-2,short,,,,0,NOT-AN-EVSE,IEC_X,PLUG,AC,-3\n" // row 3: six problems
                             "CB-3,secret-pw-3,,,,1,DE*ABC*E3*1,,,,\n"        // row 4: fine
                             "CB-3,other-pw-33,,,,1,DE*ABC*E3*1,,,,\n"        // row 5: three duplicates
                             ",secret-pw-4,,,,1,DE*ABC*E4*1,,,,\n"            // row 6: no id
                             "CB-5,secret-pw-5,,,,1,DE*ABC*E5*1,,,,,extra\n"; // row 7: too many fields
    const auto p = problems(text);
    auto has = [&](std::size_t row, const std::string& column, const std::string& words) {
        for (const auto& x : p) {
            if (x.row == row && x.column == column && x.error.find(words) != std::string::npos) {
                return true;
            }
        }
        return false;
    };
    EXPECT_TRUE(has(2, "chargeBoxId", "may hold only"));
    EXPECT_TRUE(has(3, "password", "8 to 64"));
    EXPECT_TRUE(has(3, "connectorId", "\"0\" is not a whole number"));
    EXPECT_TRUE(has(3, "evseId", "is not an EVSE ID"));
    EXPECT_TRUE(has(3, "standard", "\"IEC_X\" is not one of"));
    EXPECT_TRUE(has(3, "format", "\"PLUG\" is not one of"));
    EXPECT_TRUE(has(3, "powerType", "\"AC\" is not one of"));
    EXPECT_TRUE(has(3, "maxPowerKw", "\"-3\""));
    EXPECT_TRUE(has(5, "password", "differs from the one on row 4"));
    EXPECT_TRUE(has(5, "connectorId", "already on row 4"));
    EXPECT_TRUE(has(5, "evseId", "already on row 4"));
    EXPECT_TRUE(has(6, "chargeBoxId", "empty"));
    EXPECT_TRUE(has(7, "", "12 fields but the header names 11"));
    EXPECT_EQ(p.size(), 13u);
    for (const auto& x : p) {
        EXPECT_EQ(x.error.find("other-pw-33"), std::string::npos) << "passwords never appear in errors";
    }
}

TEST(ImportFile, FileLevelProblemsAreBadFiles) {
    for (const std::string text : {"", "chargeBoxId,colour\nCB-1,red\n", "password\nsecret-pw-1\n",
                                   "chargeBoxId,chargeboxid\nA,B\n", "chargeBoxId\n", "chargeBoxId\nCB-\xff\n"}) {
        auto check = parse_import(text);
        EXPECT_TRUE(check.bad_file) << text;
        ASSERT_TRUE(std::holds_alternative<std::vector<RowProblem>>(check.result)) << text;
        EXPECT_EQ(std::get<std::vector<RowProblem>>(check.result).size(), 1u) << text;
    }
    const auto p = problems("chargeBoxId,colour\nCB-1,red\n");
    EXPECT_EQ(p[0].column, "colour");
    EXPECT_NE(p[0].error.find("unknown column"), std::string::npos);
    EXPECT_EQ(problems("chargeBoxId\nCB-1\nCB-\xff\n")[0].row, 3u);
}

} // namespace
