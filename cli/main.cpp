// mfactl: enrollment and administration. Exit codes: 0 ok, 1 refused or failed, 2 usage.
#include <CLI/CLI.hpp>

#include <iostream>

#include "daemon_connection.hpp"
#include "ping_command.hpp"

int main(int argc, char** argv) {
    using namespace mfa::cli;
    CLI::App app{"mfactl: enroll and administer second factors through mfad", "mfactl"};
    app.require_subcommand(1);
    GlobalOptions options;
    app.add_option("--socket", options.socket, "mfad's socket")->capture_default_str();
    app.add_flag("--json", options.json, "print one JSON object, for scripts");
    auto* ping = app.add_subcommand("ping", "check that mfad answers; print its version and the round trip");

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }

    CommandResult result = mfa::make_error("no command");
    if (*ping) result = run_ping(options);
    if (!result) {
        std::cerr << "mfactl: " << result.error().message << "\n";
        return 1;
    }
    if (options.json)
        std::cout << result->json.dump() << "\n";
    else
        std::cout << result->text;
    return 0;
}
