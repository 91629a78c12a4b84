import API
import Dispatch
import Glibc
import Logging
import Synchronization
import Testing

@testable import HostMetrics

/// A stuck mount or a failing collector must not stop the others, and is logged on change only.
@Suite struct IsolationTests {
    @Test func aHungMountIsReportedStuckAndNotCalledAgainWhileHung() {
        let release = DispatchSemaphore(value: 0)
        let calls = Mutex(0)
        let statFS = StatFS(timeoutSeconds: 0.5) { path in
            calls.withLock { $0 += 1 }
            if path == "/hung" { release.wait() }
            return .usage(.init(sizeBytes: 1, freeBytes: 1, availableBytes: 1, files: 1, filesFree: 1))
        }
        #expect(statFS.usage(of: "/hung", fstype: "nfs4") == .stuck)
        #expect(statFS.usage(of: "/hung", fstype: "nfs4") == .stuck)
        #expect(statFS.usage(of: "/fine", fstype: "fuseblk") != .stuck)
        #expect(calls.withLock { $0 } == 2, "the second look at /hung must not start another call")
        release.signal()
    }

    @Test func localDiskFilesystemsAreAskedOnTheCallersThread() {
        let caller = pthread_self()
        let statFS = StatFS(timeoutSeconds: 0.5) { _ in
            pthread_equal(pthread_self(), caller) != 0 ? .usage(.init(sizeBytes: 1, freeBytes: 1, availableBytes: 1, files: 1, filesFree: 1)) : .failed(errno: 0)
        }
        #expect(statFS.usage(of: "/", fstype: "ext4") != .failed(errno: 0))
        #expect(statFS.usage(of: "/mnt/nas", fstype: "nfs4") == .failed(errno: 0), "a network mount goes through the deadline")
    }

    @Test func aFailingCollectorLeavesItsSectionEmptyAndIsLoggedOnceEachWay() {
        let lines = LogCapture()
        let flaky = FlakyCollector()
        let sampler = Sampler(
            collectors: [flaky, CPUCollector(proc: FileTree(root: Fixtures.directory + "/host/proc"), ticksPerSecond: 100)],
            hostname: "h", logger: Logger(label: "collector") { _ in lines })
        flaky.failing = true
        for pass in 1...3 {
            let snapshot = sampler.sample(at: SampleInstant(monotonic: Double(pass), wall: 0))
            #expect(snapshot.collectors.map(\.success) == [false, true])
            #expect(snapshot.cpu != nil)
        }
        flaky.failing = false
        _ = sampler.sample(at: SampleInstant(monotonic: 4, wall: 0))
        _ = sampler.sample(at: SampleInstant(monotonic: 5, wall: 0))
        #expect(lines.messages == ["collector flaky started failing: disk on fire", "collector flaky recovered"])
    }
}

final class FlakyCollector: Collector {
    let name = "flaky"
    var failing = false

    struct Failure: Error, CustomStringConvertible { var description: String { "disk on fire" } }

    func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        if failing { throw Failure() }
    }
}

/// A log handler that keeps messages for assertions.
final class LogCapture: LogHandler, @unchecked Sendable {
    private let lock = Mutex<[String]>([])
    var messages: [String] { lock.withLock { $0 } }
    var logLevel: Logger.Level = .trace
    var metadata: Logger.Metadata = [:]
    var metadataProvider: Logger.MetadataProvider?
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }
    func log(event: LogEvent) { lock.withLock { $0.append("\(event.message)") } }
}
