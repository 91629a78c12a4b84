// swift-tools-version:6.0
import PackageDescription

/// Release builds of our own Swift targets put every function in a section of its own (swiftc does so by
/// default only for public ones): --gc-sections then drops the unused ones, and the agent's link can put
/// the ones that run in steady state together (agentCodeLayout).
let functionSections: [SwiftSetting] = [
    .unsafeFlags(["-Xfrontend", "-function-sections"], .when(platforms: [.linux], configuration: .release)),
]

/// The release agent is linked by lld with Sources/Agent/hot-functions.order (written by scripts/orderfile
/// from a profiled run): the functions of a collection pass, a scrape and a push sit together at the start
/// of .text. The kernel maps file pages in 64 KiB fault-around blocks, so scattered hot code keeps most of
/// the 12 MB resident; packed, a trimmed agent keeps ~3.4 MiB of it instead of ~5. Names the order file has
/// and the binary lacks are skipped silently.
let agentCodeLayout: [LinkerSetting] = [
    .unsafeFlags(
        [
            "-use-ld=lld",
            "-Xlinker", "--symbol-ordering-file=\(Context.packageDirectory)/Sources/Agent/hot-functions.order",
            "-Xlinker", "--no-warn-symbol-ordering",
        ], .when(platforms: [.linux], configuration: .release)),
]

let package = Package(
    name: "ShelterAgent",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shelter-agent", targets: ["Agent"]),
        // scripts/bench's measure of collection cost, on the agent's own collectors.
        .executable(name: "shelter-bench", targets: ["Bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    ],
    targets: [
        // The socket server: HTTP/1.1 parsing and the epoll loop, in C so the hot path allocates nothing.
        // TLS: Debian's libssl (libssl-dev for the headers), loaded with dlopen only when a certificate is set.
        .target(
            name: "CHTTPServer",
            linkerSettings: [.linkedLibrary("z"), .linkedLibrary("nghttp2"), .linkedLibrary("dl")]),
        // The dashboard and remote-write client: HTTP/1.1 of its own over Debian's OpenSSL (libssl-dev for
        // the headers), loaded with dlopen when the first client is made (library.c); and the system facts
        // registration needs.
        .target(name: "CHTTPClient", linkerSettings: [.linkedLibrary("dl"), .linkedLibrary("z")]),
        // Snappy block compression for remote write: Debian's libsnappy (libsnappy-dev), loaded with dlopen
        // on first use so that an agent without REMOTE_WRITE_URL never needs or maps it (snappy.c).
        .target(name: "CSnappy", linkerSettings: [.linkedLibrary("dl")]),
        // The executor for Swift concurrency: one thread (the main one) instead of libdispatch's pool, behind
        // the runtime's enqueue hooks and the default task executor (Sources/Agent/AgentExecutorFactory.swift).
        .target(name: "CTaskExecutor"),
        // The system calls Swift's Glibc module does not declare (adjtimex), behind plain structs.
        .target(name: "CSystemCalls"),
        // What the endpoint serves and what is pushed: models, routing, rendering. No I/O.
        .target(name: "API", swiftSettings: functionSections),
        // Reading /proc and /sys: file access, pure parsers named after kernel files, collectors.
        .target(
            name: "HostMetrics",
            dependencies: ["API", "CSystemCalls", .product(name: "Logging", package: "swift-log")],
            swiftSettings: functionSections
        ),
        .executableTarget(
            name: "Agent",
            dependencies: [
                "API", "HostMetrics", "CHTTPServer", "CHTTPClient", "CSnappy", "CSystemCalls", "CTaskExecutor",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            ],
            exclude: ["hot-functions.order"],
            swiftSettings: functionSections,
            linkerSettings: agentCodeLayout
        ),
        .executableTarget(
            name: "Bench",
            dependencies: ["API", "HostMetrics", .product(name: "Logging", package: "swift-log")]
        ),
        .testTarget(name: "APITests", dependencies: ["API"]),
        .testTarget(
            name: "HostMetricsTests",
            dependencies: ["HostMetrics", "API", .product(name: "Logging", package: "swift-log")],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "AgentTests",
            dependencies: [
                "Agent", "API", "CTaskExecutor", .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]),
        .testTarget(name: "EndToEndTests", dependencies: ["Agent"], exclude: ["Golden"]),
        // Tests/CHTTPServerTests and Tests/CHTTPClientTests (C, run under sanitizers by scripts/test-c, with
        // Tests/CTestSupport's CHECK) and Tests/Contract (Python) are not SwiftPM targets.
    ],
    swiftLanguageModes: [.v6]
)
