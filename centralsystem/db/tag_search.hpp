#pragma once
// The id-tag registry searched and paged, for the portal's id-tag screen (GET /api/v1/idtags?q=&status=&offset=).
#include <cstdint>
#include <string>
#include <vector>

#include "centralsystem/db/queries.hpp"

namespace cs::db {

struct TagQuery {
    std::string q;      // substring of the id tag or its parent, case-insensitive ("" = any)
    std::string status; // Accepted | Blocked | Expired | Invalid as stored ("" = any)
    std::int64_t offset = 0;
    int limit = 10000;
};
struct TagPage {
    std::vector<IdTag> tags; // ordered by id tag
    std::int64_t total = 0;  // how many match in all
};
Result<TagPage> search_id_tags(Connection& db, const TagQuery& query);

} // namespace cs::db
