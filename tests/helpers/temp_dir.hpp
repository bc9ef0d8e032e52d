// A private (0700) directory for one test, removed with everything in it.
#pragma once

#include <filesystem>
#include <string>

namespace mfa::test {

class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;

    const std::string& path() const { return path_; }
    std::string file(const std::string& name) const { return path_ + "/" + name; }
    // Writes `content` to `name` with `mode`; returns the full path.
    std::string write(const std::string& name, const std::string& content, unsigned mode = 0600) const;

private:
    std::string path_;
};

}  // namespace mfa::test
