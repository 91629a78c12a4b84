import Logging
import ServiceLifecycle
import Synchronization
import Testing

@testable import Agent

/// A service whose thread sleeps for a minute at a time, as the pusher's does between requests.
final class SleepingThread: Service, Sendable {
    let asleep: AsyncStream<Void>
    private let fellAsleep: AsyncStream<Void>.Continuation
    private let thread = WorkerThread(name: "sleeper")
    let stop = StopSignal()
    /// What ended the sleep, and whether the shutdown hook ran before it.
    let sleepEnded = Mutex<String?>(nil)
    let hookRan = Mutex(false)

    init() { (asleep, fellAsleep) = AsyncStream.makeStream(of: Void.self) }

    func run() async throws {
        await stop.awaitWork(onShutdown: { [self] in hookRan.withLock { $0 = true } }) { finished in
            thread.run { [self] in
                fellAsleep.yield()
                let slept = stop.sleep(seconds: 60)
                let hook = hookRan.withLock { $0 }
                sleepEnded.withLock { $0 = slept ? "the full minute" : hook ? "woken after the hook" : "woken without the hook" }
                finished()
            }
        }
    }
}

@Suite struct StopSignalTests {
    @Test func gracefulShutdownEndsTheSleepAfterTheHook() async throws {
        let sleeper = SleepingThread()
        let group = ServiceGroup(services: [sleeper], gracefulShutdownSignals: [], cancellationSignals: [], logger: Logger(label: "test"))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            for await _ in sleeper.asleep { break }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
        #expect(sleeper.sleepEnded.withLock { $0 } == "woken after the hook")
    }

    @Test func cancellationEndsTheSleepWithoutTheHook() async throws {
        let sleeper = SleepingThread()
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await sleeper.run() }
            for await _ in sleeper.asleep { break }
            tasks.cancelAll()
            try await tasks.waitForAll()
        }
        #expect(sleeper.sleepEnded.withLock { $0 } == "woken without the hook")
    }

    @Test func aSleepAfterTheSignalEndsAtOnceAndADeadlinePassedReturnsTrue() {
        let stop = StopSignal()
        #expect(stop.sleep(until: StopSignal.monotonicNanoseconds() - 1))
        #expect(stop.sleep(seconds: 0))
        stop.raise()
        stop.raise()
        #expect(stop.raised)
        #expect(!stop.sleep(seconds: 60))
        #expect(!stop.sleep(until: 0))
    }
}
