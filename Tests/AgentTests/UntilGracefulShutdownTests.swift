import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import Agent

/// A service whose loop sleeps for a minute at a time, as the pusher's does between requests.
final class SleepingLoop: Service, Sendable {
    let asleep: AsyncStream<Void>
    private let fellAsleep: AsyncStream<Void>.Continuation
    /// What ended the sleep, and whether the shutdown hook ran before it.
    let sleepEnded = Mutex<String?>(nil)
    let hookRan = Mutex(false)

    init() { (asleep, fellAsleep) = AsyncStream.makeStream(of: Void.self) }

    func run() async throws {
        await untilGracefulShutdown({ [self] in
            fellAsleep.yield()
            do {
                try await Task.sleep(for: .seconds(60))
                sleepEnded.withLock { $0 = "the full minute" }
            } catch {
                let hook = hookRan.withLock { $0 }
                sleepEnded.withLock { $0 = hook ? "cancelled after the hook" : "cancelled before the hook" }
            }
        }) { [self] in
            hookRan.withLock { $0 = true }
        }
    }
}

@Suite struct UntilGracefulShutdownTests {
    func run(_ loop: SleepingLoop, stop: (ServiceGroup) async -> Void) async throws {
        let group = ServiceGroup(services: [loop], gracefulShutdownSignals: [], cancellationSignals: [], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for await _ in loop.asleep { break }
            await stop(group)
            try await tasks.waitForAll()
        }
    }

    @Test func gracefulShutdownEndsTheSleepAfterTheHook() async throws {
        let loop = SleepingLoop()
        try await run(loop) { await $0.triggerGracefulShutdown() }
        #expect(loop.sleepEnded.withLock { $0 } == "cancelled after the hook")
    }

    @Test func cancellationEndsTheSleepToo() async throws {
        let loop = SleepingLoop()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await loop.run() }
            for await _ in loop.asleep { break }
            tasks.cancelAll()
            try await tasks.waitForAll()
        }
        #expect(loop.sleepEnded.withLock { $0 }?.hasPrefix("cancelled") == true)
    }
}
