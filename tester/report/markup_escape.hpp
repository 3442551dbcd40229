#pragma once
// Escaping for the two markup writers: the HTML report and JUnit XML. Both first replace invalid UTF-8 by U+FFFD.
#include <string>
#include <string_view>

namespace tester {

// Escapes &<>"' for HTML text and attribute values (' as &#39;).
std::string html_escape(std::string_view text);
// Escapes text for XML 1.0 content and attribute values: &<>"' as entities, characters XML cannot carry (most
// control characters, U+FFFE, U+FFFF) as U+FFFD. In attributes, tabs and line breaks become character references so
// they survive attribute normalisation.
std::string xml_escape(std::string_view text, bool attribute = false);

} // namespace tester
