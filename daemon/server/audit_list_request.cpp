// AUDIT_LIST: pages of audit rows as JSON lines, each page within one frame.
#include <nlohmann/json.hpp>

#include "mfa/wire/admin_messages.hpp"
#include "server/request_handler.hpp"

namespace mfa::daemon {
namespace {

constexpr int kRowsPerQuery = 32;
// Room for the page's other field and TLV headers within the 4 KiB cap.
constexpr std::size_t kMaxPageText = wire::kMaxPayload - 64;

std::string json_line(const AuditRow& row) {
    nlohmann::json j = {{"id", row.id},
                        {"time", row.time},
                        {"event", row.entry.event},
                        {"user", row.entry.user},
                        {"result", row.entry.result},
                        {"service", row.entry.service},
                        {"rhost", row.entry.rhost},
                        {"peer_uid", row.entry.peer_uid},
                        {"detail", row.entry.detail}};
    // Replace, not throw, on bytes that are not UTF-8: the table is data, not ours to trust.
    return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

}  // namespace

Awaitable<Outcome> handle_audit_list(const RequestContext& ctx, const wire::PayloadReader& payload) {
    auto request = wire::decode_audit_list(payload);
    if (!request)
        co_return Outcome{ctx.error(wire::ErrorCode::malformed, request.error().message), request.error().message};
    if (auto refused = co_await refuse_non_admin(ctx, "", "audit_list")) co_return std::move(*refused);

    AuditFilter filter{request->user, static_cast<std::int64_t>(request->since), request->event};
    auto rows = ctx.state.store->list_audit(static_cast<std::int64_t>(request->after_id), filter, kRowsPerQuery);
    if (!rows) co_return internal_error(ctx, rows.error());
    wire::AuditPage page;
    std::size_t packed = 0;
    for (const auto& row : *rows) {
        std::string line = json_line(row);
        if (page.rows.size() + line.size() > kMaxPageText) break;
        page.rows += line;
        page.next_after_id = static_cast<std::uint64_t>(row.id);
        ++packed;
    }
    if (packed == 0 && !rows->empty()) co_return internal_error(ctx, make_error("an audit row is larger than a page"));
    // All that matched fitted, and the query was not cut short: this is the last page.
    if (packed == rows->size() && rows->size() < static_cast<std::size_t>(kRowsPerQuery)) page.next_after_id = 0;
    co_return Outcome{wire::encode(page, ctx.request_id), {}};
}

}  // namespace mfa::daemon
