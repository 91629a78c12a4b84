/// With HTTP_AUTH_TOKEN set, a browser cannot send a bearer header by itself: the page asks for the token
/// and live.js presents it once, as a bearer header, to `/api/v1/session`, which answers with an
/// HttpOnly, SameSite=Strict session cookie that the page, its assets and the stream then carry.
/// Scrapers keep using the bearer header; nothing accepts the token in a URL.
enum LoginForm {
    static func write(into html: inout HTMLWriter) {
        html.raw("<form id=\"login\" class=\"card wide\"><h2>Sign in</h2><p>This agent requires its ")
        html.raw("HTTP_AUTH_TOKEN (JavaScript needed).</p><input type=\"password\" id=\"token\" ")
        html.raw("autocomplete=\"current-password\" placeholder=\"token\" required> ")
        html.raw("<button type=\"submit\">Sign in</button><p id=\"login-error\" class=\"bad\"></p></form>\n")
    }
}
