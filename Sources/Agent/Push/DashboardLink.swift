import Logging

/// Whether the dashboard (or the remote-write receiver: `peer`) is answering, logged when that changes
/// and never once per attempt: "became unreachable", then "reachable again after N s", then "N samples
/// from the outage sent".
struct DashboardLink {
    let peer: String

    init(peer: String = "dashboard") { self.peer = peer }

    enum State: Equatable {
        case unknown
        case up
        case down(since: Double, reason: String)
    }

    private(set) var state = State.unknown
    /// Samples sent since the dashboard came back while a backlog was still draining.
    private var drained: Int?

    var isDown: Bool {
        if case .down = state { return true }
        return false
    }

    mutating func succeeded(at now: Double, samplesSent: Int, backlogLeft: Int, logger: Logger) {
        if case .down(let since, _) = state {
            logger.info("\(peer) reachable again after \(Int((now - since).rounded())) s")
            drained = 0
        }
        state = .up
        if let sent = drained {
            drained = sent + samplesSent
            if backlogLeft == 0 {
                logger.info("spool drained: \(sent + samplesSent) samples sent since the \(peer) came back")
                drained = nil
            }
        }
    }

    mutating func failed(at now: Double, reason: String, logger: Logger) {
        guard !isDown else { return }
        logger.warning("\(peer) unreachable or failing (\(reason)); samples stay in the spool and will be sent in order")
        state = .down(since: now, reason: reason)
    }
}
