// swift-tools-version:6.0
import PackageDescription

// Generic types' metadata made by direct accessors, not looked up by mangled name at run time: the
// runtime's demangling and its walks of every protocol conformance of the executable are a large
// part of a small `apply`'s start under emulation (docs/benchmarks.md). A code-size trade, no
// behaviour. An unsafe flag, so the package exports executables only, no library product.
let directMetadata: [SwiftSetting] = [.unsafeFlags(["-Xfrontend", "-disable-concrete-type-metadata-mangled-name-accessors"])]

// The static Swift runtime's C++ library (libstdc++), the unwinder (libgcc_eh, as -static-libgcc), libnl's
// three libraries, libnftnl and libyaml linked into swarmlb (and swarmlb-fw, which stands in for its firewall
// commit in make bench) instead of loaded at each start: binding libstdc++.so's symbols was more than half of
// the user-space instructions of `swarmlb inspect iptables` once the argument parser was out of its way, and
// each shared library costs the kernel its mappings and page faults at every start, used or not
// (docs/iptables-mirror.md). link/static holds linker scripts named like the shared libraries (libstdc++.so,
// ...) that name their .a. libmnl and libip4tc have no .a in Debian, and libxtables stays shared: the
// extension plugins it dlopens link against it. Release builds of the executables only; with a shared Swift
// runtime (which loads libstdc++.so itself) libstdc++ is not linked in.
let staticLibraries: [LinkerSetting] = [
    .unsafeFlags(["-L", Context.packageDirectory + "/link/static"], .when(platforms: [.linux], configuration: .release))
]

// libnl's headers (libnl-3-dev), which pkg-config would give: every Swift target that sees CNetlink, through
// SwarmLBKit, builds its module.
let libnlHeaders: [SwiftSetting] = [.unsafeFlags(["-Xcc", "-I/usr/include/libnl3"])]

let package = Package(
    name: "swarmlb",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "swarmlb", targets: ["swarmlb"]),
        .executable(name: "swarmlb-dns", targets: ["swarmlb-dns"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.65.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.5.0"),
    ],
    targets: [
        // The C libraries are found without pkg-config: the -L of the system's library directory it adds would be
        // searched before link/static, and the release build would load the shared libraries again.
        // libnl-3, libnl-genl-3 (IPVS) and libnl-route-3 (addresses, links); headers by libnlHeaders.
        .systemLibrary(
            name: "CNetlink",
            providers: [.apt(["libnl-3-dev", "libnl-genl-3-dev", "libnl-route-3-dev"])]
        ),
        // libip4tc: the legacy iptables tables.
        .systemLibrary(
            name: "CIPTC",
            providers: [.apt(["libiptc-dev"])]
        ),
        // libnftnl + libmnl: nf_tables rules as iptables-nft writes them.
        .systemLibrary(
            name: "CNFTables",
            providers: [.apt(["libnftnl-dev", "libmnl-dev"])]
        ),
        // libxtables: iptables' extension plugins, whose printers spell the matches and targets swarmlb does not decode.
        .systemLibrary(
            name: "CXtables",
            providers: [.apt(["libxtables-dev"])]
        ),
        // libyaml: the services file (YAML, and JSON as YAML) read as parser events.
        .systemLibrary(
            name: "CYAML",
            providers: [.apt(["libyaml-dev"])]
        ),
        // glibc's GNU extensions (setns).
        .systemLibrary(name: "CLinux"),
        // Kernel layer, model, operations and renderers: all unsafe code but the resolver's sockets lives here.
        .target(
            name: "SwarmLBKit", dependencies: ["CNetlink", "CIPTC", "CNFTables", "CXtables", "CLinux"],
            swiftSettings: directMetadata + libnlHeaders),
        // The services file reader (libyaml events, Glibc): no Foundation, no SwiftNIO, so that apply starts fast.
        .target(name: "SwarmLBServices", dependencies: ["SwarmLBKit", "CYAML"], swiftSettings: directMetadata + libnlHeaders),
        // The embedded DNS resolver: its DNS wire format and name directory (Wire/), its sockets (Sockets/:
        // batched UDP, upstream exchanges, the per-namespace claim), answers and forwarding (Foundation and
        // SwiftNIO live here only).
        .target(
            name: "SwarmLBDNS",
            dependencies: [
                "SwarmLBKit", "CLinux",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: libnlHeaders),
        // What both executables share: common options, the namespace session, argument parsing, exit statuses.
        .target(
            name: "SwarmLBCommandLine",
            dependencies: [
                "SwarmLBKit", "SwarmLBServices", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: directMetadata + libnlHeaders),
        // The command line, apply and inspect --expect included (no NIO; dns serve execs swarmlb-dns).
        .executableTarget(
            name: "swarmlb",
            dependencies: [
                "SwarmLBKit", "SwarmLBCommandLine", "SwarmLBServices",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: directMetadata + libnlHeaders,
            linkerSettings: staticLibraries
        ),
        // The resolver behind `swarmlb dns serve`.
        .executableTarget(
            name: "swarmlb-dns",
            dependencies: [
                "SwarmLBKit", "SwarmLBCommandLine", "SwarmLBDNS", "SwarmLBServices",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ],
            swiftSettings: libnlHeaders
        ),
        // The firewall backends driven with iptables-style arguments, for the parity tests and `make bench`.
        .executableTarget(
            name: "swarmlb-fw", dependencies: ["SwarmLBKit"], path: "Tests/swarmlb-fw",
            swiftSettings: libnlHeaders, linkerSettings: staticLibraries),
        // What more than one test target uses: the seeded generator of generated inputs.
        .target(name: "SwarmLBTestSupport", path: "Tests/SwarmLBTestSupport"),
        .testTarget(name: "SwarmLBKitTests", dependencies: ["SwarmLBKit", "SwarmLBTestSupport"], swiftSettings: libnlHeaders),
        // The executable's own parts: apply's argument reading against the argument parser's.
        .testTarget(
            name: "swarmlbTests", dependencies: ["swarmlb", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: libnlHeaders),
        // The services file reader: YAML, JSON and Docker's inspect output read, its errors, the scanner against libyaml, its bounds and its fuzzer.
        // Read by path (Docker's own `docker network inspect -v` capture, and a cut of it the resolver's tests read too), not bundled.
        .testTarget(
            name: "SwarmLBServicesTests", dependencies: ["SwarmLBServices", "SwarmLBKit", "SwarmLBTestSupport"], exclude: ["Fixtures"],
            swiftSettings: libnlHeaders),
        .testTarget(
            name: "SwarmLBDNSTests",
            dependencies: [
                "SwarmLBDNS", "SwarmLBServices",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: libnlHeaders),
    ]
)
