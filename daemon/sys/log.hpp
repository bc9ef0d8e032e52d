// Structured logging: the journal when journald is there, otherwise one line
// per event on stderr. Callers never pass codes, secrets or contact details.
#pragma once

#include <initializer_list>
#include <string>
#include <string_view>

#include "mfa/result.hpp"

namespace mfa::daemon::log {

enum class Level { error = 3, warning = 4, notice = 5, info = 6, debug = 7 };

struct Field {
    std::string_view name;  // journal field name, e.g. "MFA_PEER_UID"
    std::string value;
};

// Picks the journal if its socket exists; MFAD_LOG=stderr forces stderr.
// `identifier`: the program's name in each line (SYSLOG_IDENTIFIER).
void init(std::string_view identifier = "mfad");

void write(Level level, std::string_view message, std::initializer_list<Field> fields = {});

inline void error(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::error, m, f); }
inline void warning(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::warning, m, f); }
inline void notice(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::notice, m, f); }
inline void info(std::string_view m, std::initializer_list<Field> f = {}) { write(Level::info, m, f); }

// What a caller met, with its reason, unless that was logged already: a store
// outage is one line, not one per login.
inline void failure(std::string_view m, const Error& e) {
    if (!e.outage) error(m, {{"MFA_REASON", e.message}});
}
inline void failure(std::string_view m, const Error& e, Field extra) {
    if (!e.outage) error(m, {std::move(extra), {"MFA_REASON", e.message}});
}

}  // namespace mfa::daemon::log
