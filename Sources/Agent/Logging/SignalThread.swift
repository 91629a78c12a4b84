#if canImport(Glibc)
    import Glibc
#endif
import CSystemCalls
import HostMetrics
import Synchronization

/// The one thread that takes SIGTERM, SIGINT, SIGHUP, SIGUSR1 and SIGUSR2: every other thread has them
/// blocked (`blockHandledSignals`, at the start of `main`), and this one waits for them in sigwait(2).
/// swift-service-lifecycle's signal sequence would do it through a libdispatch signal source, which starts
/// libdispatch's manager thread and its once-a-second worker monitor for the life of the process. A signal
/// with no handler set yet has its default effect (it ends the process), as before the agent is serving.
enum SignalThread {
    static let handled: [Int32] = [SIGTERM, SIGINT, SIGHUP, SIGUSR1, SIGUSR2]

    /// What SIGTERM and SIGINT do, and what the others do, once the agent has said.
    private static let handlers = Mutex<Handlers>(Handlers())

    private struct Handlers {
        var shutdown: (@Sendable (Int32) -> Void)?
        var other: (@Sendable (Int32) -> Void)?
    }

    /// The signals that were ignored when the agent started (nohup's SIGHUP, a test runner's SIGTERM):
    /// without a handler they stay ignored.
    private static let ignoredAtStart = Mutex<Set<Int32>>([])

    /// Blocks the signals in the calling thread (and so in every thread it starts) and gives each a
    /// handler that does nothing: an ignored signal is discarded even while blocked, so sigwait would never
    /// see it, and the agent must stop on SIGTERM even when its parent ignores it.
    static func blockHandledSignals() {
        var set = handledSet()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        var ignored: Set<Int32> = []
        for signal in handled {
            var action = sigaction()
            action.__sigaction_handler.sa_handler = { _ in }
            var previous = sigaction()
            sigaction(signal, &action, &previous)
            let was = unsafeBitCast(previous.__sigaction_handler.sa_handler, to: Int.self)
            if was == unsafeBitCast(SIG_IGN, to: Int.self) { ignored.insert(signal) }
        }
        ignoredAtStart.withLock { $0 = ignored }
    }

    /// From now on SIGTERM and SIGINT call `body` on the signal thread.
    static func onShutdown(_ body: @escaping @Sendable (Int32) -> Void) {
        handlers.withLock { $0.shutdown = body }
    }

    /// From now on SIGHUP, SIGUSR1 and SIGUSR2 call `body` on the signal thread.
    static func onOther(_ body: @escaping @Sendable (Int32) -> Void) {
        handlers.withLock { $0.other = body }
    }

    /// Starts the thread; false when it cannot be made (the signals then stay blocked and pending).
    static func start() -> Bool {
        DetachedThread.start {
            _ = csc_name_this_thread("signals")
            SignalThread.loop()
        }
    }

    private static func loop() -> Never {
        var set = handledSet()
        while true {
            var signal: Int32 = 0
            guard sigwait(&set, &signal) == 0 else { continue }
            let handler = handlers.withLock { signal == SIGTERM || signal == SIGINT ? $0.shutdown : $0.other }
            if let handler { handler(signal) } else { actByDefault(signal) }
        }
    }

    /// Delivers `signal` to this thread with its default action, which ends the process, unless it was
    /// ignored at the start.
    private static func actByDefault(_ signal: Int32) {
        if ignoredAtStart.withLock({ $0.contains(signal) }) { return }
        Glibc.signal(signal, SIG_DFL)
        var one = sigset_t()
        sigemptyset(&one)
        sigaddset(&one, signal)
        pthread_sigmask(SIG_UNBLOCK, &one, nil)
        raise(signal)
    }

    private static func handledSet() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled { sigaddset(&set, signal) }
        return set
    }
}
