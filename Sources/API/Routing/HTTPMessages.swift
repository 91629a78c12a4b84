/// A request as the C server parsed it.
public struct Request: Sendable {
    public var method: String
    /// The request target: path and optional query, as sent.
    public var target: String
    /// Header fields with lowercased names, in the order sent.
    public var headers: [(name: String, value: String)]

    public init(method: String, target: String, headers: [(name: String, value: String)] = []) {
        self.method = method
        self.target = target
        self.headers = headers.map { ($0.name.lowercased(), $0.value) }
    }

    /// The first field of that name, or all of them joined by ", " as RFC 9110 §5.3 allows for lists.
    public func header(_ name: String) -> String? {
        let values = headers.filter { $0.name == name }.map(\.value)
        return values.isEmpty ? nil : values.joined(separator: ", ")
    }

    public var accept: String? { header("accept") }
}

/// A complete response; the C server adds Content-Length, Date and connection headers.
public struct Response: Sendable {
    public var status: Int
    public var contentType: String
    public var headers: [(name: String, value: String)]
    public var body: [UInt8]

    public init(status: Int, contentType: String, headers: [(name: String, value: String)] = [], body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.headers = headers
        self.body = body
    }

    /// `{"error": "...", "status": N}`: every error the endpoint answers looks like this.
    public static func error(_ status: Int, _ message: String, headers: [(name: String, value: String)] = [])
        -> Response
    {
        var json = JSONWriter()
        json.object { json in
            json.field("error", message)
            json.field("status", status)
        }
        return Response(status: status, contentType: "application/json", headers: headers, body: json.bytes)
    }
}
