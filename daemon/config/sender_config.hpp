// The sections mfad-notify reads too: notify, sms, push and email.
#pragma once

#include "config/config.hpp"
#include "config/config_reader.hpp"

namespace mfa::daemon::config {

void read_notify(const Reader& r, const YAML::Node& n, Config::Notify& out);
void read_sms(const Reader& r, const YAML::Node& n, Config::Sms& out);
void read_push(const Reader& r, const YAML::Node& n, Config::Push& out);
void read_email(const Reader& r, const YAML::Node& n, Config::Email& out);

}  // namespace mfa::daemon::config
