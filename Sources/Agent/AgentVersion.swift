/// The agent's version, reported by `--version`, in `/metrics` and (later) in the User-Agent.
enum AgentVersion {
    static let current = "0.1.0"
}
