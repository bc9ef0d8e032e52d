// The YAML reader every section of the config shares: known keys only, typed
// values with their bounds, and an error naming the file, line and key.
#pragma once

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <set>
#include <string>
#include <vector>

#include "mfa/duration.hpp"

namespace mfa::daemon::config {

// Thrown inside the loader only; load_config turns it into a value.
struct ConfigError {
    std::string message;
};

class Reader {
public:
    explicit Reader(std::string file) : file_(std::move(file)) {}

    [[noreturn]] void fail(const YAML::Node& node, const std::string& path, const std::string& reason) const {
        throw ConfigError{file_ + ":" + std::to_string(node.Mark().line + 1) + ": " + path + ": " + reason};
    }

    // A mapping whose keys are all known and none repeated.
    void only_keys(const YAML::Node& map, const std::string& path,
                   std::initializer_list<std::string_view> keys) const {
        if (!map.IsMap()) fail(map, path, "must be a mapping");
        std::set<std::string> seen;
        for (const auto& pair : map) {
            const auto& key = pair.first;
            std::string name = key.IsScalar() ? key.Scalar() : std::string();
            std::string where = path.empty() ? name : path + "." + name;
            if (std::find(keys.begin(), keys.end(), name) == keys.end()) fail(key, where, "unknown key");
            if (!seen.insert(name).second) fail(key, where, "repeated key");
        }
    }

    std::string text(const YAML::Node& node, const std::string& path) const {
        if (!node.IsScalar()) fail(node, path, "must be a single value");
        return node.Scalar();
    }

    int integer(const YAML::Node& node, const std::string& path, int low, int high) const {
        std::string value = text(node, path);
        int n = 0;
        auto [end, ec] = std::from_chars(value.data(), value.data() + value.size(), n);
        if (ec != std::errc{} || end != value.data() + value.size())
            fail(node, path, "must be a whole number (got \"" + value + "\")");
        if (n < low || n > high)
            fail(node, path, "must be between " + std::to_string(low) + " and " + std::to_string(high) +
                                 " (got " + value + ")");
        return n;
    }

    Seconds duration(const YAML::Node& node, const std::string& path, Seconds low, Seconds high) const {
        std::string value = text(node, path);
        auto d = parse_duration(value);
        if (!d) fail(node, path, "must be a duration like 30s, 5m or 1h (got \"" + value + "\")");
        if (*d < low || *d > high)
            fail(node, path, "must be between " + format_duration(low) + " and " + format_duration(high) +
                                 " (got " + value + ")");
        return *d;
    }

    std::string absolute_path(const YAML::Node& node, const std::string& path) const {
        std::string value = text(node, path);
        if (value.empty() || value.front() != '/') fail(node, path, "must be an absolute path");
        if (value.find('\0') != std::string::npos) fail(node, path, "must not contain NUL");
        return value;
    }

    template <class Enum>
    Enum choice(const YAML::Node& node, const std::string& path,
                std::initializer_list<std::pair<std::string_view, Enum>> options) const {
        std::string value = text(node, path);
        std::string names;
        for (const auto& [name, e] : options) {
            if (value == name) return e;
            names += names.empty() ? std::string(name) : " | " + std::string(name);
        }
        fail(node, path, "must be one of " + names + " (got \"" + value + "\")");
    }

    std::vector<std::string> string_list(const YAML::Node& node, const std::string& path) const {
        if (!node.IsSequence() || node.size() == 0) fail(node, path, "must be a non-empty list");
        std::vector<std::string> out;
        for (std::size_t i = 0; i < node.size(); ++i)
            out.push_back(text(node[i], path + "[" + std::to_string(i) + "]"));
        return out;
    }

private:
    std::string file_;
};

}  // namespace mfa::daemon::config
