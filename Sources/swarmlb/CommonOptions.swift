import ArgumentParser

/// Options every swarmlb command takes.
struct CommonOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp(
        "Network namespace to work in: a Docker netns ID, a name under /run/netns, a path, or pid:N.",
        valueName: "ns"))
    var netns: String?

    @Flag(help: "Print JSON instead of text.")
    var json = false
}

/// Options of commands that change the kernel.
struct ChangeOptions: ParsableArguments {
    @Flag(help: "Print the kernel changes that would be made, as classic commands, and change nothing.")
    var dryRun = false
}

/// Options of commands that remove things.
struct RemovalOptions: ParsableArguments {
    @Flag(help: "Succeed when what is to be deleted is not there.")
    var ifExists = false
}
