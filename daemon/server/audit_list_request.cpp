// AUDIT_LIST: pages of audit rows as JSON lines, each page within one frame.
// A page may be empty yet not the last: each request looks at a bounded
// range of ids (Store::list_audit), so a rare filter cannot stall the loop.
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
    std::function<Result<AuditSlice>(Store&)> list = [after = static_cast<std::int64_t>(request->after_id), filter](Store& store) {
        return store.list_audit(after, filter, kRowsPerQuery);
    };
    auto slice = co_await ctx.state.store->run(list);
    if (!slice) co_return internal_error(ctx, slice.error());
    const auto& rows = slice->rows;
    wire::AuditPage page;
    page.next_after_id = static_cast<std::uint64_t>(slice->next_after_id);
    std::size_t packed = 0;
    for (const auto& row : rows) {
        std::string line = json_line(row);
        if (page.rows.size() + line.size() > kMaxPageText) {
            // The rest comes with the next page, after the last row sent.
            if (packed > 0) page.next_after_id = static_cast<std::uint64_t>(rows[packed - 1].id);
            break;
        }
        page.rows += line;
        ++packed;
    }
    if (packed == 0 && !rows.empty()) co_return internal_error(ctx, make_error("an audit row is larger than a page"));
    co_return Outcome{wire::encode(page, ctx.request_id), {}};
}

}  // namespace mfa::daemon
