// swift-tools-version:6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// What the HTTP test tiers and their support target build on.
let httpTestDependencies: [Target.Dependency] = [
    "BatonCore",
    "BatonHTTP",
    "BatonServer",
    "BatonPasswords",
    "BatonTestSupport",
    .product(name: "Hummingbird", package: "hummingbird"),
    .product(name: "HummingbirdTesting", package: "hummingbird"),
    .product(name: "JWTKit", package: "jwt-kit"),
    .product(name: "NIOCore", package: "swift-nio"),
    .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "NIOEmbedded", package: "swift-nio"),
    .product(name: "NIOHTTP1", package: "swift-nio"),
    .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
    .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
    .product(name: "HTTPTypes", package: "swift-http-types"),
    .product(name: "Logging", package: "swift-log"),
    .product(name: "ServiceLifecycleTestKit", package: "swift-service-lifecycle"),
]

let package = Package(
    name: "baton",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "baton", targets: ["Baton"])
    ],
    dependencies: [
        // Hummingbird without the swift-configuration trait: Baton reads its own settings, and the trait costs build time.
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: ["FullFoundation"]),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/vapor/jwt-kit.git", from: "5.8.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        // Prometheus exposition of swift-metrics counters and histograms at /metrics.
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        // Already in the graph through Hummingbird; named so tests can import NIOCore (ByteBuffer) directly.
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        // Already in the graph through Hummingbird; named for NIOHTTPTypes (the request read deadline's handler).
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        // Traces: the swift-distributed-tracing API in every layer that makes spans, and swift-otel's OTLP/HTTP
        // exporter in the server (no gRPC: its trait would double what this package adds to a build).
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        .target(
            name: "BatonCore",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "JWTKit", package: "jwt-kit"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // Argon2id from Debian's libargon2 (libargon2-dev at build time).
        .systemLibrary(name: "CArgon2", providers: [.apt(["libargon2-dev"])]),
        .target(
            name: "BatonPasswords",
            dependencies: [
                "BatonCore",
                "CArgon2",
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "BatonPostgres",
            dependencies: [
                "BatonCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedFilesPlugin"]
        ),
        .target(
            name: "BatonHTTP",
            dependencies: [
                "BatonCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Instrumentation", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings,
            plugins: ["EmbedFilesPlugin"]
        ),
        // The application: configuration, wiring, commands; everything `baton` runs but its entry point.
        .target(
            name: "BatonServer",
            dependencies: [
                "BatonCore",
                "BatonPostgres",
                "BatonHTTP",
                "BatonPasswords",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "OTel", package: "swift-otel"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "Baton",
            dependencies: ["BatonServer"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "EmbedFilesTool",
            swiftSettings: swiftSettings
        ),
        .plugin(
            name: "EmbedFilesPlugin",
            capability: .buildTool(),
            dependencies: ["EmbedFilesTool"]
        ),
        // Helpers shared by the test targets: the throwaway test database and a log recorder.
        .target(
            name: "BatonTestSupport",
            dependencies: [
                "BatonCore",
                "BatonPostgres",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            path: "Tests/BatonTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatonCoreTests",
            dependencies: ["BatonCore", "BatonPasswords", "BatonTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreContractTests",
            dependencies: ["BatonCore", "BatonPostgres", "BatonTestSupport", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BatonPostgresTests",
            dependencies: ["BatonCore", "BatonPostgres", "BatonTestSupport", .product(name: "PostgresNIO", package: "postgres-nio")],
            swiftSettings: swiftSettings
        ),
        // What the HTTP test tiers share: the application built as `serve` builds it, and request helpers.
        .target(
            name: "BatonHTTPTestSupport",
            dependencies: httpTestDependencies,
            path: "Tests/BatonHTTPTestSupport",
            swiftSettings: swiftSettings
        ),
        // Fast tier: the HTTP API on the memory store, no database, no process.
        .testTarget(
            name: "BatonRouterTests",
            dependencies: ["BatonHTTPTestSupport"] + httpTestDependencies,
            swiftSettings: swiftSettings
        ),
        // PostgreSQL tier: the HTTP API on the test database, several instances, slow and silent databases.
        .testTarget(
            name: "BatonIntegrationTests",
            dependencies: ["BatonHTTPTestSupport"] + httpTestDependencies,
            swiftSettings: swiftSettings
        ),
        // Process and fault tier: the real binary, signals, PostgreSQL crashing under load.
        .testTarget(
            name: "BatonProcessTests",
            dependencies: ["BatonHTTPTestSupport"] + httpTestDependencies,
            swiftSettings: swiftSettings
        ),
    ]
)
