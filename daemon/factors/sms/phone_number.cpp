#include "factors/sms/phone_number.hpp"

#include <phonenumbers/phonenumberutil.h>

namespace mfa::daemon {
namespace {

using i18n::phonenumbers::PhoneNumberUtil;

const char* refused_type(PhoneNumberUtil::PhoneNumberType type) {
    switch (type) {
        case PhoneNumberUtil::MOBILE:
        case PhoneNumberUtil::FIXED_LINE_OR_MOBILE:
        case PhoneNumberUtil::PERSONAL_NUMBER:
        case PhoneNumberUtil::VOIP:
            return nullptr;
        case PhoneNumberUtil::PREMIUM_RATE: return "a premium-rate number";
        case PhoneNumberUtil::SHARED_COST: return "a shared-cost number";
        case PhoneNumberUtil::TOLL_FREE: return "a toll-free number";
        case PhoneNumberUtil::PAGER: return "a pager";
        case PhoneNumberUtil::UAN: return "a company's universal access number";
        case PhoneNumberUtil::VOICEMAIL: return "a voicemail access number";
        case PhoneNumberUtil::FIXED_LINE: return "a landline";
        case PhoneNumberUtil::UNKNOWN: return "of no known line type";
    }
    return "of no known line type";
}

}  // namespace

Result<PhoneNumber> parse_phone_number(std::string_view text) {
    if (text.size() > 32 || text.empty() || text.front() != '+')
        return make_error("a phone number in international form, like +14155550123, is needed");
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    i18n::phonenumbers::PhoneNumber number;
    // "ZZ": no default region, so only a number with its country code parses.
    if (util.Parse(std::string(text), "ZZ", &number) != PhoneNumberUtil::NO_PARSING_ERROR)
        return make_error("not a phone number: use the international form, like +14155550123");
    if (!util.IsValidNumber(number)) return make_error("not a valid phone number for its country");
    if (const char* why = refused_type(util.GetNumberType(number)))
        return make_error(std::string("refused: this is ") + why + "; text messages need a mobile number");
    PhoneNumber out;
    util.Format(number, PhoneNumberUtil::E164, &out.e164);
    out.masked = mask_phone_number(out.e164);
    return out;
}

std::string mask_phone_number(std::string_view e164) {
    const PhoneNumberUtil& util = *PhoneNumberUtil::GetInstance();
    i18n::phonenumbers::PhoneNumber number;
    std::string country = "+";
    std::string national(e164.size() > 1 ? e164.substr(1) : "");
    if (util.Parse(std::string(e164), "ZZ", &number) == PhoneNumberUtil::NO_PARSING_ERROR) {
        country += std::to_string(number.country_code());
        national.clear();  // GetNationalSignificantNumber appends
        util.GetNationalSignificantNumber(number, &national);
    }
    constexpr std::size_t kShown = 3;
    std::string masked = country;
    for (std::size_t i = 0; i < national.size(); ++i)
        masked += i + kShown < national.size() ? std::string("\u2022") : std::string(1, national[i]);
    return masked;
}

}  // namespace mfa::daemon
