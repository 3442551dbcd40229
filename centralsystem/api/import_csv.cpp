// The checks of a CSV import file: encoding, header, every cell, duplicates within the file.
#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>
#include <optional>

#include "centralsystem/api/csv.hpp"
#include "centralsystem/api/import.hpp"
#include "ocpp/text/split.hpp"

namespace cs::api {

namespace {

enum Column { kId, kPassword, kProvider, kVendor, kModel, kConnector, kEvse, kStandard, kFormat, kPowerType, kPower };

// Byte offset of the first invalid UTF-8 sequence, or npos.
std::size_t invalid_utf8_at(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        const std::size_t n = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
        if (n == 0 || i + n > s.size() || (n == 2 && c < 0xC2)) {
            return i;
        }
        for (std::size_t k = 1; k < n; ++k) {
            if ((static_cast<unsigned char>(s[i + k]) >> 6) != 0x2) {
                return i;
            }
        }
        i += n;
    }
    return std::string_view::npos;
}

std::string trimmed(const std::string& s) {
    const auto b = s.find_first_not_of(" \t");
    return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

using ocpp::text::lower;

std::optional<int> csv_number(const std::string& s, int min, int max) {
    if (s.empty() || s.size() > 6 || !std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; })) {
        return std::nullopt;
    }
    const int v = std::atoi(s.c_str());
    return v >= min && v <= max ? std::optional<int>(v) : std::nullopt;
}

// A decimal number; a decimal comma ("22,5", as spreadsheets in many locales write it) is taken too.
std::optional<double> decimal(std::string s, double min, double max) {
    std::replace(s.begin(), s.end(), ',', '.');
    char* end = nullptr;
    const double v = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || !(v >= min && v <= max)) {
        return std::nullopt;
    }
    return v;
}

std::string column_list() {
    std::string out;
    for (const auto& c : import_columns()) {
        out += (out.empty() ? "" : ", ") + c;
    }
    return out;
}

// The charger-level columns of one charger, with the row each value came from.
struct Seen {
    std::size_t index = 0;
    std::map<int, std::pair<std::string, std::size_t>> values; // column -> (value, row)
    std::map<int, std::size_t> connectors;                     // connectorId -> row
};

} // namespace

const std::vector<std::string>& import_columns() {
    static const std::vector<std::string> columns = {"chargeBoxId", "password",    "provider",  "vendor",
                                                     "model",       "connectorId", "evseId",    "standard",
                                                     "format",      "powerType",   "maxPowerKw"};
    return columns;
}

ImportCheck parse_import(std::string_view text) {
    ImportCheck out;
    auto fail_file = [&](std::size_t row, std::string column, std::string error) {
        out.bad_file = true;
        out.result = std::vector<RowProblem>{RowProblem{row, std::move(column), std::move(error)}};
        return out;
    };
    if (const auto bad = invalid_utf8_at(text); bad != std::string_view::npos) {
        const auto row = 1 + static_cast<std::size_t>(std::count(text.begin(), text.begin() + bad, '\n'));
        return fail_file(row, "",
                         "the file is not UTF-8 text (byte " + std::to_string(bad) +
                             "); save it from the spreadsheet as \"CSV UTF-8\"");
    }
    auto parsed = csv::parse(text, kMaxImportRows + 1);
    if (auto* e = std::get_if<csv::Error>(&parsed)) {
        return fail_file(e->row, "", e->error);
    }
    auto& records = std::get<std::vector<csv::Record>>(parsed);
    if (records.empty()) {
        return fail_file(1, "", "the file is empty: the first row names the columns (" + column_list() + ")");
    }
    // Header: names as documented, in any order, case and surrounding spaces ignored.
    std::vector<int> column_of; // per field of a row: its Column, or -1
    std::map<int, std::size_t> position;
    for (const auto& raw : records[0].fields) {
        const std::string name = trimmed(raw);
        const auto& all = import_columns();
        const auto it =
            std::find_if(all.begin(), all.end(), [&](const std::string& c) { return lower(c) == lower(name); });
        if (it == all.end()) {
            return fail_file(1, name, "unknown column \"" + name + "\"; the columns are " + column_list());
        }
        const int col = static_cast<int>(it - all.begin());
        if (!position.emplace(col, column_of.size()).second) {
            return fail_file(1, *it, "column " + *it + " is named twice");
        }
        column_of.push_back(col);
    }
    if (!position.count(kId)) {
        return fail_file(1, "chargeBoxId", "the header has no chargeBoxId column; the columns are " + column_list());
    }
    if (records.size() == 1) {
        return fail_file(1, "", "the file has a header but no rows");
    }

    std::vector<RowProblem> problems;
    ImportPlan plan;
    std::map<std::string, Seen> chargers;
    std::map<std::string, std::size_t> evse_rows; // normalized EVSE ID -> row
    const auto& names = import_columns();
    for (std::size_t r = 1; r < records.size(); ++r) {
        const csv::Record& rec = records[r];
        const std::size_t row = rec.row;
        auto problem = [&](int col, std::string error) {
            problems.push_back(RowProblem{row, col < 0 ? "" : names[static_cast<std::size_t>(col)], std::move(error)});
        };
        if (rec.fields.size() > column_of.size()) {
            bool extra = false;
            for (std::size_t i = column_of.size(); i < rec.fields.size(); ++i) {
                extra = extra || !trimmed(rec.fields[i]).empty();
            }
            if (extra) {
                problem(-1, "the row has " + std::to_string(rec.fields.size()) + " fields but the header names " +
                                std::to_string(column_of.size()) + " columns");
                continue;
            }
        }
        auto cell = [&](int col) -> std::string {
            const auto it = position.find(col);
            if (it == position.end() || it->second >= rec.fields.size()) {
                return "";
            }
            return col == kPassword ? rec.fields[it->second] : trimmed(rec.fields[it->second]);
        };
        const std::size_t before = problems.size();
        const std::string id = cell(kId);
        if (id.empty()) {
            problem(kId, "chargeBoxId is empty");
            continue;
        }
        if (auto why = chargebox_id_problem("chargeBoxId", id)) {
            problem(kId, *why);
            continue;
        }
        auto [it, fresh] = chargers.try_emplace(id);
        Seen& seen = it->second;
        if (fresh) {
            seen.index = plan.chargers.size();
            NewCharger c;
            c.charger.chargebox_id = id;
            plan.chargers.push_back(std::move(c));
            plan.first_row.push_back(row);
            plan.rows.emplace_back();
        }
        NewCharger& charger = plan.chargers[seen.index];
        for (int col : {kPassword, kProvider, kVendor, kModel}) {
            const std::string v = cell(col);
            if (v.empty()) {
                continue;
            }
            const std::string& name = names[static_cast<std::size_t>(col)];
            if (col == kPassword && (v.size() < 8 || v.size() > 64)) {
                problem(col, "password must have 8 to 64 characters");
                continue;
            }
            if (v.size() > 64) {
                problem(col, name + " is longer than 64 characters");
                continue;
            }
            const auto [prev, added] = seen.values.try_emplace(col, v, row);
            if (!added && prev->second.first != v) {
                problem(col, col == kPassword
                                 ? "password differs from the one on row " + std::to_string(prev->second.second) +
                                       " for the same charger"
                                 : name + " \"" + v + "\" differs from \"" + prev->second.first + "\" on row " +
                                       std::to_string(prev->second.second) + " for the same charger");
                continue;
            }
            if (added && col == kPassword) {
                charger.password = v;
            } else if (added) {
                (col == kProvider ? charger.charger.provider
                 : col == kVendor ? charger.charger.vendor
                                  : charger.charger.model) = v;
            }
        }
        // The charge point of this row; a row without any charge point column only declares the charger.
        const std::string connector_text = cell(kConnector), evse_text = cell(kEvse);
        bool any = false;
        for (int col : {kConnector, kEvse, kStandard, kFormat, kPowerType, kPower}) {
            any = any || !cell(col).empty();
        }
        if (!any) {
            continue;
        }
        ChargePoint cp;
        const auto connector = csv_number(connector_text, 1, 100);
        if (connector_text.empty()) {
            problem(kConnector, "connectorId is empty (each row with a charge point needs one, 1 to 100)");
        } else if (!connector) {
            problem(kConnector, "connectorId \"" + connector_text + "\" is not a whole number from 1 to 100");
        } else if (const auto [prev, added] = seen.connectors.try_emplace(*connector, row); !added) {
            problem(kConnector, "connectorId " + connector_text + " of charger \"" + id + "\" is already on row " +
                                    std::to_string(prev->second));
        } else {
            cp.connector_id = *connector;
        }
        if (evse_text.empty()) {
            problem(kEvse, "evseId is empty (each charge point needs one, like DE*ABC*E123456*1)");
        } else if (!(cp.evse_id = normalize_evse_id(evse_text))) {
            problem(kEvse, "evseId \"" + evse_text +
                               "\" is not an EVSE ID like DE*ABC*E123456*1 (country, operator, 'E', then letters, "
                               "digits and '*')");
        } else if (const auto [prev, added] = evse_rows.try_emplace(*cp.evse_id, row); !added) {
            problem(kEvse, "evseId \"" + *cp.evse_id + "\" is already on row " + std::to_string(prev->second));
        }
        for (int col : {kStandard, kFormat, kPowerType}) {
            const std::string v = cell(col);
            if (v.empty()) {
                continue;
            }
            if (auto why = check_choice(names[static_cast<std::size_t>(col)], v)) {
                problem(col, *why);
            } else {
                (col == kStandard ? cp.standard : col == kFormat ? cp.format : cp.power_type) = v;
            }
        }
        if (const std::string v = cell(kPower); !v.empty()) {
            cp.max_power_kw = decimal(v, 0.1, 2000);
            if (!cp.max_power_kw) {
                problem(kPower, "maxPowerKw \"" + v + "\" is not a number from 0.1 to 2000");
            }
        }
        if (charger.charger.charge_points.size() >= 64) {
            problem(kConnector, "charger \"" + id + "\" has more than 64 charge points");
        }
        if (problems.size() == before) {
            charger.charger.charge_points.push_back(std::move(cp));
            plan.rows[seen.index].push_back(row);
            ++plan.charge_points;
        }
    }
    if (!problems.empty()) {
        out.result = std::move(problems);
    } else {
        out.result = std::move(plan);
    }
    return out;
}

} // namespace cs::api
