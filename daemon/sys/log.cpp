#include "sys/log.hpp"

#include <sys/uio.h>
#include <systemd/sd-journal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "mfa/utf8.hpp"

namespace mfa::daemon::log {
namespace {

bool use_journal = false;
std::string program = "mfad";

std::string_view level_name(Level level) {
    switch (level) {
        case Level::error: return "error";
        case Level::warning: return "warning";
        case Level::notice: return "notice";
        case Level::info: return "info";
        case Level::debug: return "debug";
    }
    return "info";
}

bool write_journal(Level level, std::string_view message, std::initializer_list<Field> fields) {
    std::vector<std::string> entries;
    entries.reserve(fields.size() + 3);
    // Escaped as on stderr: a name with ESC or a newline must not reach an admin's terminal through journalctl.
    entries.push_back("MESSAGE=" + printable(message));
    entries.push_back("PRIORITY=" + std::to_string(static_cast<int>(level)));
    entries.push_back("SYSLOG_IDENTIFIER=" + program);
    for (const auto& f : fields) entries.push_back(std::string(f.name) + "=" + printable(f.value));
    std::vector<iovec> iov;
    iov.reserve(entries.size());
    for (auto& e : entries) iov.push_back(iovec{e.data(), e.size()});
    return sd_journal_sendv(iov.data(), static_cast<int>(iov.size())) == 0;
}

void write_stderr(Level level, std::string_view message, std::initializer_list<Field> fields) {
    // Neither daemon forks (mfad-notify's children exec at once), so the pid stays right.
    static const std::string prefix = program + "[" + std::to_string(getpid()) + "]: ";
    std::string line = prefix + std::string(level_name(level)) + ": " + printable(message);
    for (const auto& f : fields) line += " " + std::string(f.name) + "=" + printable(f.value);
    line += "\n";
    fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace

void init(std::string_view identifier) {
    program = std::string(identifier);
    const char* forced = std::getenv("MFAD_LOG");
    bool want_stderr = forced != nullptr && std::string_view(forced) == "stderr";
    use_journal = !want_stderr && access("/run/systemd/journal/socket", W_OK) == 0;
}

void write(Level level, std::string_view message, std::initializer_list<Field> fields) {
    if (use_journal && write_journal(level, message, fields)) return;
    write_stderr(level, message, fields);
}

}  // namespace mfa::daemon::log
