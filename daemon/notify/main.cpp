// mfad-notify: sends what mfad asks it to (SMS now), with the network and
// without mfad's key or store. See DESIGN.md "Out-of-band messages".
#include <CLI/CLI.hpp>

#include <iostream>

#include "mfa/version.hpp"
#include "notify/notify_app.hpp"

int main(int argc, char** argv) {
    CLI::App app{"mfad-notify: the sender of mfad's text messages", "mfad-notify"};
    std::string config_path = "/etc/mfad/mfad.yaml";
    bool check_config = false;
    bool version = false;
    app.add_option("--config", config_path, "configuration file (its notify and sms sections)")->capture_default_str();
    app.add_flag("--check-config", check_config, "check the configuration and the provider's setup, print ok or the error");
    app.add_flag("--version", version, "print the version and exit");
    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        app.exit(e);
        return 2;
    }
    if (version) {
        std::cout << "mfad-notify " << mfa::kVersion << "\n";
        return 0;
    }
    return mfa::notify::run_notify(config_path, check_config);
}
