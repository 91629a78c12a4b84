import Foundation
import Synchronization
import Testing

@testable import Agent

/// The dashboard client's thread: work runs in order on one thread that is not the caller's, and
/// `finish` runs its last piece after everything queued.
@Suite struct WorkerThreadTests {
    @Test func workRunsInOrderOnOneThreadOfItsOwnThenTheLastPiece() {
        let worker = WorkerThread(name: "test-worker")
        let seen = Mutex<[(Int, pthread_t)]>([])
        for index in 0..<50 {
            worker.run { seen.withLock { $0.append((index, pthread_self())) } }
        }
        let finished = Mutex(false)
        worker.finish { finished.withLock { $0 = true } }
        #expect(poll(seconds: 5) { finished.withLock { $0 } })
        let runs = seen.withLock { $0 }
        #expect(runs.map(\.0) == Array(0..<50))
        #expect(Set(runs.map { UInt($0.1) }).count == 1, "one thread")
        #expect(runs.allSatisfy { pthread_equal($0.1, pthread_self()) == 0 }, "not the caller's")
        worker.run { seen.withLock { $0.append((99, pthread_self())) } }
        #expect(seen.withLock { $0.count } == 50, "work given after finish is dropped")
    }

    @Test func finishingAWorkerThatNeverRanRunsTheLastPieceAtOnce() {
        let worker = WorkerThread(name: "test-idle")
        let ran = Mutex<pthread_t?>(nil)
        worker.finish { ran.withLock { $0 = pthread_self() } }
        #expect(ran.withLock { $0.map { pthread_equal($0, pthread_self()) != 0 } } == true, "here, on the caller's thread")
    }

    private func poll(seconds: Double, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            usleep(2_000)
        }
        return condition()
    }
}
