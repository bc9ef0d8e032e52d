// mfad: the second-factor daemon. See DESIGN.md "Commands users type".
#include <CLI/CLI.hpp>

#include <iostream>

#include "config/config_loader.hpp"
#include "crypto/master_key.hpp"
#include "daemon_app.hpp"
#include "mfa/version.hpp"

int main(int argc, char** argv) {
    CLI::App app{"mfad: second-factor authentication daemon", "mfad"};
    std::string config_path = "/etc/mfad/mfad.yaml";
    std::string key_path;
    bool check_config = false;
    bool version = false;
    app.add_option("--config", config_path, "configuration file")->capture_default_str();
    app.add_flag("--check-config", check_config, "check the configuration, print ok or the error, and exit");
    app.add_option("--generate-key", key_path, "write a new 32-byte key to FILE (mode 0600) and exit")
        ->type_name("FILE");
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
        std::cout << "mfad " << mfa::kVersion << "\n";
        return 0;
    }
    if (!key_path.empty()) {
        auto written = mfa::daemon::generate_key_file(key_path);
        if (!written) {
            std::cerr << "mfad: " << written.error().message << "\n";
            return 1;
        }
        std::cout << "wrote a new key to " << key_path << "\n";
        return 0;
    }
    if (check_config) {
        auto config = mfa::daemon::load_config(config_path);
        if (!config) {
            std::cerr << config.error().message << "\n";
            return 1;
        }
        std::cout << "ok\n";
        return 0;
    }
    return mfa::daemon::run_daemon(config_path);
}
