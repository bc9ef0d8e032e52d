#include "import/key_text.hpp"

#include <openssl/crypto.h>

#include <cctype>

#include "mfa/base32.hpp"

namespace mfa::cli {
namespace {

int hex_value(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

}  // namespace

Result<std::vector<std::uint8_t>> decode_key(std::string_view text, KeyEncoding encoding) {
    std::string compact;
    for (char c : text)
        if (!std::isspace(static_cast<unsigned char>(c))) compact += c;
    Result<std::vector<std::uint8_t>> out = std::vector<std::uint8_t>();
    if (encoding == KeyEncoding::base32) {
        out = base32::decode(compact);
        if (!out) out = make_error("the key is not base32");
    } else if (compact.size() % 2 != 0) {
        out = make_error("the key is not hex: an odd number of digits");
    } else {
        out->reserve(compact.size() / 2);  // no reallocation leaves a partial copy behind
        for (std::size_t i = 0; i < compact.size(); i += 2) {
            int high = hex_value(compact[i]), low = hex_value(compact[i + 1]);
            if (high < 0 || low < 0) {
                OPENSSL_cleanse(out->data(), out->size());
                out = make_error("the key is not hex");
                break;
            }
            out->push_back(static_cast<std::uint8_t>(high * 16 + low));
        }
    }
    OPENSSL_cleanse(compact.data(), compact.size());
    if (out && out->empty()) return make_error("the key is empty");
    return out;
}

std::string key_to_wire(std::vector<std::uint8_t>& key) {
    std::string text = base32::encode(key);
    OPENSSL_cleanse(key.data(), key.size());
    return text;
}

}  // namespace mfa::cli
