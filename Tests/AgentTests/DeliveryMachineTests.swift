import Testing

@testable import Agent

/// The push side's decisions, on a clock the tests set: no sockets, no sleeps.
@Suite struct DeliveryMachineTests {
    let policy = RetryPolicy(base: 1, cap: 8)

    func ready() -> DeliveryMachine { DeliveryMachine(policy: policy, authentication: .credentials, seed: 7) }

    @Test func outagesBackOffExponentiallyWithJitterUpToTheCapAndAnAnswerResetsIt() {
        var machine = ready()
        #expect(machine.next(now: 0) == .send)
        var delays: [Double] = []
        for attempt in 0..<6 {
            let now = Double(attempt) * 100
            guard case .wait(let until) = machine.decide(.answered(.retry(reason: "refused", retryAfter: nil)), now: now) else {
                Issue.record("a network error must make the sink wait")
                return
            }
            delays.append(until - now)
            #expect(machine.next(now: now) == .wait(until: until), "nothing is sent during the backoff")
            #expect(machine.next(now: until) == .send, "the backoff ends when it says")
        }
        // Equal jitter: each delay in [ceiling/2, ceiling), the ceiling doubling from 1 up to the cap of 8.
        for (index, delay) in delays.enumerated() {
            let ceiling = min(8, Double(1 << index))
            #expect(delay >= ceiling / 2 && delay < ceiling, "delay \(index + 1) was \(delay)")
        }
        #expect(machine.failures == 6)
        #expect(machine.decide(.answered(.accepted), now: 700) == .send)
        #expect(machine.failures == 0)
        guard case .wait(let until) = machine.decide(.answered(.retry(reason: "HTTP 503", retryAfter: nil)), now: 800) else {
            Issue.record("a 5xx must make the sink wait")
            return
        }
        #expect(until - 800 < 1, "after a success the backoff starts again from the base")
    }

    @Test func retryAfterWinsOverTheBackoffAndHoldsEveryRequest() {
        var machine = ready()
        #expect(machine.decide(.answered(.retry(reason: "HTTP 429", retryAfter: 42)), now: 10) == .wait(until: 52))
        #expect(machine.next(now: 51.9) == .wait(until: 52))
        #expect(machine.next(now: 52) == .send)
    }

    @Test func theSameSeedGivesTheSameJitterAndAnotherSeedAnother() {
        func firstDelays(_ seed: UInt64) -> [Double] {
            var machine = DeliveryMachine(policy: RetryPolicy(base: 1, cap: 1000), authentication: .credentials, seed: seed)
            return (0..<5).map { _ in
                if case .wait(let until) = machine.decide(.answered(.retry(reason: "x", retryAfter: nil)), now: 0) { until }
                else { -1 }
            }
        }
        #expect(firstDelays(1) == firstDelays(1))
        #expect(firstDelays(1) != firstDelays(2))
    }

    @Test func anInvalidBatchIsSetAsideWithoutBackoffAndTheQueueMovesOn() {
        var machine = ready()
        _ = machine.decide(.answered(.retry(reason: "x", retryAfter: nil)), now: 0)
        #expect(machine.decide(.answered(.rejected(status: 400, body: "out of order")), now: 5) == .setAside(status: 400, body: "out of order"))
        #expect(machine.failures == 0)
        #expect(machine.next(now: 5) == .send)
    }

    @Test func withFixedCredentialsA401IsRetriedNotSetAsideAndNeverRegisters() {
        var machine = ready()
        guard case .wait = machine.decide(.answered(.unauthorized), now: 0) else {
            Issue.record("a 401 to remote write must be retried: the samples are not at fault")
            return
        }
        #expect(machine.phase == .ready)
        #expect(machine.failures == 1)
    }

    @Test func registrationWithASavedTokenThatWorks() {
        var machine = DeliveryMachine(policy: policy, authentication: .registration, seed: 1)
        #expect(machine.next(now: 0) == .register)
        #expect(machine.decide(.answered(.accepted), now: 0) == .send)
        #expect(machine.phase == .ready && machine.next(now: 0) == .send)
    }

    @Test func aRefusedSavedTokenRegistersOnceAndAKeptOldTokenBlocksUntilTheOperatorActs() {
        var machine = DeliveryMachine(policy: policy, authentication: .registration, seed: 1)
        #expect(machine.decide(.answered(.unauthorized), now: 0) == .register, "the saved token's heartbeat got 401")
        #expect(machine.decide(.registering, now: 0) == .send)
        #expect(machine.decide(.answered(.accepted), now: 0) == .send, "the registration was accepted")
        #expect(machine.phase == .confirming)
        #expect(machine.decide(.answered(.unauthorized), now: 0) == .halt, "the new token's heartbeat got 401")
        #expect(machine.phase == .blocked)
        #expect(machine.next(now: 1e9) == .halt, "blocked stays blocked, whatever the time")
    }

    @Test func a401WhileSendingRegistersAgainOnce() {
        var machine = DeliveryMachine(policy: policy, authentication: .registration, seed: 1)
        _ = machine.decide(.answered(.accepted), now: 0)
        #expect(machine.decide(.answered(.unauthorized), now: 1) == .register)
        #expect(machine.next(now: 1) == .register)
        _ = machine.decide(.registering, now: 1)
        _ = machine.decide(.answered(.accepted), now: 1)
        #expect(machine.decide(.answered(.accepted), now: 1) == .send)
        #expect(machine.phase == .ready)
    }

    @Test func aRefusedRegistrationIsAskedAgainEverLessOften() {
        var machine = DeliveryMachine(policy: RetryPolicy(base: 1, cap: 1000), authentication: .registration, seed: 3)
        var now = 0.0
        var gaps: [Double] = []
        for _ in 0..<5 {
            #expect(machine.next(now: now) == .register)
            _ = machine.decide(.registering, now: now)
            guard case .wait(let until) = machine.decide(.answered(.rejected(status: 422, body: "no")), now: now) else {
                Issue.record("a refused registration must back off, not be set aside")
                return
            }
            gaps.append(until - now)
            now = until
        }
        // Each ceiling doubles; with equal jitter a gap is at least half its ceiling, more than the last's ceiling/2.
        for index in 1..<gaps.count { #expect(gaps[index] >= Double(1 << index) / 2) }
        #expect(machine.phase == .unregistered)
    }

    @Test func noSnapshotYetDefersRegistrationWithBackoff() {
        var machine = DeliveryMachine(policy: policy, authentication: .registration, seed: 1)
        guard case .wait(let until) = machine.decide(.cannotRegisterYet, now: 10) else {
            Issue.record("no snapshot must defer")
            return
        }
        #expect(machine.next(now: until - 0.01) == .wait(until: until))
        #expect(machine.next(now: until) == .register)
    }

    @Test func anOutageWhileConfirmingStartsAgainWithAHeartbeat() {
        var machine = DeliveryMachine(policy: policy, authentication: .registration, seed: 1)
        _ = machine.decide(.registering, now: 0)
        _ = machine.decide(.answered(.accepted), now: 0)
        _ = machine.decide(.answered(.retry(reason: "timeout", retryAfter: nil)), now: 0)
        #expect(machine.phase == .unregistered, "the new token is checked again, not taken as refused")
    }
}
