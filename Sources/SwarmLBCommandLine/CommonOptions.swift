import ArgumentParser

/// Options every swarmlb command takes.
public struct CommonOptions: ParsableArguments {
    public init() {}
    @Option(name: [.short, .long], help: ArgumentHelp(
        "Network namespace to work in: a Docker netns ID, a name under /run/netns, a path, or pid:N.",
        valueName: "ns"))
    public var netns: String?

    @Flag(help: "Print JSON instead of text.")
    public var json = false
}

/// Options of commands that change the kernel.
public struct ChangeOptions: ParsableArguments {
    public init() {}
    @Flag(help: "Print the kernel changes that would be made, as classic commands, and change nothing.")
    public var dryRun = false
}

/// Options of commands that remove things.
public struct RemovalOptions: ParsableArguments {
    public init() {}
    @Flag(help: "Succeed when what is to be deleted is not there.")
    public var ifExists = false
}
