// POST /api/v1/chargers/import: creates many chargers from one CSV file, all or nothing. The file is checked on the
// loop (cheap), the passwords are hashed on the background thread (about 10 ms each), and the clashes with stored
// chargers are checked and every charger inserted in one store job, so one transaction.
#include <algorithm>

#include "centralsystem/api/import.hpp"
#include "store/password.hpp"

namespace cs::api {

namespace {

bool csv_content_type(std::string_view type) {
    const std::string_view media = type.substr(0, type.find(';'));
    for (std::string_view ok : {"", "text/csv", "application/csv", "text/plain"}) {
        if (media == ok) {
            return true;
        }
    }
    return false;
}

HttpResponse problems_response(int status, std::vector<RowProblem> problems) {
    std::sort(problems.begin(), problems.end(), [](const RowProblem& a, const RowProblem& b) { return a.row < b.row; });
    const std::size_t n = problems.size();
    return json_response(status, json_object([&](Writer& w) {
                             member(w, "error",
                                    std::to_string(n) + (n == 1 ? " problem" : " problems") +
                                        " in the CSV file; nothing was imported");
                             member(w, "field", "body");
                             w.Key("errorCount");
                             w.Uint64(n);
                             w.Key("errors");
                             w.StartArray();
                             for (std::size_t i = 0; i < n && i < kMaxImportProblems; ++i) {
                                 w.StartObject();
                                 w.Key("row");
                                 w.Uint64(problems[i].row);
                                 member(w, "column", problems[i].column);
                                 member(w, "error", problems[i].error);
                                 w.EndObject();
                             }
                             w.EndArray();
                         }));
}

// The file is fine; now against the store, in one job: clashes are problems (409), else every charger is inserted.
void store_import(CentralSystem& cs, std::shared_ptr<const ImportPlan> plan, bool dry_run, Respond respond) {
    cs.store<std::vector<RowProblem>>(
        [plan, dry_run](store::Connection& db) -> ocpp::Result<std::vector<RowProblem>> {
            std::vector<Charger> chargers;
            chargers.reserve(plan->chargers.size());
            for (const auto& c : plan->chargers) {
                chargers.push_back(c.charger);
            }
            auto clashes = db::import_chargers(db, chargers, dry_run);
            if (!clashes) {
                return clashes.error();
            }
            std::vector<RowProblem> problems;
            for (const auto& clash : *clashes) {
                problems.push_back(
                    clash.charge_point
                        ? RowProblem{plan->rows[clash.charger][*clash.charge_point], "evseId", clash.error}
                        : RowProblem{plan->first_row[clash.charger], "chargeBoxId", clash.error});
            }
            return problems;
        },
        [&cs, plan, dry_run, respond](ocpp::Result<std::vector<RowProblem>> r) {
            if (!r) {
                return respond(store_failed(cs, r.error()));
            }
            if (!r->empty()) {
                return respond(problems_response(409, std::move(*r)));
            }
            if (!dry_run) {
                for (const auto& c : plan->chargers) {
                    cs.put_credentials(c.charger.chargebox_id, Credentials{c.charger.password_hash,
                                                                           charger_status_of(c.charger.status), false});
                }
                cs.log().info("api", "imported " + std::to_string(plan->chargers.size()) + " chargers with " +
                                         std::to_string(plan->charge_points) + " charge points from CSV");
            }
            respond(json_response(dry_run ? 200 : 201, json_object([&](Writer& w) {
                                      w.Key("dryRun");
                                      w.Bool(dry_run);
                                      w.Key("chargers");
                                      w.Uint64(plan->chargers.size());
                                      w.Key("chargePoints");
                                      w.Uint64(plan->charge_points);
                                      w.Key("chargeBoxIds");
                                      w.StartArray();
                                      for (const auto& c : plan->chargers) {
                                          w.String(c.charger.chargebox_id.c_str());
                                      }
                                      w.EndArray();
                                  })));
        });
}

} // namespace

void import_chargers(CentralSystem& cs, const HttpRequest& req, Respond respond) {
    if (!csv_content_type(req.header("content-type"))) {
        return respond(json_error(415, "send the file as Content-Type: text/csv (UTF-8)", "Content-Type"));
    }
    if (req.body.size() > kMaxImportBody) {
        return respond(json_error(413, "the file exceeds " + std::to_string(kMaxImportBody) + " bytes", "body"));
    }
    const std::string dry = query_param(req.query, "dryRun");
    if (dry != "" && dry != "true" && dry != "false") {
        return respond(json_error(400, "dryRun takes true or false", "dryRun"));
    }
    const bool dry_run = dry == "true";
    ImportCheck check = parse_import(req.body);
    if (auto* problems = std::get_if<std::vector<RowProblem>>(&check.result)) {
        return respond(problems_response(check.bad_file ? 400 : 422, std::move(*problems)));
    }
    auto plan = std::make_shared<ImportPlan>(std::move(std::get<ImportPlan>(check.result)));
    const std::string now = cs.now_text();
    for (auto& c : plan->chargers) {
        c.charger.created_at = now;
    }
    if (dry_run) {
        return store_import(cs, std::move(plan), true, std::move(respond));
    }
    // Hashing thousands of passwords takes seconds: not on the loop, not on the store worker.
    const bool queued = cs.background().submit<std::shared_ptr<ImportPlan>>(
        [plan](const std::atomic<bool>& stop) {
            for (auto& c : plan->chargers) {
                if (stop) {
                    break;
                }
                if (c.password) {
                    c.charger.password_hash = store::hash_password(*c.password);
                }
            }
            return plan;
        },
        cs.loop(),
        [&cs, respond](std::shared_ptr<ImportPlan> hashed) { store_import(cs, std::move(hashed), false, respond); });
    if (!queued) {
        respond(json_error(503, "other imports are still running; try again in a moment"));
    }
}

} // namespace cs::api
