/// Bad input from the operator: which value, and why it is wrong. Always a usage error (exit 2).
public struct ValidationError: Error, Equatable, Sendable, CustomStringConvertible {
    public let value: String
    public let reason: String
    public init(_ value: String, _ reason: String) {
        self.value = value
        self.reason = reason
    }
    public var description: String { "invalid \(reason): \"\(value)\"" }
}
