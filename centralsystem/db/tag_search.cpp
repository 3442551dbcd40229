// The id-tag registry searched and paged (tag_search.hpp).
#include "centralsystem/db/tag_search.hpp"

namespace cs::db {

namespace {

// A LIKE pattern matching `text` anywhere, lower-cased, with the wildcards in it escaped by '!'.
std::string contains(std::string_view text) {
    std::string out = "%";
    for (char c : text) {
        if (c == '%' || c == '_' || c == '!') {
            out += '!';
        }
        out += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
    }
    return out + "%";
}

// Only the filters given (an empty search reads no text of any row; a status alone uses its index).
std::string where(const TagQuery& query) {
    std::string out = " WHERE ?1 = ?1 AND ?2 = ?2 AND ?3 = ?3";
    if (!query.q.empty()) {
        out += " AND (lower(id_tag) LIKE ?2 ESCAPE '!' OR lower(coalesce(parent_id_tag, '')) LIKE ?2 ESCAPE '!')";
    }
    if (!query.status.empty()) {
        out += " AND status = ?3";
    }
    return out;
}

} // namespace

Result<TagPage> search_id_tags(Connection& db, const TagQuery& query) {
    TagPage page;
    const std::string pattern = contains(query.q);
    auto total = db.first([](const store::Statement& s) { return s.int64(0); },
                          "SELECT count(*) FROM id_tags" + where(query), query.q, pattern, query.status);
    if (!total) {
        return total.error();
    }
    page.total = total->value_or(0);
    auto tags = db.all(
        [](const store::Statement& s) {
            return IdTag{s.text(0), s.text(1), s.opt_text(2), s.opt_text(3)};
        },
        "SELECT id_tag, status, expiry_date, parent_id_tag FROM id_tags" + where(query) +
            " ORDER BY id_tag LIMIT ?4 OFFSET ?5",
        query.q, pattern, query.status, std::int64_t{query.limit}, query.offset);
    if (!tags) {
        return tags.error();
    }
    page.tags = std::move(*tags);
    return page;
}

} // namespace cs::db
