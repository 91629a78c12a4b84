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
        #expect(statFS.threadsStarted == 2, "the hung call keeps its thread; the next call got another")
        release.signal()
    }

    @Test func callsThatAnswerInTimeShareOneThread() {
        let threads = Mutex<Set<UInt>>([])
        let statFS = StatFS(timeoutSeconds: 0.5) { _ in
            threads.withLock { _ = $0.insert(UInt(pthread_self())) }
            return .usage(.init(sizeBytes: 1, freeBytes: 1, availableBytes: 1, files: 1, filesFree: 1))
        }
        for pass in 0..<20 { #expect(statFS.usage(of: "/mnt/nas\(pass % 3)", fstype: "nfs4") != .stuck) }
        #expect(statFS.threadsStarted == 1)
        #expect(threads.withLock { $0.count } == 1)
    }

    @Test func aLateAnswerIsNotTakenForTheNextCall() {
        let release = DispatchSemaphore(value: 0)
        let statFS = StatFS(timeoutSeconds: 0.2) { path in
            if path == "/slow" {
                release.wait()
                return .failed(errno: 5)
            }
            return .failed(errno: 2)
        }
        #expect(statFS.usage(of: "/slow", fstype: "nfs4") == .stuck)
        release.signal()  // the slow call answers now, on its own thread, to no one
        #expect(statFS.usage(of: "/other", fstype: "nfs4") == .failed(errno: 2))
        #expect(statFS.usage(of: "/other", fstype: "nfs4") == .failed(errno: 2))
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

/// A collector for hardware that may be absent: it counts its calls and finds something only when told.
final class RareHardwareCollector: RegisteredCollector {
    static let info = CollectorInfo(name: "rare", recheckWhenAbsent: 60, reads: ["sys/class/rare"], exports: ["node_rare"])
    static func make(_ context: CollectorContext) -> any Collector { RareHardwareCollector() }
    var calls = 0
    var present = false

    func collect(into snapshot: inout Snapshot, at instant: SampleInstant) throws {
        calls += 1
        var samples = MetricSamples()
        if present { samples.add(MetricDescriptor("node_rare", .gauge, "Rare."), [], 1) }
        snapshot.setSection(name, samples)
    }
}

@Suite struct AbsentHardwareTests {
    /// A pass that finds nothing lets the collector rest for `recheckWhenAbsent`; found hardware is read
    /// on every pass.
    @Test func anAbsentSourceIsLookedForAgainOnlyAfterItsInterval() {
        let rare = RareHardwareCollector()
        let sampler = Sampler(collectors: [rare], hostname: "h", logger: Logger(label: "test"))
        _ = sampler.sample(at: SampleInstant(monotonic: 0, wall: 0))
        let resting = sampler.sample(at: SampleInstant(monotonic: 30, wall: 30))
        #expect(rare.calls == 1, "not looked for again within the minute")
        #expect(resting.collectors.first?.success == true)
        #expect(resting.section("rare", as: MetricSamples.self)?.samples.isEmpty == true)
        rare.present = true
        _ = sampler.sample(at: SampleInstant(monotonic: 59, wall: 59))
        #expect(rare.calls == 1)
        let found = sampler.sample(at: SampleInstant(monotonic: 61, wall: 61))
        #expect(rare.calls == 2 && found.section("rare", as: MetricSamples.self)?.value("node_rare") == 1)
        _ = sampler.sample(at: SampleInstant(monotonic: 62, wall: 62))
        #expect(rare.calls == 3, "present hardware is read on every pass")
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
