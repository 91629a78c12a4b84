import Logging
import ServiceLifecycle
import UnixSignals

/// The signals other than SIGTERM and SIGINT (which `AgentCommand.serve` turns into a graceful shutdown):
/// SIGHUP reopens the log file at its path, as logrotate expects of a daemon after it moved the file
/// away; SIGUSR1 and SIGUSR2 are ignored and logged, since their default action would kill the agent
/// without its final flush. SIGHUP also reloads the endpoint's TLS certificate and key (`onHangup`); the
/// other settings need a restart.
struct SignalService: Service {
    static let trapped: [UnixSignal] = [.sighup, .sigusr1, .sigusr2]

    /// Fed by `SignalThread` from the start of `AgentCommand.serve`, so none is missed before the group runs.
    let signals: AsyncStream<UnixSignal>
    let sink: LogSink
    let logger: Logger
    /// What else SIGHUP does (the TLS certificate's reload).
    var onHangup: @Sendable () -> Void = {}

    func run() async throws {
        for await signal in signals.cancelOnGracefulShutdown() {
            if signal == .sighup {
                reopenLog()
                onHangup()
            } else {
                logger.notice("\(signal) received and ignored (it has no meaning for this agent)")
            }
        }
    }

    /// The stream `SignalThread` feeds with SIGHUP, SIGUSR1 and SIGUSR2 from now on.
    static func trap() -> AsyncStream<UnixSignal> {
        let (signals, continuation) = AsyncStream.makeStream(of: UnixSignal.self)
        SignalThread.onOther { number in
            if let signal = trapped.first(where: { $0.rawValue == number }) { continuation.yield(signal) }
        }
        return signals
    }

    private func reopenLog() {
        guard let path = sink.filePath else {
            return logger.info("SIGHUP received: no LOG_FILE to reopen")
        }
        do {
            try sink.reopen()
            logger.info("SIGHUP received: log file \(path) reopened")
        } catch {
            // Each write tries to open the file again, so the log comes back once the path is writable.
            logger.error("SIGHUP received: \(error)")
        }
    }
}
