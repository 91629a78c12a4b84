#if canImport(Glibc)
    import Glibc
#endif
import API
import HostMetrics
import Logging

// shelter-bench: the CPU time of collection, for scripts/bench. Runs the agent's own collectors on this
// host, in this process, and prints one JSON object:
//   pass_us       CPU time of one full pass (every collector), mean over the passes after the first;
//   scan_us       CPU time of the process collector alone, mean over the same number of passes;
//   processes     processes on the host during the scan;
//   per_process_us  scan_us / processes;
//   collectors    each registered collector's CPU time per pass alone, mean over the same passes.
// A thread's CPU clock, not wall time: what the agent costs the host, whatever else the machine does.
// Usage: shelter-bench [PASSES] (default 20).

func threadCPUMicroseconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now)
    return Double(now.tv_sec) * 1e6 + Double(now.tv_nsec) / 1e3
}

/// Mean CPU time of `body` over `passes` runs after one unmeasured run (which fills the caches and gives
/// the rate computations their first reading, as in the agent's steady state).
func meanCPU(passes: Int, _ body: () -> Void) -> Double {
    body()
    let started = threadCPUMicroseconds()
    for _ in 0..<passes { body() }
    return (threadCPUMicroseconds() - started) / Double(passes)
}

OpenFileLimit.raise()  // as the agent does, so that the scan keeps its /proc/PID/stat descriptors
let passes = CommandLine.arguments.count > 1 ? Int(CommandLine.arguments[1]) ?? 20 : 20
let roots = HostRoots()
let sampler = Sampler(
    collectors: StandardCollectors.make(roots: roots, processTopN: 50, scrubber: CommandLineScrubber()),
    hostname: "bench", logger: Logger(label: "bench"))
var processes = 0
let passMicroseconds = meanCPU(passes: passes) { processes = sampler.sample().processes?.totalCount ?? 0 }
var snapshot = Snapshot(sequence: 0, timestamp: 0, hostname: "bench")
var perCollector: [(String, Double)] = []
for registered in StandardCollectors.all {
    let collector = registered.make(CollectorContext(roots: roots))
    perCollector.append((registered.info.name, meanCPU(passes: passes) { try? collector.collect(into: &snapshot, at: HostClock.now()) }))
}
let scanMicroseconds = perCollector.first { $0.0 == ProcessCollector.info.name }?.1 ?? 0
let perProcess = processes == 0 ? 0 : scanMicroseconds / Double(processes)
let collectorsJSON = perCollector.map { "\"\($0.0)\": \(($0.1 * 10).rounded() / 10)" }.joined(separator: ", ")
print(
    "{\"passes\": \(passes), \"pass_us\": \(Int(passMicroseconds)), \"scan_us\": \(Int(scanMicroseconds)), "
        + "\"processes\": \(processes), \"per_process_us\": \((perProcess * 100).rounded() / 100), "
        + "\"collectors\": {\(collectorsJSON)}}")
