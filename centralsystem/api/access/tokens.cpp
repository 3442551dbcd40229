// /api/v1/users/{userName}/tokens (admin): issue a user's API token (shown once, stored as its SHA-256 only), list
// the user's tokens by id and label, revoke one. A revoked token is refused from the next request on: tokens are
// looked up in the store on every request, never cached.
#include "centralsystem/api/access/access.hpp"
#include "centralsystem/api/routes.hpp"
#include "centralsystem/db/users.hpp"
#include "centralsystem/files/file_store.hpp"

namespace cs::api {

namespace {

// Tokens one user may hold: a leaked admin session cannot grow the table without bound.
constexpr std::int64_t kMaxTokensPerUser = 100;

HttpResponse no_user(const std::string& name) {
    return json_error(404, "no user \"" + name + "\"", "userName");
}

} // namespace

void create_user_token(Access& access, const std::string& name, const HttpRequest& req, Respond respond) {
    rapidjson::Document doc;
    if (req.body.find_first_not_of(" \t\r\n") == std::string::npos) {
        doc.SetObject(); // no body: a token without a label
    } else if (auto bad = parse_object(req, doc)) {
        return respond(std::move(*bad));
    }
    ObjectReader r(doc, "");
    std::optional<std::string> label;
    if (!r.text("label", label, false, 64) || !r.no_unknown_members()) {
        return respond(r.problem()->response());
    }
    const std::string token = random_token();
    if (token.empty()) {
        return respond(json_error(503, "no random bytes for a token"));
    }
    enum class Added { Yes, NoUser, Full };
    const std::string hash = sha256_hex(token);
    access.cs().store<Added>(
        [name, hash, label = label.value_or(""),
         now = access.cs().now_text()](store::Connection& db) -> ocpp::Result<Added> {
            auto user = db::find_user(db, name);
            if (!user) {
                return user.error();
            }
            if (!*user) {
                return Added::NoUser;
            }
            auto held = db::count_user_tokens(db, name);
            if (!held) {
                return held.error();
            }
            if (*held >= kMaxTokensPerUser) {
                return Added::Full;
            }
            if (auto added = db::add_user_token(db, name, hash, label, now); !added) {
                return added.error();
            }
            return Added::Yes;
        },
        [name, token, hash, label = label.value_or(""), respond](ocpp::Result<Added> added) {
            if (!added) {
                return respond(db_failed(added.error()));
            }
            if (*added == Added::NoUser) {
                return respond(no_user(name));
            }
            if (*added == Added::Full) {
                return respond(json_error(409,
                                          "user \"" + name + "\" holds " + std::to_string(kMaxTokensPerUser) +
                                              " tokens already: revoke one first",
                                          "userName"));
            }
            HttpResponse resp = json_response(201, json_object([&](Writer& w) {
                                                  member(w, "userName", name);
                                                  member(w, "id", hash.substr(0, 16));
                                                  member(w, "label", label);
                                                  member(w, "token", token); // shown once; only its hash is kept
                                              }));
            resp.headers.emplace_back("Cache-Control", "no-store");
            respond(std::move(resp));
        });
}

void list_user_tokens(Access& access, const std::string& name, Respond respond) {
    struct Listed {
        bool user = false;
        std::vector<db::TokenRow> tokens;
    };
    access.cs().store<Listed>(
        [name](store::Connection& db) -> ocpp::Result<Listed> {
            auto user = db::find_user(db, name);
            if (!user) {
                return user.error();
            }
            if (!*user) {
                return Listed{};
            }
            auto tokens = db::list_user_tokens(db, name);
            if (!tokens) {
                return tokens.error();
            }
            return Listed{true, std::move(*tokens)};
        },
        [name, respond](ocpp::Result<Listed> listed) {
            if (!listed) {
                return respond(db_failed(listed.error()));
            }
            if (!listed->user) {
                return respond(no_user(name));
            }
            respond(json_response(200, json_object([&](Writer& w) {
                                      member(w, "userName", name);
                                      w.Key("tokens");
                                      w.StartArray();
                                      for (const auto& t : listed->tokens) {
                                          w.StartObject();
                                          member(w, "id", t.id);
                                          member(w, "label", t.label);
                                          member(w, "createdAt", t.created_at);
                                          w.EndObject();
                                      }
                                      w.EndArray();
                                      w.Key("count");
                                      w.Uint64(listed->tokens.size());
                                  })));
        });
}

void revoke_user_token(Access& access, const std::string& name, const std::string& id, Respond respond) {
    const bool well_formed = id.size() == 16 && id.find_first_not_of("0123456789abcdef") == std::string::npos;
    if (!well_formed) {
        return respond(
            json_error(404, "no token \"" + id.substr(0, 32) + "\": a token id has 16 hex digits", "tokenId"));
    }
    access.cs().store<bool>([name, id](store::Connection& db) { return db::delete_user_token(db, name, id); },
                            [self = access.shared_from_this(), name, id, respond](ocpp::Result<bool> deleted) {
                                if (!deleted) {
                                    return respond(db_failed(deleted.error()));
                                }
                                if (!*deleted) {
                                    return respond(
                                        json_error(404, "user \"" + name + "\" has no token " + id, "tokenId"));
                                }
                                self->cs().log().info("api", "API token " + id + " of user \"" + name + "\" revoked");
                                HttpResponse done;
                                done.status = 204;
                                respond(std::move(done));
                            });
}

} // namespace cs::api
