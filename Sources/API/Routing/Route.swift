/// What a request asks for, once its method, path and query have been checked.
public enum Route: Sendable, Equatable {
    /// `collectors` is nil for all of them.
    case metrics(format: MetricsFormat, collectors: Set<String>?)
    case snapshot(pretty: Bool)
    case processes(sort: ProcessSort, limit: Int?, pretty: Bool)
    case health(pretty: Bool)
    /// `since`: Unix seconds, or negative for "the last N seconds"; `fields`: nil for every figure.
    case history(since: Double?, fields: [String]?, pretty: Bool)
    case index(IndexPage.Format)
    /// `/` for a browser: the live page, its process table sorted by `sort`.
    case live(sort: ProcessSort)
    /// The live page's script and style sheet.
    case asset(LiveAssets.Asset)
    /// `/api/v1/session`: a browser trades the bearer token for a session cookie.
    case session
    /// `/api/v1/stream`: Server-Sent Events, the snapshot (nil) or the chosen history figures (`["*"]`:
    /// all of them) once per collection.
    case stream(fields: [String]?)
}

extension IndexPage.Format: Equatable {}

/// Maps a request to a `Route`, or to the error response it deserves (404, 405, 400).
public enum Router {
    public static let allowedMethods = "GET, HEAD"
    /// The most processes one request may ask for.
    public static let maxProcessLimit = 1000

    /// `collectors`: the names `/metrics` filters may use (every collector the agent runs).
    public static func route(_ request: Request, collectors: Set<String>) -> Result<Route, RouteError> {
        let (path, query) = split(request.target)
        let known = [
            "/", "/metrics", "/api/v1/metrics", "/api/v1/processes", "/api/v1/health", "/api/v1/history",
            "/api/v1/stream", "/api/v1/session",
        ]
        let asset = LiveAssets.Asset(path: path)
        guard known.contains(path) || asset != nil else {
            return .failure(RouteError(Response.error(404, "no route for \(path); see / for the list")))
        }
        guard request.method == "GET" || request.method == "HEAD" else {
            return .failure(
                RouteError(
                    Response.error(
                        405, "\(request.method) is not allowed on \(path)",
                        headers: [("Allow", allowedMethods)])))
        }
        let parameters = QueryString.parse(query)
        let pretty = parameters.contains { $0.name == "pretty" && $0.value != "false" && $0.value != "0" }
        switch path {
        case "/metrics": return metricsRoute(parameters, accept: request.accept, collectors: collectors)
        case "/api/v1/metrics": return .success(.snapshot(pretty: pretty))
        case "/api/v1/health": return .success(.health(pretty: pretty))
        case "/api/v1/processes": return processesRoute(parameters, pretty: pretty)
        case "/api/v1/history": return historyRoute(parameters, pretty: pretty)
        case "/api/v1/stream": return streamRoute(parameters)
        case "/api/v1/session": return .success(.session)
        case "/": return indexRoute(parameters, accept: request.accept)
        default: return .success(.asset(asset!))
        }
    }

    /// node_exporter's filters: `collect[]=cpu&collect[]=memory` keeps those, `exclude[]=processes` drops
    /// those; an unknown name is a 400 rather than an empty answer that looks like a broken host.
    static func metricsRoute(
        _ parameters: [(name: String, value: String)], accept: String?, collectors known: Set<String>
    ) -> Result<Route, RouteError> {
        var collect: Set<String> = [], exclude: Set<String> = []
        for parameter in parameters where parameter.name == "collect[]" || parameter.name == "exclude[]" {
            guard known.contains(parameter.value) else {
                let names = known.sorted().joined(separator: ", ")
                return .failure(RouteError(Response.error(400, "unknown collector \"\(parameter.value)\"; known: \(names)")))
            }
            if parameter.name == "collect[]" { collect.insert(parameter.value) } else { exclude.insert(parameter.value) }
        }
        let chosen: Set<String>? =
            collect.isEmpty && exclude.isEmpty ? nil : (collect.isEmpty ? known : collect).subtracting(exclude)
        return .success(.metrics(format: MetricsFormat.negotiate(accept), collectors: chosen))
    }

    static func processesRoute(_ parameters: [(name: String, value: String)], pretty: Bool) -> Result<Route, RouteError> {
        var sort = ProcessSort.cpu
        var limit: Int?
        for parameter in parameters {
            switch parameter.name {
            case "sort":
                guard let value = ProcessSort(rawValue: parameter.value) else {
                    return .failure(RouteError(Response.error(400, "sort must be cpu, memory or io")))
                }
                sort = value
            case "limit":
                guard let value = Int(parameter.value), (1...maxProcessLimit).contains(value) else {
                    return .failure(
                        RouteError(Response.error(400, "limit must be a whole number from 1 to \(maxProcessLimit)")))
                }
                limit = value
            default: continue
            }
        }
        return .success(.processes(sort: sort, limit: limit, pretty: pretty))
    }

    static func historyRoute(_ parameters: [(name: String, value: String)], pretty: Bool) -> Result<Route, RouteError> {
        var since: Double?, fields: [String]?
        for parameter in parameters {
            switch parameter.name {
            case "since":
                guard let value = Double(parameter.value), value.isFinite else {
                    return .failure(
                        RouteError(Response.error(400, "since must be Unix seconds, or negative for the last N seconds")))
                }
                since = value
            case "fields":
                fields = parameter.value.split(separator: ",").map(String.init)
            default: continue
            }
        }
        return .success(.history(since: since, fields: fields, pretty: pretty))
    }

    static func streamRoute(_ parameters: [(name: String, value: String)]) -> Result<Route, RouteError> {
        let fields = parameters.last { $0.name == "fields" }.map { $0.value.split(separator: ",").map(String.init) }
        return .success(.stream(fields: fields))
    }

    /// A browser (`text/html` preferred) gets the live page; JSON or text clients the route list.
    static func indexRoute(_ parameters: [(name: String, value: String)], accept: String?) -> Result<Route, RouteError> {
        var sort = ProcessSort.cpu
        if let asked = parameters.last(where: { $0.name == "sort" }) {
            guard let value = ProcessSort(rawValue: asked.value) else {
                return .failure(RouteError(Response.error(400, "sort must be cpu, memory or io")))
            }
            sort = value
        }
        switch AcceptHeader.preferred(["text/html", "application/json"], in: accept) {
        case "text/html":
            return .success(.live(sort: sort))
        case "application/json": return .success(.index(.json))
        default: return .success(.index(.text))
        }
    }

    static func split(_ target: String) -> (path: String, query: Substring) {
        guard let mark = target.firstIndex(of: "?") else { return (target, "") }
        return (String(target[..<mark]), target[target.index(after: mark)...])
    }
}

/// A request that routing refused, with the answer it gets.
public struct RouteError: Error, Sendable {
    public let response: Response
    public init(_ response: Response) { self.response = response }
}
