// The node_exporter textfile: replaced whole, so a scrape never reads half a file.
#pragma once

#include <string>

#include "mfa/result.hpp"

namespace mfa::daemon {

// Writes `content` to a temporary file beside `path` (mode 0644: the
// exporter runs as another user, and the content names nobody), then
// renames it over `path`. On any error the temporary file is removed.
Result<void> replace_textfile(const std::string& path, const std::string& content);

}  // namespace mfa::daemon
