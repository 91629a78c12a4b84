/// What a sink does next, decided from the answers it got and the time: the one place the push side's
/// retry, backoff, Retry-After, set-aside and 401 rules live. A pure value: no I/O, no clock of its own
/// (every call gets `now`), its jitter from a seeded generator. The dashboard pusher and remote write
/// both drive one; only the dashboard registers (`Authentication.registration`).
///
/// Phases with registration: `unregistered` (ask `register`: a heartbeat with a saved token, else a new
/// registration), `registering` (the registration request is out), `confirming` (a new token was issued;
/// the next answer says whether the dashboard kept it), `ready`, `blocked` (the dashboard keeps refusing
/// us; only the operator can help). With fixed credentials the machine is always `ready`, and a 401 is
/// retried like an outage: the samples are not at fault, and setting them aside would lose them over a
/// token an operator can fix.
struct DeliveryMachine: Sendable {
    enum Authentication: Sendable { case registration, credentials }

    enum Phase: Sendable, Equatable { case unregistered, registering, confirming, ready, blocked }

    enum Event: Sendable, Equatable {
        /// A request came back (or failed), classified by `Delivery`.
        case answered(Delivery)
        /// A registration request is about to go out (the saved token, if any, was refused or absent).
        case registering
        /// Registration cannot be tried yet (no snapshot to describe the machine with): later.
        case cannotRegisterYet
    }

    enum Action: Sendable, Equatable {
        /// Go on: send the next batch (or request).
        case send
        /// Nothing may be sent before then: a backoff or the server's Retry-After.
        case wait(until: Double)
        /// The batch cannot be sent again usefully: keep it aside with the answer, then go on.
        case setAside(status: Int, body: String)
        /// Establish the token (heartbeat a saved one, or register).
        case register
        /// Stop sending until the operator acts; keep spooling.
        case halt
    }

    let policy: RetryPolicy
    let authentication: Authentication
    private(set) var phase: Phase
    /// Consecutive failures, which the backoff doubles with; an answer that settles something resets it.
    private(set) var failures = 0
    /// No request before this (monotonic seconds).
    private(set) var retryAt = -Double.infinity
    private var jitter: SplitMix64

    init(policy: RetryPolicy, authentication: Authentication, seed: UInt64) {
        self.policy = policy
        self.authentication = authentication
        self.phase = authentication == .registration ? .unregistered : .ready
        self.jitter = SplitMix64(seed: seed)
    }

    /// What to do at `now` without a new event.
    func next(now: Double) -> Action {
        if phase == .blocked { return .halt }
        if now < retryAt { return .wait(until: retryAt) }
        return phase == .ready ? .send : .register
    }

    /// Takes in what happened and says what to do next.
    mutating func decide(_ event: Event, now: Double) -> Action {
        switch event {
        case .registering:
            if phase != .blocked { phase = .registering }
            return .send
        case .cannotRegisterYet:
            return backOff(now: now, retryAfter: nil)
        case .answered(let delivery):
            return answered(delivery, now: now)
        }
    }

    private mutating func answered(_ delivery: Delivery, now: Double) -> Action {
        switch delivery {
        case .retry(_, let retryAfter):
            return backOff(now: now, retryAfter: retryAfter)
        case .accepted:
            failures = 0
            retryAt = -Double.infinity
            switch phase {
            case .registering: phase = .confirming
            case .blocked: return .halt
            case .unregistered, .confirming, .ready: phase = .ready
            }
            return .send
        case .rejected(let status, let body):
            // A refused registration or heartbeat is an answer, yet nothing was sent to set aside: it
            // counts as a failure, so a dashboard that keeps refusing is asked ever less often.
            guard phase == .ready else { return backOff(now: now, retryAfter: nil) }
            failures = 0
            return .setAside(status: status, body: body)
        case .unauthorized:
            guard authentication == .registration else { return backOff(now: now, retryAfter: nil) }
            switch phase {
            case .confirming, .blocked:
                // The quirk: a known HWID keeps its old token although the new one was echoed back.
                phase = .blocked
                return .halt
            case .registering:
                return backOff(now: now, retryAfter: nil)
            case .unregistered, .ready:
                // A saved token refused, or one that stopped working: register again, once.
                phase = .unregistered
                failures = 0
                return .register
            }
        }
    }

    private mutating func backOff(now: Double, retryAfter: Double?) -> Action {
        // Registration starts again from the top (a heartbeat with whatever token is saved) after a failure.
        if phase == .registering || phase == .confirming { phase = .unregistered }
        failures += 1
        retryAt = now + policy.delay(afterFailures: failures, retryAfter: retryAfter, random: jitter.nextUnit())
        return phase == .blocked ? .halt : .wait(until: retryAt)
    }
}

/// A small seeded generator (Vigna's SplitMix64), so the jitter is random in use and fixed in tests.
struct SplitMix64: Sendable {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// In 0..<1.
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(UInt64(1) << 53) }
}
